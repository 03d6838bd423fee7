import { z } from "zod";
import { backgroundOf } from "~/lib/branding";
import { colorSchema, imageUrlSchema, listInput, msg, refineRange, multiLineText, text } from "~/lib/validators/common";
import { TENANT_STATUSES, TENANT_ORDER } from "./values";
export { TENANT_STATUSES, TENANT_ORDER };

/** A DNS name or IPv4 address, lower case, no port. */
export const hostSchema = text()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/, msg("invalidHost"));

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

export const claimSchema = z.object({
  type: text().trim().min(1).max(100),
  value: text().trim().max(1000),
  isPublic: z.boolean().default(true),
});

/** A secret property's value is write-only: omit it (or send null) on update to keep it. */
export const propertySchema = z.object({
  key: text()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/, msg("invalidName")),
  value: multiLineText().max(4000).nullish(),
  secret: z.boolean().default(false),
});

export const tenantFields = z.object({
  name: text().trim().min(2).max(64),
  description: multiLineText().trim().max(500).nullish(),
  logo: imageUrlSchema.nullish(),
  theme: colorSchema.nullish(),
  /** Behind the sign-in pages: a colour (#rrggbb) or an image (https: or one of our files). */
  background: z
    .union([
      z.literal(""),
      text()
        .trim()
        .max(1000)
        .refine((v) => backgroundOf(v) !== null, { message: msg("invalidBackground") }),
    ])
    .nullish(),
  status: z.enum(TENANT_STATUSES).default("created"),
  hosts: z
    .array(hostSchema)
    .max(20)
    .default([])
    .superRefine(unique((h) => h)),
  claims: z.array(claimSchema).max(50).default([]),
  properties: z
    .array(propertySchema)
    .max(50)
    .default([])
    .superRefine(unique((p) => p.key)),
});
export type TenantFields = z.input<typeof tenantFields>;

export const tenantCreateInput = tenantFields;
export const tenantUpdateInput = tenantFields.extend({ id: z.uuid() });
export const tenantStatusInput = z.object({ id: z.uuid(), status: z.enum(TENANT_STATUSES) });

export const tenantListInput = listInput
  .extend({
    orderby: z.enum(TENANT_ORDER).default("createdAt"),
    name: text().trim().max(64).optional(),
    host: text().trim().toLowerCase().max(253).optional(),
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
  background: z.string().nullable(),
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

export const publicByHostInput = z.object({ host: text().trim().max(253).optional() });
