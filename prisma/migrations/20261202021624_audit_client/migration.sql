-- AlterTable
ALTER TABLE "AuditLog" ADD COLUMN     "clientId" UUID;
