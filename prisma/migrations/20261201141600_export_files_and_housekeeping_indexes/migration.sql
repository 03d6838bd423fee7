-- AlterTable
ALTER TABLE "ExportJob" DROP COLUMN "content",
ADD COLUMN     "fileKey" TEXT,
ADD COLUMN     "size" BIGINT;

-- CreateIndex
CREATE INDEX "ExportJob_finishedAt_idx" ON "ExportJob"("finishedAt");

-- CreateIndex
CREATE INDEX "LoginSession_expiresAt_idx" ON "LoginSession"("expiresAt");

-- CreateIndex
CREATE INDEX "VerificationCode_expiresAt_idx" ON "VerificationCode"("expiresAt");
