/** API products (产品包): bundles of API versions; schemas shared by the console's form and the procedures. */
import { z } from "zod";
import { resourceName } from "~/lib/validators/api";
import { boolish, listInput, multiLineText, refineRange, text } from "~/lib/validators/common";

export const PRODUCT_ORDER = ["createdAt", "updatedAt", "name"] as const;

export const apiProductFields = z.object({
  name: resourceName,
  displayName: text().trim().max(100).nullish(),
  description: multiLineText().trim().max(1000).nullish(),
  published: z.boolean().default(false),
  approvalRequired: z.boolean().default(false),
  /** Calls per minute per subscription; empty: no limit. */
  requestLimit: z.number().int().min(1).max(1_000_000).nullish(),
  versionIds: z.array(z.uuid()).max(100).default([]),
});
export type ApiProductFields = z.input<typeof apiProductFields>;
export const apiProductCreateInput = apiProductFields.extend({ tenantId: z.uuid().optional() });
export const apiProductUpdateInput = apiProductFields.extend({ id: z.uuid() });
export const apiProductListInput = listInput
  .extend({
    orderby: z.enum(PRODUCT_ORDER).default("createdAt"),
    name: text().trim().max(100).optional(),
    published: boolish.optional(),
    tenantId: z.uuid().optional(),
  })
  .superRefine(refineRange);
export type ApiProductListInput = z.input<typeof apiProductListInput>;

export const productVersion = z.object({ id: z.uuid(), apiResourceId: z.uuid(), apiName: z.string(), versionName: z.string(), online: z.boolean() });
export type ProductVersion = z.infer<typeof productVersion>;

export const apiProductItem = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  name: z.string(),
  displayName: z.string().nullable(),
  description: z.string().nullable(),
  published: z.boolean(),
  approvalRequired: z.boolean(),
  requestLimit: z.number().int().nullable(),
  versionIds: z.array(z.string()),
  /** The versions it bundles, by API (those deleted since are left out). */
  versions: z.array(productVersion),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ApiProductItem = z.infer<typeof apiProductItem>;
