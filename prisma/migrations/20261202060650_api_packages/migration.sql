-- CreateEnum
CREATE TYPE "ApiPackagePlatform" AS ENUM ('npm', 'nuget', 'gradle', 'spm', 'postman');

-- CreateTable
CREATE TABLE "ApiPackage" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "apiResourceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "publisher" TEXT,
    "link" TEXT NOT NULL,
    "icon" TEXT,
    "platform" "ApiPackagePlatform" NOT NULL,
    "language" TEXT,
    "order" INTEGER NOT NULL DEFAULT 0,
    "tags" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ApiPackage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ApiPackage_tenantId_idx" ON "ApiPackage"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiPackage_apiResourceId_platform_name_key" ON "ApiPackage"("apiResourceId", "platform", "name");

-- AddForeignKey
ALTER TABLE "ApiPackage" ADD CONSTRAINT "ApiPackage_apiResourceId_fkey" FOREIGN KEY ("apiResourceId") REFERENCES "ApiResource"("id") ON DELETE CASCADE ON UPDATE CASCADE;
