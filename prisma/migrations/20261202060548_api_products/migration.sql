-- CreateTable
CREATE TABLE "ApiProduct" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "displayName" TEXT,
    "description" TEXT,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "approvalRequired" BOOLEAN NOT NULL DEFAULT false,
    "requestLimit" INTEGER,
    "versionIds" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ApiProduct_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ApiProduct_tenantId_createdAt_idx" ON "ApiProduct"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiProduct_tenantId_name_key" ON "ApiProduct"("tenantId", "name");
