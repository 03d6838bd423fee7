-- CreateTable
CREATE TABLE "SecretCheck" (
    "name" TEXT NOT NULL,
    "check" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SecretCheck_pkey" PRIMARY KEY ("name")
);
