import { z } from "zod";
import { createContext } from "~/server/api/context";
import { guardRequest } from "~/server/api/trpc";
import { restFailure } from "~/server/api/rest-failure";
import { AppError } from "~/server/errors";
import { IMPORT_LIMITS, assertImportSize, parseImportFile } from "~/server/imports/users-file";
import { importTemplate } from "~/server/imports/template";
import { importUsers, previewUserImport } from "~/server/services/user-import";
import { kickJobRunner } from "~/server/jobs/queues";

export const dynamic = "force-dynamic";

const PATH = "users.import";
const NO_STORE = { "cache-control": "no-store" };
const UUID = z.uuid();

/** The multipart envelope around the file: its boundaries, part headers and the `mode` field. */
const ENVELOPE = 64 * 1024;

/**
 * The form, read to at most the file limit and its envelope: a declared length past it is
 * refused unread, and so is a chunked body once it grows past it (never buffered whole).
 */
async function readForm(req: Request): Promise<FormData | null> {
  const max = IMPORT_LIMITS.bytes + ENVELOPE;
  if (Number(req.headers.get("content-length") ?? 0) > max) throw new AppError(15007);
  if (!req.body) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new AppError(15007);
    }
    chunks.push(value);
  }
  const body = Buffer.concat(chunks);
  return new Response(body, { headers: { "content-type": req.headers.get("content-type") ?? "" } }).formData().catch(() => null);
}

/**
 * POST /api/v1/users/import (multipart/form-data): one `file` part (CSV or XLSX) and `mode`
 * `preview` (default: every row checked, nothing written) or `import` (the file checked again
 * and its valid rows created: `{ result }` for up to IMPORT_INLINE_MAX rows, else `{ job }`, a
 * background job whose progress `GET /api/v1/users/import-jobs/{id}` tells). Needs
 * `uc.user.import` and `uc.user.post`; users go to the caller's tenant, or for a platform operator
 * to the tenant a `tenantId` part names.
 */
export async function POST(req: Request) {
  const ctx = await createContext(req);
  try {
    // Creating users is `uc.user.post`'s, as user.create: the import permission alone is not enough.
    const scope = guardRequest(ctx, "uc.user.import");
    guardRequest(ctx, "uc.user.post");
    const form = await readForm(req);
    const file = form?.get("file");
    if (!form || !(file instanceof File)) throw new AppError(15006);
    const mode = form.get("mode") ?? "preview";
    if (mode !== "preview" && mode !== "import") throw new AppError(10003, { mode: ["preview | import"] });
    assertImportSize(file.size);
    const bytes = Buffer.from(await file.arrayBuffer());
    const tenantId = form.get("tenantId");
    // An operator may name another tenant (as user.create's tenantId); an id that is no id names no tenant.
    if (tenantId !== null && (typeof tenantId !== "string" || !UUID.safeParse(tenantId).success)) throw new AppError(10004);
    const parsed = await parseImportFile(bytes);
    if (mode === "preview") return Response.json(await previewUserImport(scope, parsed, tenantId), { headers: NO_STORE });
    const out = await importUsers(scope, parsed, bytes, file.name || "import", tenantId);
    if (out.job) kickJobRunner(scope.db);
    return Response.json(out, { headers: NO_STORE });
  } catch (e) {
    if (e instanceof AppError) return restFailure(e.appCode, ctx.locale, PATH, e.fields ?? null);
    throw e;
  }
}

/** GET /api/v1/users/import?format=csv|xlsx: the template, headers in the caller's language. */
export async function GET(req: Request) {
  const ctx = await createContext(req);
  try {
    guardRequest(ctx, "uc.user.import");
    const format = new URL(req.url).searchParams.get("format") ?? "xlsx";
    if (format !== "csv" && format !== "xlsx") throw new AppError(10003, { format: ["csv | xlsx"] });
    const t = await importTemplate(format, ctx.locale);
    return new Response(new Uint8Array(t.body), {
      headers: {
        ...NO_STORE,
        "content-type": t.contentType,
        "content-disposition": `attachment; filename="${format === "csv" ? "user-import-template.csv" : "user-import-template.xlsx"}"; filename*=UTF-8''${encodeURIComponent(t.fileName)}`,
      },
    });
  } catch (e) {
    if (e instanceof AppError) return restFailure(e.appCode, ctx.locale, PATH, e.fields ?? null);
    throw e;
  }
}
