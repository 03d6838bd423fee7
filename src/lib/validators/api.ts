/** API resources, API scopes and identity resources: schemas shared by forms and procedures. */
import { z } from "zod";
import { boolish, listInput, msg, refineRange, multiLineText, text } from "~/lib/validators/common";
import { API_ORDER, STANDARD_IDENTITY_RESOURCES } from "./values";
export { API_ORDER, STANDARD_IDENTITY_RESOURCES };

const uniqueStrings = (list: string[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  list.forEach((v, i) => {
    if (seen.has(v)) ctx.addIssue({ code: "custom", path: [i], message: msg("duplicate") });
    seen.add(v);
  });
};

/** Machine names: `orders`, `orders.read`, `openid`. */
export const resourceName = text()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, msg("invalidName"));
const claimType = text()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:/-]+$/, msg("claimTypeChars"));
const names = z.array(resourceName).max(100).default([]).superRefine(uniqueStrings);
const claims = z.array(claimType).max(100).default([]).superRefine(uniqueStrings);
const optionalText = (max: number) => text().trim().max(max).nullish();
const optionalLines = (max: number) => multiLineText().trim().max(max).nullish();

const baseList = listInput.extend({
  orderby: z.enum(API_ORDER).default("createdAt"),
  name: text().trim().max(100).optional(),
  tenantId: z.uuid().optional(),
});

// --- API resources ---
export const apiResourceFields = z.object({
  name: resourceName,
  displayName: optionalText(100),
  description: optionalLines(500),
  enabled: z.boolean().default(true),
  scopes: names,
  userClaims: claims,
  owners: z.array(z.uuid()).max(50).default([]).superRefine(uniqueStrings),
});
export type ApiResourceFields = z.input<typeof apiResourceFields>;
export const apiResourceCreateInput = apiResourceFields.extend({ tenantId: z.uuid().optional() });
export const apiResourceUpdateInput = apiResourceFields.extend({ id: z.uuid() });
export const apiResourceListInput = baseList
  .extend({
    enabled: boolish.optional(),
    /** Only the resources that offer this scope (by name): what an API scope's "used by" shows. */
    scope: text().trim().max(100).optional(),
  })
  .superRefine(refineRange);
export type ApiResourceListInput = z.input<typeof apiResourceListInput>;
export const apiResourceItem = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  name: z.string(),
  displayName: z.string().nullable(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  scopes: z.array(z.string()),
  userClaims: z.array(z.string()),
  owners: z.array(z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ApiResourceItem = z.infer<typeof apiResourceItem>;

// --- API scopes ---
export const apiScopeFields = z.object({
  name: resourceName,
  displayName: optionalText(100),
  description: optionalLines(500),
  claims,
});
export type ApiScopeFields = z.input<typeof apiScopeFields>;
export const apiScopeCreateInput = apiScopeFields.extend({ tenantId: z.uuid().optional() });
export const apiScopeUpdateInput = apiScopeFields.extend({ id: z.uuid() });
export const apiScopeListInput = baseList.superRefine(refineRange);
export type ApiScopeListInput = z.input<typeof apiScopeListInput>;
export const apiScopeItem = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  name: z.string(),
  displayName: z.string().nullable(),
  description: z.string().nullable(),
  claims: z.array(z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ApiScopeItem = z.infer<typeof apiScopeItem>;

// --- Identity resources ---
export const identityResourceFields = apiScopeFields;
export type IdentityResourceFields = z.input<typeof identityResourceFields>;
export const identityResourceCreateInput = apiScopeCreateInput;
export const identityResourceUpdateInput = apiScopeUpdateInput;
export const identityResourceListInput = baseList.extend({ standard: boolish.optional() }).superRefine(refineRange);
export type IdentityResourceListInput = z.input<typeof identityResourceListInput>;
export const identityResourceItem = apiScopeItem.extend({ standard: z.boolean() });
export type IdentityResourceItem = z.infer<typeof identityResourceItem>;
