-- CreateTable
CREATE TABLE "ApiSubscriber" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "apiResourceId" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "confirmedAt" TIMESTAMPTZ(3),
    "confirmSentAt" TIMESTAMPTZ(3),
    "ip" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ApiSubscriber_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiReleaseDelivery" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "releaseId" UUID NOT NULL,
    "subscriberId" UUID,
    "email" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "error" TEXT,
    "jobId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiReleaseDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ApiSubscriber_tenantId_email_confirmSentAt_idx" ON "ApiSubscriber"("tenantId", "email", "confirmSentAt");

-- CreateIndex
CREATE INDEX "ApiSubscriber_tenantId_ip_confirmSentAt_idx" ON "ApiSubscriber"("tenantId", "ip", "confirmSentAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiSubscriber_apiResourceId_email_key" ON "ApiSubscriber"("apiResourceId", "email");

-- CreateIndex
CREATE INDEX "ApiReleaseDelivery_tenantId_createdAt_idx" ON "ApiReleaseDelivery"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiReleaseDelivery_releaseId_subscriberId_key" ON "ApiReleaseDelivery"("releaseId", "subscriberId");

-- AddForeignKey
ALTER TABLE "ApiSubscriber" ADD CONSTRAINT "ApiSubscriber_apiResourceId_fkey" FOREIGN KEY ("apiResourceId") REFERENCES "ApiResource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiReleaseDelivery" ADD CONSTRAINT "ApiReleaseDelivery_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "ApiRelease"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiReleaseDelivery" ADD CONSTRAINT "ApiReleaseDelivery_subscriberId_fkey" FOREIGN KEY ("subscriberId") REFERENCES "ApiSubscriber"("id") ON DELETE SET NULL ON UPDATE CASCADE;
