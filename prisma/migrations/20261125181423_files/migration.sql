-- CreateEnum
CREATE TYPE "FileKind" AS ENUM ('image', 'video', 'document', 'avatar');

-- CreateTable
CREATE TABLE "StoredFile" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "ownerId" UUID,
    "clientId" UUID,
    "folder" TEXT NOT NULL,
    "kind" "FileKind" NOT NULL,
    "mime" TEXT NOT NULL,
    "ext" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "checksum" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StoredFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UploadIntent" (
    "fileKey" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "metadata" JSONB NOT NULL,
    "callbackUrl" TEXT NOT NULL,
    "awaitServerData" BOOLEAN NOT NULL DEFAULT true,
    "callbackData" JSONB,
    "callbackError" TEXT,
    "claimedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "UploadIntent_pkey" PRIMARY KEY ("fileKey")
);

-- CreateIndex
CREATE UNIQUE INDEX "StoredFile_storageKey_key" ON "StoredFile"("storageKey");

-- CreateIndex
CREATE INDEX "StoredFile_tenantId_createdAt_id_idx" ON "StoredFile"("tenantId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "StoredFile_tenantId_kind_createdAt_idx" ON "StoredFile"("tenantId", "kind", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "StoredFile_tenantId_folder_createdAt_idx" ON "StoredFile"("tenantId", "folder", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "StoredFile_tenantId_ownerId_createdAt_idx" ON "StoredFile"("tenantId", "ownerId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "UploadIntent_expiresAt_idx" ON "UploadIntent"("expiresAt");
