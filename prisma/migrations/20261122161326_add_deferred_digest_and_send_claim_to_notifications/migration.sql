-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "NotificationStatus" ADD VALUE 'DEFERRED';
ALTER TYPE "NotificationStatus" ADD VALUE 'DIGEST';
ALTER TYPE "NotificationStatus" ADD VALUE 'DIGESTED';

-- AlterTable
ALTER TABLE "notifications" ADD COLUMN     "claimed_until" TIMESTAMPTZ(3),
ADD COLUMN     "digest_key" TEXT,
ADD COLUMN     "not_before" TIMESTAMPTZ(3),
ADD COLUMN     "payload" JSONB,
ADD COLUMN     "time_zone" TEXT;

-- CreateIndex
CREATE INDEX "notifications_status_not_before_idx" ON "notifications"("status", "not_before");
