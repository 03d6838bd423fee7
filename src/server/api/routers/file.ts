import { z } from "zod";
import { createTRPCRouter, errorCodesProcedure, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
import { base64UploadInput, fileItem, fileListInput, fileUsage } from "~/lib/validators/file";
import * as svc from "~/server/services/files";

const tags = ["file"];

/**
 * The file library. Uploads from the console go through uploadthing (/api/uploadthing), from
 * programs through POST /api/v1/files/upload (multipart) or `uploadBase64` here.
 */
export const fileRouter = createTRPCRouter({
  // Before the `{id}` routes: the REST layer serves the first path that matches.
  errorCodes: errorCodesProcedure("/files/error-codes", tags, ["file"]),

  usage: requirePermission("uc.file.get")
    .meta({ openapi: { method: "GET", path: "/files/usage", tags, protect: true, summary: "Bytes used and quotas (mine and the tenant's)" } })
    .input(z.object({}).optional())
    .output(fileUsage)
    .query(({ ctx }) => svc.usage(ctx)),

  folders: requirePermission("uc.file.get")
    .meta({ openapi: { method: "GET", path: "/files/folders", tags, protect: true, summary: "Folders in use, with file counts" } })
    .input(z.object({}).optional())
    .output(z.array(z.object({ folder: z.string(), count: z.number().int() })))
    .query(({ ctx }) => svc.listFolders(ctx)),

  uploadBase64: requirePermission("uc.file.post")
    .meta({ openapi: { method: "POST", path: "/files/base64", tags, protect: true, summary: "Upload a base64 PNG" } })
    .input(base64UploadInput)
    .output(fileItem)
    .mutation(({ ctx, input }) =>
      svc.uploadBytes(ctx, {
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
    .query(({ ctx, input }) => svc.listFiles(ctx, input)),

  detail: requirePermission("uc.file.detail")
    .meta({ openapi: { method: "GET", path: "/files/{id}", tags, protect: true, summary: "File detail" } })
    .input(idInput)
    .output(fileItem)
    .query(({ ctx, input }) => svc.getFile(ctx, input.id)),

  delete: requirePermission("uc.file.delete")
    .meta({ openapi: { method: "DELETE", path: "/files/{id}", tags, protect: true, summary: "Delete a file (the bytes too)" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => svc.deleteFile(ctx, input.id)),
});
