-- Scores per case and per unit and year, designations and their revocations, follow-up tasks, programme cycles.
-- previous_id is a new column (all NULL), so its unique index cannot fail on existing rows.
-- AlterTable
ALTER TABLE "cases" ADD COLUMN     "designation" TEXT,
ADD COLUMN     "revocations" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "score" DOUBLE PRECISION,
ADD COLUMN     "score_category" TEXT,
ADD COLUMN     "score_zone" TEXT;

-- AlterTable
ALTER TABLE "programmes" ADD COLUMN     "cycle" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "previous_id" UUID;

-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "component" TEXT,
ADD COLUMN     "follow_up" JSONB;

-- CreateTable
CREATE TABLE "unit_scores" (
    "id" UUID NOT NULL,
    "unit_id" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "instrument_key" TEXT NOT NULL,
    "instrument_version" INTEGER NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "components" JSONB,
    "source" TEXT,
    "recorded_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "unit_scores_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "unit_scores_unit_id_instrument_key_year_key" ON "unit_scores"("unit_id", "instrument_key", "year");

-- CreateIndex
CREATE INDEX "cases_programme_id_score_idx" ON "cases"("programme_id", "score");

-- CreateIndex
CREATE UNIQUE INDEX "programmes_previous_id_key" ON "programmes"("previous_id");

-- AddForeignKey
ALTER TABLE "programmes" ADD CONSTRAINT "programmes_previous_id_fkey" FOREIGN KEY ("previous_id") REFERENCES "programmes"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "unit_scores" ADD CONSTRAINT "unit_scores_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE CASCADE ON UPDATE CASCADE;
