import { z } from "zod";
import { listInput, refineRange, text } from "~/lib/validators/common";

export const auditListInput = listInput
  .extend({
    /** An exact actor (user id). */
    actorId: z.uuid().optional(),
    /** Partial match on the actor's user name, nickname, phone or email. */
    actor: text().trim().max(100).optional(),
    /** The resource part of the action (`role` matches `role.create`, `role.update`...). */
    resource: text()
      .trim()
      .max(64)
      .regex(/^[a-zA-Z]+$/)
      .optional(),
    /** Partial match on the action (`role.update`, `update`). */
    action: text().trim().max(64).optional(),
    recordId: text().trim().max(100).optional(),
    /** Operators only: one tenant's entries. Ignored for everyone else. */
    tenantId: z.uuid().optional(),
    /** Keyset paging: the id of the last entry of the previous page (then `skip` is ignored). */
    cursor: z.uuid().optional(),
  })
  .superRefine(refineRange);
export type AuditListInput = z.input<typeof auditListInput>;

const jsonValue: z.ZodType<unknown> = z.unknown();

export const auditItem = z.object({
  id: z.uuid(),
  tenantId: z.uuid().nullable(),
  tenantName: z.string().nullable(),
  actorId: z.uuid().nullable(),
  actorName: z.string().nullable(),
  /** The app (OAuth client) the actor acted through, when they called with its access token. */
  clientId: z.uuid().nullable(),
  clientName: z.string().nullable(),
  action: z.string(),
  recordId: z.string().nullable(),
  before: jsonValue,
  after: jsonValue,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.date(),
});
export type AuditItem = z.infer<typeof auditItem>;

export const auditListOutput = z.object({ total: z.number().int(), items: z.array(auditItem), nextCursor: z.uuid().nullable() });
