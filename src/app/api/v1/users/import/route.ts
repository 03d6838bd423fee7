import { createContext } from "~/server/api/context";
import { guardRequest } from "~/server/api/trpc";
import { restFailure } from "~/server/api/rest-failure";
import { AppError } from "~/server/errors";
import { assertImportSize, parseImportFile } from "~/server/imports/users-file";
import { importTemplate } from "~/server/imports/template";
import { importUsers, previewUserImport } from "~/server/services/user-import";
import { kickJobRunner } from "~/server/jobs/queues";

export const dynamic = "force-dynamic";

const PATH = "users.import";
const NO_STORE = { "cache-control": "no-store" };

/**
 * POST /api/v1/users/import (multipart/form-data): one `file` part (CSV or XLSX) and `mode`
 * `preview` (default: every row checked, nothing written) or `import` (the file checked again
 * and its valid rows created: `{ result }` for up to IMPORT_INLINE_MAX rows, else `{ job }`, a
 * background job whose progress `GET /api/v1/users/import-jobs/{id}` tells). Needs
 * `uc.user.import`; users go to the caller's tenant.
 */
export async function POST(req: Request) {
  const ctx = await createContext(req);
  try {
    const scope = guardRequest(ctx, "uc.user.import");
    // The multipart envelope adds a little to the file itself.
    assertImportSize(Math.max(1, Number(req.headers.get("content-length") ?? 0) - 64 * 1024));
    const form = await req.formData().catch(() => null);
    const file = form?.get("file");
    if (!form || !(file instanceof File)) throw new AppError(15006);
    const mode = form.get("mode") ?? "preview";
    if (mode !== "preview" && mode !== "import") throw new AppError(10003, { mode: ["preview | import"] });
    assertImportSize(file.size);
    const bytes = Buffer.from(await file.arrayBuffer());
    const parsed = await parseImportFile(bytes);
    if (mode === "preview") return Response.json(await previewUserImport(scope, parsed), { headers: NO_STORE });
    const out = await importUsers(scope, parsed, bytes, file.name || "import");
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
