-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "background" TEXT;
