-- CreateEnum
CREATE TYPE "ApiSubscriptionStatus" AS ENUM ('pending', 'active', 'rejected', 'cancelled');

-- CreateTable
CREATE TABLE "ApiSubscription" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "clientId" UUID,
    "status" "ApiSubscriptionStatus" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMPTZ(3),
    "decidedBy" UUID,
    "note" TEXT,
    "open" BOOLEAN DEFAULT true,

    CONSTRAINT "ApiSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiSubscription_clientId_key" ON "ApiSubscription"("clientId");

-- CreateIndex
CREATE INDEX "ApiSubscription_productId_status_createdAt_idx" ON "ApiSubscription"("productId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "ApiSubscription_tenantId_userId_idx" ON "ApiSubscription"("tenantId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiSubscription_productId_userId_open_key" ON "ApiSubscription"("productId", "userId", "open");

-- AddForeignKey
ALTER TABLE "ApiSubscription" ADD CONSTRAINT "ApiSubscription_productId_fkey" FOREIGN KEY ("productId") REFERENCES "ApiProduct"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiSubscription" ADD CONSTRAINT "ApiSubscription_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "OAuthClient"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiSubscription" ADD CONSTRAINT "ApiSubscription_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
