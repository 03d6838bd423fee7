-- AlterTable
ALTER TABLE "ApiPublishConfig" ADD COLUMN     "rateLimitPerMinute" INTEGER;

-- CreateTable
CREATE TABLE "GatewayStat" (
    "tenantId" UUID NOT NULL,
    "apiResourceId" UUID NOT NULL,
    "minute" INTEGER NOT NULL,
    "version" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "clientErrors" INTEGER NOT NULL DEFAULT 0,
    "serverErrors" INTEGER NOT NULL DEFAULT 0,
    "totalMs" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "GatewayStat_pkey" PRIMARY KEY ("apiResourceId","minute","version","clientId")
);

-- CreateIndex
CREATE INDEX "GatewayStat_tenantId_minute_idx" ON "GatewayStat"("tenantId", "minute");
