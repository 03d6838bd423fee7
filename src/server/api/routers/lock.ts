import { z } from "zod";
import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { listOutput } from "~/lib/validators/common";
import { lockItem, lockListInput } from "~/lib/validators/lock";
import { liftLock, listLocks } from "~/server/services/locks";

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
    .mutation(({ ctx, input }) => liftLock(ctx, input.userId)),
});
