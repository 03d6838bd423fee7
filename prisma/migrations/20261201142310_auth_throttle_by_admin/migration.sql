-- AlterTable
ALTER TABLE "AuthThrottle" ADD COLUMN     "byAdmin" BOOLEAN NOT NULL DEFAULT false;
