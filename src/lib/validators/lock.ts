import { z } from "zod";
import { listInput } from "~/lib/validators/common";

export const lockListInput = listInput.extend({ userId: z.uuid().optional() });

export const lockItem = z.object({
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
export type LockItem = z.infer<typeof lockItem>;
