import { z } from "zod";
import { listInput, msg, refineRange } from "~/lib/validators/common";

export const TENANT_STATUSES = ["created", "enabled", "disabled"] as const;
export const TENANT_ORDER = ["createdAt", "updatedAt", "name"] as const;

/** A DNS name or IPv4 address, lower case, no port. */
export const hostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/, msg("invalidHost"));

const unique = <T>(key: (v: T) => string) => (list: T[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  list.forEach((v, i) => {
    const k = key(v);
    if (seen.has(k)) ctx.addIssue({ code: "custom", path: [i], message: msg("duplicate") });
    seen.add(k);
  });
};

export const claimSchema = z.object({
  type: z.string().trim().min(1).max(100),
  value: z.string().trim().max(1000),
  isPublic: z.boolean().default(true),
});

/** A secret property's value is write-only: omit it (or send null) on update to keep it. */
export const propertySchema = z.object({
  key: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/),
  value: z.string().max(4000).nullish(),
  secret: z.boolean().default(false),
});

export const tenantFields = z.object({
  name: z.string().trim().min(2).max(64),
  description: z.string().trim().max(500).nullish(),
  logo: z.union([z.url().max(1000), z.literal("")]).nullish(),
  theme: z.string().trim().max(32).nullish(),
  status: z.enum(TENANT_STATUSES).default("created"),
  hosts: z.array(hostSchema).max(20).default([]).superRefine(unique((h) => h)),
  claims: z.array(claimSchema).max(50).default([]),
  properties: z.array(propertySchema).max(50).default([]).superRefine(unique((p) => p.key)),
});
export type TenantFields = z.input<typeof tenantFields>;

export const tenantCreateInput = tenantFields;
export const tenantUpdateInput = tenantFields.extend({ id: z.uuid() });
export const tenantStatusInput = z.object({ id: z.uuid(), status: z.enum(TENANT_STATUSES) });

export const tenantListInput = listInput
  .extend({
    orderby: z.enum(TENANT_ORDER).default("createdAt"),
    name: z.string().trim().max(64).optional(),
    host: z.string().trim().toLowerCase().max(253).optional(),
    status: z.enum(TENANT_STATUSES).optional(),
  })
  .superRefine(refineRange);
export type TenantListInput = z.input<typeof tenantListInput>;

const propertyOut = z.object({
  key: z.string(),
  secret: z.boolean(),
  /** null for secret properties: they are never sent back. */
  value: z.string().nullable(),
  isSet: z.boolean(),
  /** A stored secret this instance's ENCRYPTION_KEY cannot decrypt (saved under another key). */
  undecryptable: z.boolean().optional(),
});

export const tenantSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(TENANT_STATUSES),
  logo: z.string().nullable(),
  description: z.string().nullable(),
  isDefault: z.boolean(),
  hosts: z.array(z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const tenantDetail = tenantSummary.extend({
  theme: z.string().nullable(),
  ownerId: z.string().nullable(),
  claims: z.array(claimSchema.extend({ isPublic: z.boolean() })),
  properties: z.array(propertyOut),
});
export type TenantDetail = z.infer<typeof tenantDetail>;

export const tenantPublic = z.object({
  id: z.uuid(),
  name: z.string(),
  logo: z.string().nullable(),
  description: z.string().nullable(),
  claims: z.array(z.object({ type: z.string(), value: z.string() })),
});

export const publicByHostInput = z.object({ host: z.string().trim().max(253).optional() });
