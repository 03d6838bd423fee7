/** Account locks that brute-force protection recorded: listed for administrators (and exports). */
import type { z } from "zod";
import { tenantWhere, type Scope } from "~/server/services/scope";
import { AppError } from "~/server/errors";
import { unlockAccount } from "~/server/security/throttle";
import { auditActor, writeAudit } from "~/server/services/audit";
import type { LockItem, lockListInput } from "~/lib/validators/lock";

export async function listLocks({ db, actor }: Scope, input: z.output<typeof lockListInput>) {
  const where = { ...tenantWhere({ actor }), ...(input.userId ? { userId: input.userId } : {}) };
  const [total, rows] = await db.$transaction([
    db.accountLock.count({ where }),
    db.accountLock.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: input.skip, take: input.take }),
  ]);
  const users = await db.user.findMany({
    where: { id: { in: rows.map((r) => r.userId) } },
    select: { id: true, userName: true, nickname: true, phone: true, email: true },
  });
  const name = new Map(users.map((u) => [u.id, u.nickname ?? u.userName ?? u.phone ?? u.email]));
  const now = Date.now();
  return { total, items: rows.map((r): LockItem => ({ ...r, userName: name.get(r.userId) ?? null, active: r.until.getTime() > now })) };
}

/** Lifts a user's lock and forgets their failures: a user of the caller's tenant (operators: any). */
export async function liftLock(scope: Scope, userId: string) {
  const { db } = scope;
  const user = await db.user.findFirst({ where: { id: userId, ...tenantWhere(scope) }, select: { id: true, tenantId: true } });
  if (!user) throw new AppError(10004);
  await db.$transaction(async (tx) => {
    await unlockAccount(tx, user.tenantId, user.id);
    await writeAudit(tx, auditActor(scope, user.tenantId), "lock.unlock", user.id);
  });
  return { ok: true as const };
}
