import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { listOutput } from "~/lib/validators/common";
import { outboxItem, outboxListInput } from "~/lib/validators/outbox";
import { listOutbox } from "~/server/services/outbox";

/**
 * The development outbox: messages a tenant without an SMS or mail provider would have sent.
 * Platform operators only: it holds live codes.
 */
export const outboxRouter = createTRPCRouter({
  list: requirePermission("uc.outbox.get")
    .meta({ openapi: { method: "GET", path: "/outbox", tags: ["outbox"], protect: true, summary: "Messages in the development outbox" } })
    .input(outboxListInput)
    .output(listOutput(outboxItem))
    .query(({ ctx, input }) => listOutbox(ctx, input)),
});
