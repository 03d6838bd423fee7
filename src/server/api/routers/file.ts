import { z } from "zod";
import { createTRPCRouter, publicProcedure, requirePermission, type Context } from "~/server/api/trpc";
import { errorTable } from "~/lib/errors";
import { errorTableOutput, idInput, listOutput } from "~/lib/validators/common";
import { base64UploadInput, fileItem, fileListInput, fileUsage } from "~/lib/validators/file";
import * as svc from "~/server/services/files";
import type { Actor } from "~/server/services/session";

const tags = ["file"];
/** Files belong to the host's tenant: an operator on a tenant's host works on that tenant's files. */
const who = (ctx: Context & { actor: Actor }): svc.FileWho => ({
  ...ctx.actor,
  tenantId: ctx.tenant?.id ?? ctx.actor.tenantId,
  ip: ctx.ip,
  userAgent: ctx.userAgent,
});

/**
 * The file library. Uploads from the console go through uploadthing (/api/uploadthing), from
 * programs through POST /api/v1/files/upload (multipart) or `uploadBase64` here.
 */
export const fileRouter = createTRPCRouter({
  // Before the `{id}` routes: the REST layer serves the first path that matches.
  errorCodes: publicProcedure
    .meta({ openapi: { method: "GET", path: "/files/error-codes", tags, summary: "Error-code table" } })
    .input(z.object({}).optional())
    .output(errorTableOutput)
    .query(({ ctx }) => [...errorTable("common", ctx.locale), ...errorTable("file", ctx.locale)]),

  usage: requirePermission("uc.file.get")
    .meta({ openapi: { method: "GET", path: "/files/usage", tags, protect: true, summary: "Bytes used and quotas (mine and the tenant's)" } })
    .input(z.object({}).optional())
    .output(fileUsage)
    .query(({ ctx }) => svc.usage(ctx.db, who(ctx))),

  folders: requirePermission("uc.file.get")
    .meta({ openapi: { method: "GET", path: "/files/folders", tags, protect: true, summary: "Folders in use, with file counts" } })
    .input(z.object({}).optional())
    .output(z.array(z.object({ folder: z.string(), count: z.number().int() })))
    .query(({ ctx }) => svc.listFolders(ctx.db, who(ctx))),

  uploadBase64: requirePermission("uc.file.post")
    .meta({ openapi: { method: "POST", path: "/files/base64", tags, protect: true, summary: "Upload a base64 PNG" } })
    .input(base64UploadInput)
    .output(fileItem)
    .mutation(({ ctx, input }) =>
      svc.uploadBytes(ctx.db, who(ctx), {
        kind: "image",
        folder: input.folderName,
        name: input.name,
        bytes: Buffer.from(input.data, "base64"),
        onlyMime: "image/png",
      }),
    ),

  list: requirePermission("uc.file.get")
    .meta({ openapi: { method: "GET", path: "/files", tags, protect: true, summary: "List files" } })
    .input(fileListInput)
    .output(listOutput(fileItem))
    .query(({ ctx, input }) => svc.listFiles(ctx.db, who(ctx), input)),

  detail: requirePermission("uc.file.detail")
    .meta({ openapi: { method: "GET", path: "/files/{id}", tags, protect: true, summary: "File detail" } })
    .input(idInput)
    .output(fileItem)
    .query(({ ctx, input }) => svc.getFile(ctx.db, who(ctx), input.id)),

  delete: requirePermission("uc.file.delete")
    .meta({ openapi: { method: "DELETE", path: "/files/{id}", tags, protect: true, summary: "Delete a file (the bytes too)" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => svc.deleteFile(ctx.db, who(ctx), input.id)),
});
