import { z } from "zod";
import { listInput, text } from "~/lib/validators/common";

export const outboxListInput = listInput.extend({ to: text().trim().max(254).optional(), tenantId: z.uuid().optional() });

export const outboxItem = z.object({
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
export type OutboxItem = z.infer<typeof outboxItem>;
