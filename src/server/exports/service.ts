/** Export jobs as their creator sees them: create, look at, download. */
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

export interface ExportActor {
  userId: string;
  tenantId: string;
  isOperator: boolean;
  permissions: string[];
}

const viewSelect = {
  id: true,
  resource: true,
  format: true,
  status: true,
  total: true,
  done: true,
  error: true,
  fileName: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} satisfies Prisma.ExportJobSelect;

type ViewRow = Prisma.ExportJobGetPayload<{ select: typeof viewSelect }>;

async function sizes(db: Db, ids: string[]): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const rows = await db.$queryRaw<{ id: string; size: number | null }[]>`
    SELECT "id", octet_length("content")::int AS "size" FROM "ExportJob" WHERE "id" = ANY(${ids}::uuid[])`;
  return new Map(rows.flatMap((r) => (r.size === null ? [] : [[r.id, r.size] as const])));
}

const toView = (r: ViewRow, size: number | null): ExportJobView => ({
  ...r,
  format: r.format === "xlsx" ? "xlsx" : "csv",
  size,
});

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
  return db.$transaction(async (tx) => {
    const row = await tx.exportJob.create({
      data: {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        resource: input.resource,
        format: input.format,
        locale: req.locale,
        filter: JSON.parse(JSON.stringify(raw)) as Prisma.InputJsonValue,
      },
      select: viewSelect,
    });
    await writeAudit(
      tx,
      { actorId: actor.userId, tenantId: actor.tenantId, ip: req.ip, userAgent: req.userAgent },
      "export.create",
      row.id,
      undefined,
      { resource: input.resource, format: input.format, filter: raw },
    );
    return toView(row, null);
  });
}

/** A user sees only their own jobs (anyone else's id is a 404). */
export async function getExport(db: Db, actor: Pick<ExportActor, "userId">, id: string): Promise<ExportJobView> {
  const row = await db.exportJob.findFirst({ where: { id, actorId: actor.userId }, select: viewSelect });
  if (!row) throw new AppError(19001);
  return toView(row, (await sizes(db, [row.id])).get(row.id) ?? null);
}

export async function listExports(db: Db, actor: Pick<ExportActor, "userId">, input: z.output<typeof exportListInput>) {
  const where: Prisma.ExportJobWhereInput = { actorId: actor.userId, ...(input.status ? { status: input.status } : {}) };
  const [total, rows] = await db.$transaction([
    db.exportJob.count({ where }),
    db.exportJob.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: input.skip, take: input.take, select: viewSelect }),
  ]);
  const size = await sizes(db, rows.map((r) => r.id));
  return { total, items: rows.map((r) => toView(r, size.get(r.id) ?? null)) };
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
 * owner, and the job done. Anyone else's job is a 404, as if it did not exist.
 */
export async function downloadExport(
  db: Db,
  actor: Pick<ExportActor, "userId" | "permissions"> | null,
  id: string,
  locale: Locale,
): Promise<Response> {
  const fail = (code: 10001 | 10002 | 19001 | 19002) => {
    const d = describeError(code, locale);
    return problem(d.status, d.code, locale, d.description);
  };
  if (!actor) return fail(10001);
  if (!hasPermission(actor.permissions, "uc.export.get")) return fail(10002);
  if (!/^[0-9a-f-]{36}$/i.test(id)) return fail(19001);
  const job = await db.exportJob.findFirst({
    where: { id, actorId: actor.userId },
    select: { status: true, format: true, fileName: true, content: true },
  });
  if (!job) return fail(19001);
  if (job.status !== "done" || !job.content) return fail(19002);
  const format = job.format === "xlsx" ? "xlsx" : "csv";
  return new Response(new Uint8Array(job.content), {
    headers: {
      "Content-Type": CONTENT_TYPE[format],
      "Content-Disposition": contentDisposition(job.fileName ?? `export.${format}`),
      "Content-Length": String(job.content.byteLength),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
