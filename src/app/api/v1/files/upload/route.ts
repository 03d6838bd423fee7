import { createContext } from "~/server/api/context";
import { guardRequest } from "~/server/api/trpc";
import { AppError } from "~/server/errors";
import { restFailure } from "~/server/api/rest-failure";
import { uploadInput } from "~/lib/validators/file";
import { MAX_BYTES } from "~/server/files/validate";
import { uploadBytes } from "~/server/services/files";

export const dynamic = "force-dynamic";

const KINDS = ["image", "video", "document"] as const;
const MAX_FILES = 10;

/**
 * POST /api/v1/files/upload (multipart/form-data): `kind` image | video | document, optional
 * `folderName`, and one or more `file` parts. For programs (client-credentials or session
 * bearer tokens) and scripts; answers `{ items: [FileItem] }`. Each file is judged like a
 * console upload; the first refusal stops the request and earlier files of it are kept.
 */
export async function POST(req: Request) {
  const ctx = await createContext(req);
  try {
    const scope = guardRequest(ctx, "uc.file.post");
    const limit = MAX_BYTES.video * MAX_FILES;
    if (Number(req.headers.get("content-length") ?? 0) > limit) throw new AppError(20002);
    const form = await req.formData().catch(() => null);
    if (!form) throw new AppError(20011);
    const kind = KINDS.find((k) => k === form.get("kind"));
    if (!kind) throw new AppError(10003, { kind: [KINDS.join(" | ")] });
    const folder = uploadInput.safeParse({ folderName: form.get("folderName") ?? undefined });
    if (!folder.success) throw new AppError(20005);
    const files = form.getAll("file").filter((f): f is File => f instanceof File);
    if (!files.length) throw new AppError(20011);
    if (files.length > MAX_FILES) throw new AppError(20010);
    const items = [];
    for (const file of files) {
      if (file.size > MAX_BYTES[kind]) throw new AppError(20002);
      const bytes = Buffer.from(await file.arrayBuffer());
      items.push(await uploadBytes(scope, { kind, folder: folder.data.folderName, name: file.name || "file", bytes }));
    }
    return Response.json({ items }, { headers: { "cache-control": "no-store" } });
  } catch (e) {
    if (e instanceof AppError) return restFailure(e.appCode, ctx.locale, "files.upload", e.fields ?? null);
    throw e;
  }
}
