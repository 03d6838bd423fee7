-- CreateEnum
CREATE TYPE "ApiVersionScheme" AS ENUM ('path', 'query', 'header');

-- CreateTable
CREATE TABLE "ApiVersion" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "apiResourceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "scheme" "ApiVersionScheme" NOT NULL DEFAULT 'path',
    "onlineRevisionId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ApiVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiRevision" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "apiVersionId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "note" TEXT,
    "sourceFormat" TEXT NOT NULL,
    "sourceSyntax" TEXT NOT NULL,
    "sourceOrigin" TEXT,
    "source" TEXT NOT NULL,
    "document" JSONB NOT NULL,
    "title" TEXT NOT NULL,
    "operationCount" INTEGER NOT NULL,
    "comparedToId" UUID,
    "changes" JSONB,
    "breaking" BOOLEAN NOT NULL DEFAULT false,
    "createdBy" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ApiRevision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiRelease" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "apiVersionId" UUID NOT NULL,
    "revisionId" UUID NOT NULL,
    "notes" TEXT NOT NULL,
    "createdBy" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ApiRelease_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiPublishConfig" (
    "apiResourceId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "suffix" TEXT NOT NULL,
    "productIds" TEXT[],
    "authServer" TEXT NOT NULL DEFAULT 'self',
    "scopes" TEXT[],
    "openId" BOOLEAN NOT NULL DEFAULT false,
    "backendUrl" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ApiPublishConfig_pkey" PRIMARY KEY ("apiResourceId")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiVersion_onlineRevisionId_key" ON "ApiVersion"("onlineRevisionId");

-- CreateIndex
CREATE INDEX "ApiVersion_tenantId_idx" ON "ApiVersion"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiVersion_apiResourceId_name_key" ON "ApiVersion"("apiResourceId", "name");

-- CreateIndex
CREATE INDEX "ApiRevision_tenantId_idx" ON "ApiRevision"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiRevision_apiVersionId_number_key" ON "ApiRevision"("apiVersionId", "number");

-- CreateIndex
CREATE INDEX "ApiRelease_apiVersionId_createdAt_idx" ON "ApiRelease"("apiVersionId", "createdAt");

-- CreateIndex
CREATE INDEX "ApiRelease_tenantId_idx" ON "ApiRelease"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiPublishConfig_tenantId_suffix_key" ON "ApiPublishConfig"("tenantId", "suffix");

-- AddForeignKey
ALTER TABLE "ApiVersion" ADD CONSTRAINT "ApiVersion_apiResourceId_fkey" FOREIGN KEY ("apiResourceId") REFERENCES "ApiResource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiVersion" ADD CONSTRAINT "ApiVersion_onlineRevisionId_fkey" FOREIGN KEY ("onlineRevisionId") REFERENCES "ApiRevision"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiRevision" ADD CONSTRAINT "ApiRevision_apiVersionId_fkey" FOREIGN KEY ("apiVersionId") REFERENCES "ApiVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiRelease" ADD CONSTRAINT "ApiRelease_apiVersionId_fkey" FOREIGN KEY ("apiVersionId") REFERENCES "ApiVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiRelease" ADD CONSTRAINT "ApiRelease_revisionId_fkey" FOREIGN KEY ("revisionId") REFERENCES "ApiRevision"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiPublishConfig" ADD CONSTRAINT "ApiPublishConfig_apiResourceId_fkey" FOREIGN KEY ("apiResourceId") REFERENCES "ApiResource"("id") ON DELETE CASCADE ON UPDATE CASCADE;
