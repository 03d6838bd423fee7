-- AlterTable
ALTER TABLE "LoginSession" ADD COLUMN     "idleSeconds" INTEGER NOT NULL DEFAULT 1800;
