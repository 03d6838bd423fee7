/**
 * Export jobs as their creator sees them: create, look at, download. An export is a row of the
 * Job table of kind "export" (src/server/exports/worker.ts): its input says what to export, its
 * result where the file is.
 */
import { Readable } from "node:stream";
import type { z } from "zod";
import type { Db } from "~/server/db";
import { describeError, type Locale } from "~/lib/errors";
import { hasPermission } from "~/lib/permissions";
import { fieldErrors } from "~/lib/validators/common";
import type { ExportJobView, exportCreateInput, exportListInput } from "~/lib/validators/export";
import type { Prisma } from "~/generated/prisma/client";
import { AppError } from "~/server/errors";
import { writeAudit } from "~/server/services/audit";
import { exporterFor, PAGING_KEYS } from "~/server/exports/registry";
import { openExportForRead } from "~/server/exports/store";
import { enqueueJob } from "~/server/jobs/job";
import { EXPORT_KIND, exportJobInput, exportJobKind, exportJobResult } from "~/server/exports/worker";

export interface ExportActor {
  userId: string;
  tenantId: string;
  isOperator: boolean;
  permissions: string[];
}

const viewSelect = {
  id: true,
  input: true,
  status: true,
  total: true,
  done: true,
  error: true,
  result: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} satisfies Prisma.JobSelect;

type ViewRow = Prisma.JobGetPayload<{ select: typeof viewSelect }>;

/** The file an export wrote, from its result (nothing until it is done). */
const fileOf = (result: unknown) => {
  const parsed = exportJobResult.safeParse(result ?? {});
  return parsed.success ? parsed.data : {};
};

const toView = ({ input, result, ...r }: ViewRow): ExportJobView => {
  const asked = exportJobInput.pick({ resource: true, format: true }).safeParse(input);
  const file = fileOf(result);
  return {
    ...r,
    resource: asked.success ? asked.data.resource : "",
    format: asked.success && asked.data.format === "xlsx" ? "xlsx" : "csv",
    fileName: file.fileName ?? null,
    size: file.size ?? null,
  };
};

/** Only the caller's own exports, among all their jobs. */
const mine = (actor: Pick<ExportActor, "userId">) => ({ actorId: actor.userId, kind: EXPORT_KIND }) satisfies Prisma.JobWhereInput;

export async function createExport(
  db: Db,
  actor: ExportActor,
  req: { ip: string | null; userAgent: string | null; locale: Locale },
  input: z.output<typeof exportCreateInput>,
): Promise<ExportJobView> {
  const exporter = exporterFor(input.resource);
  if (!exporter) throw new AppError(19003, { resource: [input.resource] });
  // Exporting a list is reading it: the caller needs that list's permission too.
  if (!hasPermission(actor.permissions, exporter.permission)) throw new AppError(10002);
  const raw = { ...input.filter };
  for (const k of PAGING_KEYS) delete raw[k];
  const parsed = exporter.filter.safeParse(raw);
  if (!parsed.success) {
    const fields = Object.fromEntries(Object.entries(fieldErrors(parsed.error, req.locale)).map(([k, v]) => [`filter.${k}`, v]));
    throw new AppError(10003, fields);
  }
  // What is stored and audited is the parsed filter (unknown keys dropped, values as the schema
  // made them), never the raw input: nothing the schema did not accept reaches the database.
  const filter = { ...(parsed.data as Record<string, unknown>) };
  for (const k of PAGING_KEYS) delete filter[k];
  const stored = JSON.parse(JSON.stringify(filter)) as Prisma.InputJsonObject;
  return db.$transaction(async (tx) => {
    const { id } = await enqueueJob(tx, EXPORT_KIND, exportJobKind(), {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      input: { resource: input.resource, format: input.format, locale: req.locale, filter: stored },
    });
    const row = await tx.job.findUniqueOrThrow({ where: { id }, select: viewSelect });
    await writeAudit(tx, { actorId: actor.userId, tenantId: actor.tenantId, ip: req.ip, userAgent: req.userAgent }, "export.create", row.id, undefined, {
      resource: input.resource,
      format: input.format,
      filter: stored,
    });
    return toView(row);
  });
}

/** A user sees only their own jobs (anyone else's id is a 404). */
export async function getExport(db: Db, actor: Pick<ExportActor, "userId">, id: string): Promise<ExportJobView> {
  const row = await db.job.findFirst({ where: { id, ...mine(actor) }, select: viewSelect });
  if (!row) throw new AppError(19001);
  return toView(row);
}

export async function listExports(db: Db, actor: Pick<ExportActor, "userId">, input: z.output<typeof exportListInput>) {
  const where: Prisma.JobWhereInput = { ...mine(actor), ...(input.status ? { status: input.status } : {}) };
  const [total, rows] = await db.$transaction([
    db.job.count({ where }),
    db.job.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: input.skip, take: input.take, select: viewSelect }),
  ]);
  return { total, items: rows.map(toView) };
}

const CONTENT_TYPE = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
} as const;

/** `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback and the real (UTF-8) name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

const problem = (status: number, code: number, locale: Locale, message: string) =>
  Response.json({ code, message }, { status, headers: { "Cache-Control": "no-store", "Content-Language": locale } });

/**
 * The download: signed in (cookie or bearer, like /api/v1), allowed to read exports, the job's
 * owner, and the job done. Anyone else's job is a 404, as if it did not exist. The file is
 * streamed from the export store (never read whole into memory); one swept by housekeeping is 19004 (404).
 */
export async function downloadExport(db: Db, actor: Pick<ExportActor, "userId" | "permissions"> | null, id: string, locale: Locale): Promise<Response> {
  const fail = (code: 10001 | 10002 | 19001 | 19002 | 19004) => {
    const d = describeError(code, locale);
    return problem(d.status, d.code, locale, d.description);
  };
  if (!actor) return fail(10001);
  if (!hasPermission(actor.permissions, "uc.export.get")) return fail(10002);
  if (!/^[0-9a-f-]{36}$/i.test(id)) return fail(19001);
  const row = await db.job.findFirst({ where: { id, ...mine(actor) }, select: viewSelect });
  if (!row) return fail(19001);
  const job = { ...toView(row), fileKey: fileOf(row.result).fileKey };
  if (job.status !== "done") return fail(19002);
  if (!job.fileKey) return fail(19004);
  // Opened before answering, so a file gone meanwhile is 19004 and not a broken 200.
  const opened = await openExportForRead(job.fileKey);
  if (!opened) return fail(19004);
  const format = job.format;
  return new Response(Readable.toWeb(opened.stream) as ReadableStream<Uint8Array>, {
    headers: {
      "Content-Type": CONTENT_TYPE[format],
      "Content-Disposition": contentDisposition(job.fileName ?? `export.${format}`),
      "Content-Length": String(opened.size),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
