import { z } from "zod";
import { listInput, text } from "~/lib/validators/common";
import { EXPORT_STATUSES } from "./values";
export { EXPORT_STATUSES };

export const EXPORT_FORMATS = ["csv", "xlsx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportCreateInput = z.object({
  /** The list to export: `audit`, `roles`, ... (see src/server/exports/registry.ts). */
  resource: text().trim().min(1).max(32),
  format: z.enum(EXPORT_FORMATS),
  /** The list's input as the table has it; paging fields are ignored (the whole filtered list is exported). */
  filter: z.record(text().max(64), z.unknown()).default({}),
});
export type ExportCreateInput = z.input<typeof exportCreateInput>;

export const exportJob = z.object({
  id: z.uuid(),
  resource: z.string(),
  format: z.enum(EXPORT_FORMATS),
  status: z.enum(EXPORT_STATUSES),
  total: z.number().int().nullable(),
  done: z.number().int(),
  error: z.string().nullable(),
  fileName: z.string().nullable(),
  size: z.number().int().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
export type ExportJobView = z.infer<typeof exportJob>;

export const exportListInput = listInput.pick({ skip: true, take: true }).extend({
  status: z.enum(EXPORT_STATUSES).optional(),
});
