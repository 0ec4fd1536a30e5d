/*
  Warnings:

  - A unique constraint covering the columns `[chain,seq]` on the table `audit_events` will be added. If there are existing duplicate values, this will fail.
  - A unique constraint covering the columns `[lineage_id,version]` on the table `evidence` will be added. If there are existing duplicate values, this will fail.
  (lineage_id is backfilled: every existing piece of evidence is version 1 of its own lineage.)

*/
-- CreateEnum
CREATE TYPE "SessionKind" AS ENUM ('SESSION', 'API_TOKEN');

-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "chain" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "hash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "prev_hash" TEXT,
ADD COLUMN     "seq" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "evidence" ADD COLUMN     "lineage_id" UUID,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;
UPDATE "evidence" SET "lineage_id" = "id";
ALTER TABLE "evidence" ALTER COLUMN "lineage_id" SET NOT NULL;

-- AlterTable: a role without a unit holds everywhere (system administrators).
ALTER TABLE "role_assignments" ALTER COLUMN "unit_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "people" ADD COLUMN     "disabled_at" TIMESTAMPTZ(3),
ADD COLUMN     "password_hash" TEXT;

-- CreateTable
CREATE TABLE "sessions" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "kind" "SessionKind" NOT NULL,
    "name" TEXT,
    "token_hash" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "ip" TEXT,
    "user_agent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "action_links" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "purpose" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "action_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sign_in_failures" (
    "id" BIGSERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sign_in_failures_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions"("token_hash");

-- CreateIndex
CREATE INDEX "sessions_person_id_created_at_idx" ON "sessions"("person_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "action_links_token_hash_key" ON "action_links"("token_hash");

-- CreateIndex
CREATE INDEX "action_links_person_id_created_at_idx" ON "action_links"("person_id", "created_at");

-- CreateIndex
CREATE INDEX "sign_in_failures_email_at_idx" ON "sign_in_failures"("email", "at");

-- CreateIndex
CREATE INDEX "sign_in_failures_ip_at_idx" ON "sign_in_failures"("ip", "at");

-- Audit chain: the hash of an event covers the previous event's hash and every field of the event.
-- Verification recomputes it with the same function (apps/api/src/audit), so the two can never disagree on format.
CREATE FUNCTION kawal_audit_hash(prev TEXT, chain TEXT, seq INTEGER, programme_id UUID, case_id UUID, actor TEXT, action TEXT,
                                 reason TEXT, before JSONB, after JSONB, at TIMESTAMPTZ, idempotency_key TEXT)
RETURNS TEXT LANGUAGE sql IMMUTABLE AS $fn$
  SELECT encode(sha256(convert_to(concat_ws(E'\x1f',
    coalesce(prev, ''), chain, seq::text, coalesce(programme_id::text, ''), coalesce(case_id::text, ''), actor, action,
    coalesce(reason, ''), coalesce(before::text, 'null'), coalesce(after::text, 'null'),
    to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), coalesce(idempotency_key, '')), 'UTF8')), 'hex')
$fn$;

-- Existing events: one chain per case, per programme, else "admin"; ordered by time, then id.
UPDATE "audit_events" SET "chain" = CASE
  WHEN "case_id" IS NOT NULL THEN 'case:' || "case_id"
  WHEN "programme_id" IS NOT NULL THEN 'programme:' || "programme_id"
  ELSE 'admin' END;
UPDATE "audit_events" a SET "seq" = o.n
  FROM (SELECT "id", row_number() OVER (PARTITION BY "chain" ORDER BY "at", "id") AS n FROM "audit_events") o
  WHERE a."id" = o."id";
DO $backfill$
DECLARE
  r RECORD;
  last_chain TEXT := NULL;
  last_hash TEXT := NULL;
  h TEXT;
BEGIN
  FOR r IN SELECT * FROM "audit_events" ORDER BY "chain", "seq" LOOP
    IF last_chain IS DISTINCT FROM r."chain" THEN last_hash := NULL; last_chain := r."chain"; END IF;
    h := kawal_audit_hash(last_hash, r."chain", r."seq", r."programme_id", r."case_id", r."actor", r."action", r."reason",
                          r."before", r."after", r."at", r."idempotency_key");
    UPDATE "audit_events" SET "prev_hash" = last_hash, "hash" = h WHERE "id" = r."id";
    last_hash := h;
  END LOOP;
END
$backfill$;

-- New events are chained as they are written, whoever writes them (the worker's read model or the API).
-- The advisory lock serialises writers of one chain; other chains proceed in parallel.
CREATE FUNCTION kawal_audit_chain() RETURNS TRIGGER LANGUAGE plpgsql AS $fn$
DECLARE
  last_seq INTEGER;
  last_hash TEXT;
BEGIN
  IF NEW."chain" IS NULL OR NEW."chain" = '' THEN
    NEW."chain" := CASE
      WHEN NEW."case_id" IS NOT NULL THEN 'case:' || NEW."case_id"
      WHEN NEW."programme_id" IS NOT NULL THEN 'programme:' || NEW."programme_id"
      ELSE 'admin' END;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('kawal-audit:' || NEW."chain"));
  SELECT "seq", "hash" INTO last_seq, last_hash FROM "audit_events" WHERE "chain" = NEW."chain" ORDER BY "seq" DESC LIMIT 1;
  NEW."seq" := coalesce(last_seq, 0) + 1;
  NEW."prev_hash" := last_hash;
  NEW."at" := date_trunc('milliseconds', coalesce(NEW."at", now()));
  NEW."hash" := kawal_audit_hash(NEW."prev_hash", NEW."chain", NEW."seq", NEW."programme_id", NEW."case_id", NEW."actor",
                                 NEW."action", NEW."reason", NEW."before", NEW."after", NEW."at", NEW."idempotency_key");
  RETURN NEW;
END
$fn$;
CREATE TRIGGER "audit_events_chain" BEFORE INSERT ON "audit_events" FOR EACH ROW EXECUTE FUNCTION kawal_audit_chain();

-- Append-only: the database itself refuses to change or remove an audit event.
CREATE FUNCTION kawal_audit_append_only() RETURNS TRIGGER LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION kawal_audit_append_only();

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_chain_seq_key" ON "audit_events"("chain", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "evidence_lineage_id_version_key" ON "evidence"("lineage_id", "version");

-- CreateIndex
CREATE INDEX "tasks_assignee_email_state_idx" ON "tasks"("assignee_email", "state");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_links" ADD CONSTRAINT "action_links_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;
