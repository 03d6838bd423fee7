/**
 * The uploadthing file router: one route per kind of upload. `.middleware()` runs the same
 * guard as a tRPC procedure (session or bearer token, the host's tenant, the permission) and
 * checks the folder name, the declared sizes and the quotas before any byte moves;
 * `onUploadComplete` judges the bytes and records the file (see services/files.ts), answering
 * `{ file }` or `{ error }` to the browser.
 */
import "server-only";
import { createUploadthing, type FileRouter } from "uploadthing/next";
import { UploadThingError } from "uploadthing/server";
import { z } from "zod";
import { db } from "~/server/db";
import { createContext } from "~/server/api/context";
import { guardRequest, type Context } from "~/server/api/trpc";
import { AppError } from "~/server/errors";
import { describeError, type Locale } from "~/lib/errors";
import { uploadInput } from "~/lib/validators/file";
import { text } from "~/lib/validators/common";
import type { PermissionCode } from "~/lib/permissions";
import { MAX_BYTES, type FileKind } from "~/server/files/validate";
import { acceptFile, assertQuota, quotas, type ArrivedFile } from "~/server/services/files";
import { fileStore } from "~/server/files/store";
import { currentLog } from "~/server/log";

/** The error body uploadthing sends: our message and numeric code (the route maps 10001 to 401). */
const f = createUploadthing({ errorFormatter: (e) => ({ message: e.message, appCode: (e.data as { appCode?: number } | undefined)?.appCode ?? null }) });

/** An error's message as the browser shows it: description and code, in the caller's language. */
export const errorText = (code: number, locale: Locale) => {
  const d = describeError(code, locale);
  return `${d.description} (${d.code})`;
};

const UT_CODES = { 400: "BAD_REQUEST", 401: "FORBIDDEN", 403: "FORBIDDEN", 404: "NOT_FOUND", 413: "TOO_LARGE", 415: "BAD_REQUEST" } as const;

function toUploadError(e: unknown, locale: Locale): UploadThingError<{ message: string; appCode: number }> {
  if (!(e instanceof AppError)) currentLog().error({ err: e }, "upload refused by an unexpected error");
  const code = e instanceof AppError ? e.appCode : 10000;
  const status = describeError(code, locale).status as keyof typeof UT_CODES;
  return new UploadThingError({
    code: UT_CODES[status] ?? "INTERNAL_SERVER_ERROR",
    message: errorText(code, locale),
    data: { message: errorText(code, locale), appCode: code },
  });
}

/** Loose on purpose: a bad folder name is answered with our own message, not "Invalid input". */
const looseInput = z.object({ folderName: text().optional(), userId: text().optional() }).optional();

/**
 * What the middleware hands to onUploadComplete: the file's future row minus what only the upload
 * knows (name, stored bytes), plus the caller's language for messages. A mapped type, not an
 * interface: uploadthing wants metadata with an index signature.
 */
export type UploadMeta = Omit<ArrivedFile, "name" | "stored" | "onlyMime"> & { locale: Locale };

/**
 * Avatars: your own with `uc.me.put`; another user's of your tenant (`input.userId`, the user
 * form) with `uc.user.put`. That user owns the file and it counts against their quota.
 */
async function avatarOwner(ctx: Context, userId: string | undefined) {
  const self = guardRequest(ctx, userId ? "uc.user.put" : "uc.me.put");
  if (!userId || userId === self.actor.userId) return { ...self, ownerId: self.actor.userId };
  const target = await db.user.findFirst({ where: { id: userId, tenantId: self.tenant.id, deletedAt: null }, select: { id: true } });
  if (!target) throw new AppError(15001);
  return { ...self, ownerId: target.id };
}

function guarded(kind: FileKind, permission: PermissionCode) {
  return async ({ req, files, input }: { req: Request; files: readonly { size: number }[]; input: z.infer<typeof looseInput> }): Promise<UploadMeta> => {
    const ctx = await createContext(req);
    try {
      const userId = kind === "avatar" && input?.userId && /^[0-9a-f-]{36}$/i.test(input.userId) ? input.userId : undefined;
      const {
        tenant,
        actor,
        ownerId: avatarFor,
      } = kind === "avatar" ? await avatarOwner(ctx, userId) : { ...guardRequest(ctx, permission), ownerId: undefined };
      const folder = uploadInput.safeParse(input ?? {});
      if (!folder.success) throw new AppError(20005);
      if (kind === "avatar" && files.length !== 1) throw new AppError(20010);
      if (files.some((file) => file.size > MAX_BYTES[kind])) throw new AppError(20002);
      const ownerId = avatarFor ?? (actor.client ? null : actor.userId);
      await assertQuota(
        db,
        await quotas(db, tenant.id),
        tenant.id,
        ownerId,
        files.reduce((n, file) => n + file.size, 0),
      );
      return {
        tenantId: tenant.id,
        actorId: actor.client?.id ?? actor.userId,
        ownerId,
        clientId: actor.client?.id ?? null,
        kind,
        folder: folder.data.folderName,
        locale: ctx.locale,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
      };
    } catch (e) {
      throw toUploadError(e, ctx.locale);
    }
  };
}

/** What the browser gets back for each file (UploadThing hands it over as `serverData`). */
export type UploadResult = { file: { id: string; url: string; name: string; kind: FileKind; size: number } } | { error: { code: number; message: string } };

async function complete({ metadata, file }: { metadata: UploadMeta; file: { key: string; ufsUrl: string; name: string } }): Promise<UploadResult> {
  try {
    const item = await acceptFile(db, { ...metadata, name: file.name, stored: { key: file.key, url: file.ufsUrl } });
    return { file: { id: item.id, url: item.url, name: item.name, kind: item.kind, size: item.size } };
  } catch (e) {
    const code = e instanceof AppError ? e.appCode : 10000;
    if (!(e instanceof AppError)) currentLog().error({ err: e, tenantId: metadata.tenantId }, "upload could not be accepted");
    await fileStore()
      .remove(metadata.tenantId, file.key)
      .catch(() => undefined);
    return { error: { code, message: errorText(code, metadata.locale) } };
  }
}

export const fileRouter = {
  image: f({ image: { maxFileSize: "16MB", maxFileCount: 20 } })
    .input(looseInput)
    .middleware(guarded("image", "uc.file.post"))
    .onUploadComplete(complete),
  video: f({ video: { maxFileSize: "32MB", maxFileCount: 5 } })
    .input(looseInput)
    .middleware(guarded("video", "uc.file.post"))
    .onUploadComplete(complete),
  document: f({
    pdf: { maxFileSize: "16MB", maxFileCount: 20 },
    "application/msword": { maxFileSize: "16MB", maxFileCount: 20 },
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { maxFileSize: "16MB", maxFileCount: 20 },
    "application/vnd.ms-excel": { maxFileSize: "16MB", maxFileCount: 20 },
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { maxFileSize: "16MB", maxFileCount: 20 },
  })
    .input(looseInput)
    .middleware(guarded("document", "uc.file.post"))
    .onUploadComplete(complete),
  avatar: f({ image: { maxFileSize: "2MB", maxFileCount: 1 } })
    .input(looseInput)
    .middleware(guarded("avatar", "uc.me.put"))
    .onUploadComplete(complete),
} satisfies FileRouter;

export type UcFileRouter = typeof fileRouter;
