-- CreateTable
CREATE TABLE "SignInFailure" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "method" TEXT NOT NULL,
    "code" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignInFailure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SignInFailure_tenantId_createdAt_idx" ON "SignInFailure"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "SignInFailure_createdAt_idx" ON "SignInFailure"("createdAt");

-- CreateIndex
CREATE INDEX "LoginSession_tenantId_state_expiresAt_idx" ON "LoginSession"("tenantId", "state", "expiresAt");

-- CreateIndex
CREATE INDEX "LoginSession_createdAt_idx" ON "LoginSession"("createdAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_tenantId_createdAt_idx" ON "OutboxMessage"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "User_createdAt_idx" ON "User"("createdAt");
