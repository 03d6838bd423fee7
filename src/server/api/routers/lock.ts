import { z } from "zod";
import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { listOutput } from "~/lib/validators/common";
import { lockItem, lockListInput } from "~/lib/validators/lock";
import { listLocks } from "~/server/services/locks";
import { AppError } from "~/server/errors";
import { unlockAccount } from "~/server/security/throttle";
import { writeAudit } from "~/server/services/audit";

/** Every account lock brute-force protection recorded; administrators lift them. */
export const lockRouter = createTRPCRouter({
  list: requirePermission("uc.lock.get")
    .meta({ openapi: { method: "GET", path: "/locks", tags: ["lock"], protect: true, summary: "Account locks, newest first" } })
    .input(lockListInput)
    .output(listOutput(lockItem))
    .query(({ ctx, input }) => listLocks(ctx, input)),

  unlock: requirePermission("uc.lock.unlock")
    .meta({
      openapi: { method: "PUT", path: "/locks/users/{userId}/unlock", tags: ["lock"], protect: true, summary: "Lift a user's lock and forget their failures" },
    })
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
