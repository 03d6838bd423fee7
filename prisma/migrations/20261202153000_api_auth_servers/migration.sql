-- AlterEnum
ALTER TYPE "ApiSubscriptionStatus" ADD VALUE 'revoked';

-- CreateTable
CREATE TABLE "ApiAuthServer" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "discoveryUrl" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "jwksUri" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ApiAuthServer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiAuthServer_tenantId_name_key" ON "ApiAuthServer"("tenantId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiAuthServer_tenantId_issuer_key" ON "ApiAuthServer"("tenantId", "issuer");

-- A publish configuration names `self` or an ApiAuthServer id; a discovery URL kept before that
-- is no server we know: the API goes back to the tenant's own provider.
UPDATE "ApiPublishConfig" SET "authServer" = 'self' WHERE "authServer" <> 'self';
