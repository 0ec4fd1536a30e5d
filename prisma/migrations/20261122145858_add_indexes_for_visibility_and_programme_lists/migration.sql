-- CreateIndex
CREATE INDEX "cases_unit_id_idx" ON "cases"("unit_id");

-- CreateIndex
CREATE INDEX "programmes_coordinator_id_idx" ON "programmes"("coordinator_id");

-- CreateIndex
CREATE INDEX "programmes_created_at_id_idx" ON "programmes"("created_at", "id");
