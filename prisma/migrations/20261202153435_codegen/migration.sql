-- CreateEnum
CREATE TYPE "CodegenRunKind" AS ENUM ('preview', 'release', 'gitsync');

-- CreateEnum
CREATE TYPE "CodegenRunStatus" AS ENUM ('running', 'succeeded', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "CodegenNpmSettings" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "apiResourceId" UUID NOT NULL,
    "language" TEXT NOT NULL,
    "packageName" TEXT NOT NULL,
    "className" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "homepage" TEXT NOT NULL DEFAULT '',
    "author" TEXT NOT NULL DEFAULT '',
    "keywords" TEXT[],
    "description" TEXT NOT NULL DEFAULT '',
    "license" TEXT NOT NULL DEFAULT 'MIT',
    "readme" TEXT NOT NULL DEFAULT '',
    "registryUrl" TEXT NOT NULL,
    "tokenEnc" TEXT,
    "updatedBy" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CodegenNpmSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CodegenSettings" (
    "apiResourceId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "gitRemoteUrl" TEXT NOT NULL DEFAULT '',
    "gitBranch" TEXT NOT NULL DEFAULT 'main',
    "gitUserName" TEXT NOT NULL DEFAULT '',
    "gitUserEmail" TEXT NOT NULL DEFAULT '',
    "gitTokenEnc" TEXT,
    "gitSyncLabels" BOOLEAN NOT NULL DEFAULT false,
    "gitSyncDocs" BOOLEAN NOT NULL DEFAULT false,
    "gitSaved" BOOLEAN NOT NULL DEFAULT false,
    "gitUpdatedAt" TIMESTAMPTZ(3),
    "revisionId" UUID,
    "baseUrl" TEXT NOT NULL DEFAULT '',
    "commonSaved" BOOLEAN NOT NULL DEFAULT false,
    "commonUpdatedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CodegenSettings_pkey" PRIMARY KEY ("apiResourceId")
);

-- CreateTable
CREATE TABLE "CodegenHistory" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "apiResourceId" UUID NOT NULL,
    "kind" "CodegenRunKind" NOT NULL,
    "status" "CodegenRunStatus" NOT NULL DEFAULT 'running',
    "actorId" UUID,
    "actorName" TEXT,
    "revisionId" UUID,
    "revisionNumber" INTEGER,
    "versionName" TEXT,
    "generatorId" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "version" TEXT,
    "registry" TEXT,
    "gitCommit" TEXT,
    "durationMs" INTEGER,
    "files" JSONB,
    "fileCount" INTEGER,
    "totalBytes" INTEGER,
    "error" TEXT,
    "log" TEXT NOT NULL DEFAULT '',
    "jobId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "CodegenHistory_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CodegenNpmSettings_tenantId_idx" ON "CodegenNpmSettings"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "CodegenNpmSettings_apiResourceId_language_key" ON "CodegenNpmSettings"("apiResourceId", "language");

-- CreateIndex
CREATE INDEX "CodegenSettings_tenantId_idx" ON "CodegenSettings"("tenantId");

-- CreateIndex
CREATE INDEX "CodegenHistory_apiResourceId_createdAt_idx" ON "CodegenHistory"("apiResourceId", "createdAt");

-- CreateIndex
CREATE INDEX "CodegenHistory_tenantId_idx" ON "CodegenHistory"("tenantId");

-- AddForeignKey
ALTER TABLE "CodegenNpmSettings" ADD CONSTRAINT "CodegenNpmSettings_apiResourceId_fkey" FOREIGN KEY ("apiResourceId") REFERENCES "ApiResource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CodegenSettings" ADD CONSTRAINT "CodegenSettings_apiResourceId_fkey" FOREIGN KEY ("apiResourceId") REFERENCES "ApiResource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CodegenHistory" ADD CONSTRAINT "CodegenHistory_apiResourceId_fkey" FOREIGN KEY ("apiResourceId") REFERENCES "ApiResource"("id") ON DELETE CASCADE ON UPDATE CASCADE;
