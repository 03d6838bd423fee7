/**
 * Files: the shapes shared by the upload routes, the file router, the tRPC `file` router and
 * the console's file library.
 */
import { z } from "zod";
import { boolish, listInput, msg, refineRange, text } from "~/lib/validators/common";
import { FILE_KINDS } from "./values";
export { FILE_KINDS };

export type FileKindName = (typeof FILE_KINDS)[number];

/** Today's folder, `yyyyMMdd` (UTC+8, the market's calendar day). */
export function todayFolder(now = new Date()): string {
  const d = new Date(now.getTime() + 8 * 3600_000);
  return d.toISOString().slice(0, 10).replaceAll("-", "");
}

/** 5–30 letters or digits; empty means today's `yyyyMMdd`. */
export const folderName = text()
  .trim()
  .regex(/^[A-Za-z0-9]{5,30}$/, msg("invalidFolder"))
  .optional()
  .or(z.literal("").transform(() => undefined));

/** What the console (and programs) send with an upload. */
export const uploadInput = z.object({ folderName });
export type UploadInput = z.input<typeof uploadInput>;

export const fileListInput = listInput
  .extend({
    kind: z.enum(FILE_KINDS).optional(),
    folder: text().trim().max(30).optional(),
    ownerId: z.uuid().optional(),
    /** Only my own uploads. */
    mine: boolish.optional(),
  })
  .superRefine(refineRange);
export type FileListInput = z.input<typeof fileListInput>;

export const fileItem = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  ownerId: z.uuid().nullable(),
  ownerName: z.string().nullable(),
  clientId: z.uuid().nullable(),
  folder: z.string(),
  kind: z.enum(FILE_KINDS),
  mime: z.string(),
  ext: z.string(),
  name: z.string(),
  size: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  checksum: z.string(),
  url: z.string(),
  createdAt: z.date(),
});
export type FileItem = z.infer<typeof fileItem>;

/** A base64 PNG (optionally a `data:image/png;base64,` URL), as seed programs send screenshots. */
export const base64UploadInput = z.object({
  data: text()
    .trim()
    .min(8)
    .max(15_000_000)
    .transform((s) => s.replace(/^data:image\/png;base64,/i, ""))
    .refine((s) => /^[A-Za-z0-9+/]+={0,2}$/.test(s), msg("invalidBase64")),
  name: text().trim().min(1).max(200).default("image.png"),
  folderName,
});
export type Base64UploadInput = z.input<typeof base64UploadInput>;

export const fileUsage = z.object({ userBytes: z.number(), userQuota: z.number(), tenantBytes: z.number(), tenantQuota: z.number() });
