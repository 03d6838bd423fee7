/**
 * Subscribers to an API's releases (by email, no account) and the package market: schemas shared
 * by the console's forms, the public pages and the procedures.
 */
import { z } from "zod";
import { isSafeUrl, imageUrlSchema, msg, multiLineText, text } from "~/lib/validators/common";
import { emailSchema } from "~/lib/validators/auth";

export const subscribeInput = z.object({
  /** The API resource. */
  id: z.uuid(),
  email: emailSchema,
});

/** A signed link's token (`<subscriber id>.<expiry>.<MAC>`), as the confirmation or release email carries it. */
export const subscriptionTokenInput = z.object({ t: text().trim().min(1).max(300) });

export const subscriberItem = z.object({
  id: z.uuid(),
  email: z.string(),
  locale: z.string(),
  confirmed: z.boolean(),
  confirmedAt: z.date().nullable(),
  createdAt: z.date(),
});
export type SubscriberItem = z.infer<typeof subscriberItem>;

export const subscriberListInput = z.object({
  id: z.uuid(),
  email: text().trim().max(254).optional(),
  skip: z.coerce.number().int().min(0).max(100_000).default(0),
  take: z.coerce.number().int().min(1).max(100).default(20),
});

// --- package market ----------------------------------------------------------------------------

export const PACKAGE_PLATFORMS = ["npm", "nuget", "gradle", "spm", "postman"] as const;
export type PackagePlatform = (typeof PACKAGE_PLATFORMS)[number];

/** A package's link: an https address only (never `javascript:`, `data:` or `http:`). */
export const packageLinkSchema = text()
  .trim()
  .min(1)
  .max(1000)
  .refine((s) => s.startsWith("https://") && isSafeUrl(s), { message: msg("httpsOnly") });

const optionalText = (max: number) =>
  text()
    .trim()
    .max(max)
    .transform((s) => s || null)
    .nullish();

export const packageFields = z.object({
  name: text().trim().min(1).max(100),
  description: multiLineText()
    .trim()
    .max(1000)
    .transform((s) => s || null)
    .nullish(),
  publisher: optionalText(100),
  link: packageLinkSchema,
  icon: imageUrlSchema.transform((s) => s || null).nullish(),
  platform: z.enum(PACKAGE_PLATFORMS),
  language: optionalText(50),
  order: z.coerce.number().int().min(0).max(100_000).default(0),
  tags: z.array(text().trim().min(1).max(30)).max(20).default([]),
});
export type PackageFields = z.input<typeof packageFields>;

export const packageCreateInput = packageFields.extend({ apiResourceId: z.uuid() });
export const packageUpdateInput = packageFields.extend({ id: z.uuid() });

export const packageItem = z.object({
  id: z.uuid(),
  apiResourceId: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  publisher: z.string().nullable(),
  link: z.string(),
  icon: z.string().nullable(),
  platform: z.enum(PACKAGE_PLATFORMS),
  language: z.string().nullable(),
  order: z.number().int(),
  tags: z.array(z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type PackageItem = z.infer<typeof packageItem>;
