import type { Db } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";

export interface AuditActor {
  actorId: string | null;
  tenantId: string | null;
  ip: string | null;
}

/** Every admin mutation writes one entry; secrets are masked by the caller before this. */
export async function writeAudit(
  db: Db | Prisma.TransactionClient,
  who: AuditActor,
  action: string,
  recordId: string | null,
  before?: unknown,
  after?: unknown,
) {
  await db.auditLog.create({
    data: {
      tenantId: who.tenantId,
      actorId: who.actorId,
      ip: who.ip,
      action,
      recordId,
      before: before === undefined ? undefined : (JSON.parse(JSON.stringify(before)) as Prisma.InputJsonValue),
      after: after === undefined ? undefined : (JSON.parse(JSON.stringify(after)) as Prisma.InputJsonValue),
    },
  });
}
