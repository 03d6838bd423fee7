import { z } from "zod";
import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { listInput, listOutput } from "~/lib/validators/common";
import { AppError } from "~/server/errors";

const item = z.object({
  id: z.uuid(),
  tenantId: z.uuid().nullable(),
  channel: z.string(),
  to: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
  provider: z.string(),
  status: z.string(),
  error: z.string().nullable(),
  createdAt: z.date(),
});

/**
 * The development outbox: messages a tenant without an SMS or mail provider would have sent.
 * Platform operators only: it holds live codes.
 */
export const outboxRouter = createTRPCRouter({
  list: requirePermission("uc.outbox.get")
    .meta({ openapi: { method: "GET", path: "/outbox", tags: ["outbox"], protect: true, summary: "Messages in the development outbox" } })
    .input(listInput.extend({ to: z.string().trim().max(254).optional(), tenantId: z.uuid().optional() }))
    .output(listOutput(item))
    .query(async ({ ctx, input }) => {
      if (!ctx.actor.isOperator) throw new AppError(10002);
      const where = {
        ...(input.to ? { to: { contains: input.to.toLowerCase() } } : {}),
        ...(input.tenantId ? { tenantId: input.tenantId } : {}),
        ...(input.startTime || input.endTime ? { createdAt: { gte: input.startTime, lte: input.endTime } } : {}),
      };
      const [total, items] = await ctx.db.$transaction([
        ctx.db.outboxMessage.count({ where }),
        ctx.db.outboxMessage.findMany({ where, orderBy: [{ createdAt: input.asc ? "asc" : "desc" }, { id: "desc" }], skip: input.skip, take: input.take }),
      ]);
      return { total, items };
    }),
});
