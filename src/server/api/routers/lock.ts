import { z } from "zod";
import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { listInput, listOutput } from "~/lib/validators/common";
import { AppError } from "~/server/errors";
import { unlockAccount } from "~/server/security/throttle";
import { writeAudit } from "~/server/services/audit";

const item = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  userId: z.uuid(),
  userName: z.string().nullable(),
  until: z.date(),
  reason: z.string(),
  ip: z.string().nullable(),
  createdAt: z.date(),
  active: z.boolean(),
});

/** Every account lock brute-force protection recorded; administrators lift them. */
export const lockRouter = createTRPCRouter({
  list: requirePermission("uc.lock.get")
    .meta({ openapi: { method: "GET", path: "/locks", tags: ["lock"], protect: true, summary: "Account locks, newest first" } })
    .input(listInput.extend({ userId: z.uuid().optional() }))
    .output(listOutput(item))
    .query(async ({ ctx, input }) => {
      const where = { ...(ctx.actor.isOperator ? {} : { tenantId: ctx.actor.tenantId }), ...(input.userId ? { userId: input.userId } : {}) };
      const [total, rows] = await ctx.db.$transaction([
        ctx.db.accountLock.count({ where }),
        ctx.db.accountLock.findMany({ where, orderBy: { createdAt: "desc" }, skip: input.skip, take: input.take }),
      ]);
      const users = await ctx.db.user.findMany({ where: { id: { in: rows.map((r) => r.userId) } }, select: { id: true, userName: true, nickname: true, phone: true, email: true } });
      const name = new Map(users.map((u) => [u.id, u.nickname ?? u.userName ?? u.phone ?? u.email]));
      const now = Date.now();
      return { total, items: rows.map((r) => ({ ...r, userName: name.get(r.userId) ?? null, active: r.until.getTime() > now })) };
    }),

  unlock: requirePermission("uc.lock.unlock")
    .meta({ openapi: { method: "PUT", path: "/locks/users/{userId}/unlock", tags: ["lock"], protect: true, summary: "Lift a user's lock and forget their failures" } })
    .input(z.object({ userId: z.uuid() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.db.user.findFirst({
        where: { id: input.userId, ...(ctx.actor.isOperator ? {} : { tenantId: ctx.actor.tenantId }) },
        select: { id: true, tenantId: true },
      });
      if (!user) throw new AppError(10004);
      await unlockAccount(ctx.db, user.tenantId, user.id);
      await writeAudit(ctx.db, { actorId: ctx.actor.userId, tenantId: user.tenantId, ip: ctx.ip, userAgent: ctx.userAgent }, "lock.unlock", user.id);
      return { ok: true as const };
    }),
});
