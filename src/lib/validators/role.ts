import { z } from "zod";
import { boolish, listInput, msg, refineRange, multiLineText, text } from "~/lib/validators/common";
import { ROLE_ORDER } from "./values";
export { ROLE_ORDER };

const unique =
  <T>(key: (v: T) => string) =>
  (list: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    list.forEach((v, i) => {
      const k = key(v);
      if (seen.has(k)) ctx.addIssue({ code: "custom", path: [i], message: msg("duplicate") });
      seen.add(k);
    });
  };

export const roleClaimSchema = z.object({
  type: text().trim().min(1).max(100),
  value: text().trim().max(1000),
});
export type RoleClaim = z.infer<typeof roleClaimSchema>;

export const roleFields = z.object({
  name: text()
    .trim()
    .min(2, msg("roleNameLength"))
    .max(64, msg("roleNameLength"))
    .regex(/^[\p{L}\p{N}_.\- ]+$/u, msg("roleNameChars")),
  description: multiLineText().trim().max(500).nullish(),
  permissions: z
    .array(text().trim().min(1).max(100))
    .max(500)
    .default([])
    .superRefine(unique((c) => c)),
  claims: z
    .array(roleClaimSchema)
    .max(50)
    .default([])
    .superRefine(unique((c) => `${c.type}\u0000${c.value}`)),
});
export type RoleFields = z.input<typeof roleFields>;

export const roleCreateInput = roleFields.extend({
  /** Operators only: create the role in another tenant (default: the operator's own). */
  tenantId: z.uuid().optional(),
});
export const roleUpdateInput = roleFields.extend({ id: z.uuid() });

export const roleListInput = listInput
  .extend({
    orderby: z.enum(ROLE_ORDER).default("createdAt"),
    name: text().trim().max(64).optional(),
    builtIn: boolish.optional(),
    /** Operators only: one tenant's roles. */
    tenantId: z.uuid().optional(),
  })
  .superRefine(refineRange);
export type RoleListInput = z.input<typeof roleListInput>;

export const roleSummary = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  builtIn: z.boolean(),
  permissions: z.array(z.string()),
  memberCount: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type RoleSummary = z.infer<typeof roleSummary>;

export const roleDetail = roleSummary.extend({ claims: z.array(roleClaimSchema) });
export type RoleDetail = z.infer<typeof roleDetail>;

export const roleMembersInput = listInput.pick({ skip: true, take: true }).extend({ id: z.uuid() });
export const roleMember = z.object({
  id: z.uuid(),
  userName: z.string().nullable(),
  nickname: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  status: z.string(),
  createdAt: z.date(),
});
