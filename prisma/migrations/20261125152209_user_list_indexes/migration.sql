-- DropIndex
DROP INDEX "User_tenantId_createdAt_idx";

-- CreateIndex
CREATE INDEX "User_tenantId_createdAt_id_idx" ON "User"("tenantId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "User_tenantId_status_createdAt_id_idx" ON "User"("tenantId", "status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "User_tenantId_userNameKey_id_idx" ON "User"("tenantId", "userNameKey", "id");

-- CreateIndex
CREATE INDEX "User_tenantId_phone_id_idx" ON "User"("tenantId", "phone", "id");

-- CreateIndex
CREATE INDEX "User_tenantId_email_id_idx" ON "User"("tenantId", "email", "id");

-- CreateIndex
CREATE INDEX "User_tenantId_nickname_idx" ON "User"("tenantId", "nickname");

-- CreateIndex
CREATE INDEX "User_tenantId_deletedAt_idx" ON "User"("tenantId", "deletedAt");

-- CreateIndex
CREATE INDEX "User_tenantId_teamPath_idx" ON "User"("tenantId", "teamPath");
