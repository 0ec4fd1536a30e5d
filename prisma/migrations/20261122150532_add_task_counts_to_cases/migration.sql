-- AlterTable
ALTER TABLE "cases" ADD COLUMN     "tasks_approved" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tasks_blocked" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tasks_in_review" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tasks_open" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tasks_overdue" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tasks_returned" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tasks_submitted" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tasks_waived" INTEGER NOT NULL DEFAULT 0;

-- Backfill from the tasks already in the read model; from now on the read model writes them with every state.
UPDATE "cases" c SET
  "tasks_blocked" = t.blocked, "tasks_open" = t.open, "tasks_submitted" = t.submitted, "tasks_in_review" = t.in_review,
  "tasks_returned" = t.returned, "tasks_approved" = t.approved, "tasks_waived" = t.waived, "tasks_overdue" = t.overdue
FROM (
  SELECT "case_id",
         count(*) FILTER (WHERE "state" = 'BLOCKED')::int AS blocked,
         count(*) FILTER (WHERE "state" = 'OPEN')::int AS open,
         count(*) FILTER (WHERE "state" = 'SUBMITTED')::int AS submitted,
         count(*) FILTER (WHERE "state" = 'IN_REVIEW')::int AS in_review,
         count(*) FILTER (WHERE "state" = 'RETURNED')::int AS returned,
         count(*) FILTER (WHERE "state" = 'APPROVED')::int AS approved,
         count(*) FILTER (WHERE "state" = 'WAIVED')::int AS waived,
         count(*) FILTER (WHERE "overdue" AND "state" NOT IN ('APPROVED', 'WAIVED'))::int AS overdue
    FROM "tasks" GROUP BY "case_id"
) t
WHERE c."id" = t."case_id";
