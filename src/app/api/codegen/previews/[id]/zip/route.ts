import { PassThrough, Readable } from "node:stream";
import { ZipFile } from "yazl";
import { TRPCError } from "@trpc/server";
import { createContext } from "~/server/api/context";
import { createCaller } from "~/server/api/root";
import { previewArchive } from "~/server/services/codegen";
import { restFailure } from "~/server/api/rest-failure";
import { AppError, appCodeFor } from "~/server/errors";
import { contentDisposition } from "~/server/exports/service";
import type { TenantCtx } from "~/server/api/trpc";

export const dynamic = "force-dynamic";

/**
 * A preview's files as one zip (session cookie or bearer token, like /api/v1). The guards are the
 * tRPC procedure's: `codegen.previewTree` runs first (401 / 403 / 404 as it answers), then the
 * files stream into the archive one by one.
 */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await createContext(req);
  try {
    await createCaller(ctx).codegen.previewTree({ id });
    const archive = await previewArchive(ctx as TenantCtx, id);
    const zip = new ZipFile();
    for (const f of archive.files) zip.addReadStream(f.open(), `${archive.name}/${f.path}`);
    zip.end();
    const body = zip.outputStream.pipe(new PassThrough());
    return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, {
      headers: {
        "Content-Type": "application/zip",
        "Content-Disposition": contentDisposition(`${archive.name}.zip`),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (e) {
    const code = e instanceof AppError ? e.appCode : e instanceof TRPCError ? appCodeFor(e) : 10000;
    return restFailure(code, ctx.locale, new URL(req.url).pathname);
  }
}
