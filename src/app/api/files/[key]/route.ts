import { readFile } from "node:fs/promises";
import { createContext } from "~/server/api/context";
import { AppError } from "~/server/errors";
import { describeError } from "~/lib/errors";
import { FILE_KEY_RE, localPath } from "~/server/files/store";
import { fileForReading } from "~/server/services/files";

export const dynamic = "force-dynamic";

/**
 * GET /api/files/<key>: the bytes of a file in the built-in store, for a signed-in caller of the
 * file's tenant who may read it (session or bearer token). Served with the type decided at
 * upload, `nosniff`, and as an attachment unless it is an image or a video.
 */
export async function GET(req: Request, { params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const ctx = await createContext(req);
  const fail = (code: number) => {
    const d = describeError(code, ctx.locale);
    return Response.json({ error: d.code, reason: d.name, message: d.description }, { status: d.status });
  };
  if (!FILE_KEY_RE.test(key)) return fail(20008);
  if (!ctx.tenant) return fail(10007);
  if (!ctx.actor) return fail(10001);
  try {
    // The host's tenant: an operator reads the files of the tenant whose host they are on.
    const row = await fileForReading({ ...ctx, tenant: ctx.tenant, actor: ctx.actor }, key);
    const bytes = await readFile(localPath(row.tenantId, row.storageKey));
    const pdf = row.mime === "application/pdf";
    const inline = row.kind !== "document" || pdf;
    return new Response(new Uint8Array(bytes), {
      headers: {
        "content-type": row.mime,
        "content-length": String(bytes.length),
        "x-content-type-options": "nosniff",
        // Nothing we serve may run script in our origin, PDFs included (Chromium's viewer still
        // shows a sandboxed PDF: checked with Chromium 156).
        "content-security-policy": "default-src 'none'; sandbox",
        "cache-control": "private, max-age=300",
        "content-disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(row.name)}`,
      },
    });
  } catch (e) {
    if (e instanceof AppError) return fail(e.appCode);
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return fail(20008);
    throw e;
  }
}
