/** The development outbox's messages, for platform operators only (they hold live codes). */
import type { z } from "zod";
import type { Scope } from "~/server/services/scope";
import { AppError } from "~/server/errors";
import type { outboxListInput } from "~/lib/validators/outbox";

export async function listOutbox({ db, actor }: Scope, input: z.output<typeof outboxListInput>) {
  if (!actor.isOperator) throw new AppError(10002);
  const where = {
    ...(input.to ? { to: { contains: input.to.toLowerCase() } } : {}),
    ...(input.tenantId ? { tenantId: input.tenantId } : {}),
    ...(input.startTime || input.endTime ? { createdAt: { gte: input.startTime, lte: input.endTime } } : {}),
  };
  const [total, items] = await db.$transaction([
    db.outboxMessage.count({ where }),
    db.outboxMessage.findMany({ where, orderBy: [{ createdAt: input.asc ? "asc" : "desc" }, { id: "desc" }], skip: input.skip, take: input.take }),
  ]);
  return { total, items };
}
