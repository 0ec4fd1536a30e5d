-- AlterTable
ALTER TABLE "cases" ADD COLUMN     "launched_at" TIMESTAMPTZ(3),
ADD COLUMN     "signed_off_at" TIMESTAMPTZ(3),
ADD COLUMN     "signed_off_by" TEXT,
ADD COLUMN     "start_date" DATE,
ADD COLUMN     "suspended" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "template_version" INTEGER;

-- AlterTable
ALTER TABLE "programmes" ADD COLUMN     "actions" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "closed_at" TIMESTAMPTZ(3),
ADD COLUMN     "local_holidays" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "suspension" JSONB;

-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "assignee_email" TEXT,
ADD COLUMN     "escalation_level" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "extension_request" JSONB,
ADD COLUMN     "occurrence" INTEGER,
ADD COLUMN     "opens_on" DATE,
ADD COLUMN     "phase" TEXT,
ADD COLUMN     "weight" DOUBLE PRECISION NOT NULL DEFAULT 1,
ALTER COLUMN "due_date" DROP NOT NULL,
ALTER COLUMN "due_at" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "cases_programme_id_launched_at_idx" ON "cases"("programme_id", "launched_at");

-- Cases that already wrote their state were launched before this column existed.
UPDATE "cases" SET "launched_at" = "created_at" WHERE "version" > 0;
