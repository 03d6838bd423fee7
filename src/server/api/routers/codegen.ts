import { z } from "zod";
import { createTRPCRouter, errorCodesProcedure, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
import {
  commonSettingsInput,
  commonSettingsItem,
  generatorItem,
  gitSettingsInput,
  gitSettingsItem,
  historyDetail,
  historyItem,
  historyListInput,
  languageInput,
  npmSettingsInput,
  npmSettingsItem,
  previewFileContent,
  previewFileInput,
  previewInput,
  previewTree,
} from "~/lib/validators/codegen";
import * as svc from "~/server/services/codegen";

const tags = ["codegen"];

/** Code generation (代码生成): generators, settings per API and language, previews and the history of an API's SDKs. */
export const codegenRouter = createTRPCRouter({
  errorCodes: errorCodesProcedure("/codegen/error-codes", tags, ["codegen"]),

  clients: requirePermission("uc.codegen.clients")
    .meta({ openapi: { method: "GET", path: "/codegen/clients", tags, protect: true, summary: "Client SDK generators, with whether each runs here" } })
    .input(z.object({}).optional())
    .output(z.array(generatorItem))
    .query(({ ctx }) => svc.generatorsFor("client", ctx.locale, ctx.log)),

  servers: requirePermission("uc.codegen.servers")
    .meta({ openapi: { method: "GET", path: "/codegen/servers", tags, protect: true, summary: "Server stub generators, with whether each runs here" } })
    .input(z.object({}).optional())
    .output(z.array(generatorItem))
    .query(({ ctx }) => svc.generatorsFor("server", ctx.locale, ctx.log)),

  npmOptions: requirePermission("uc.codegen.npmoptions")
    .meta({
      openapi: { method: "GET", path: "/api-resources/{id}/codegen/npm/{language}", tags, protect: true, summary: "An API's npm settings for one language" },
    })
    .input(languageInput)
    .output(npmSettingsItem)
    .query(({ ctx, input }) => svc.getNpmSettings(ctx, input.id, input.language)),

  putNpmOptions: requirePermission("uc.codegen.putnpmoptions")
    .meta({
      openapi: {
        method: "PUT",
        path: "/api-resources/{id}/codegen/npm/{language}",
        tags,
        protect: true,
        summary: "Update an API's npm settings for one language",
      },
    })
    .input(npmSettingsInput)
    .output(npmSettingsItem)
    .mutation(({ ctx, input }) => svc.saveNpmSettings(ctx, input)),

  gitOptions: requirePermission("uc.codegen.githuboptions")
    .meta({ openapi: { method: "GET", path: "/api-resources/{id}/codegen/git", tags, protect: true, summary: "An API's Git settings" } })
    .input(idInput)
    .output(gitSettingsItem)
    .query(({ ctx, input }) => svc.getGitSettings(ctx, input.id)),

  putGitOptions: requirePermission("uc.codegen.putgithuboptions")
    .meta({ openapi: { method: "PUT", path: "/api-resources/{id}/codegen/git", tags, protect: true, summary: "Update an API's Git settings" } })
    .input(gitSettingsInput)
    .output(gitSettingsItem)
    .mutation(({ ctx, input }) => svc.saveGitSettings(ctx, input)),

  commonOptions: requirePermission("uc.codegen.commonoptions")
    .meta({ openapi: { method: "GET", path: "/api-resources/{id}/codegen/common", tags, protect: true, summary: "An API's common code generation settings" } })
    .input(idInput)
    .output(commonSettingsItem)
    .query(({ ctx, input }) => svc.getCommonSettings(ctx, input.id)),

  putCommonOptions: requirePermission("uc.codegen.putcommonoptions")
    .meta({
      openapi: { method: "PUT", path: "/api-resources/{id}/codegen/common", tags, protect: true, summary: "Update an API's common code generation settings" },
    })
    .input(commonSettingsInput)
    .output(commonSettingsItem)
    .mutation(({ ctx, input }) => svc.saveCommonSettings(ctx, input)),

  preview: requirePermission("uc.codegen.preview")
    .meta({
      openapi: {
        method: "POST",
        path: "/api-resources/{id}/codegen/previews",
        tags,
        protect: true,
        summary: "Generate code from a revision without releasing it",
      },
    })
    .input(previewInput)
    .output(historyItem)
    .mutation(({ ctx, input }) => svc.preview(ctx, input)),

  previewTree: requirePermission("uc.codegen.preview")
    .meta({ openapi: { method: "GET", path: "/codegen/previews/{id}", tags, protect: true, summary: "The files of a preview" } })
    .input(idInput)
    .output(previewTree)
    .query(({ ctx, input }) => svc.previewTree(ctx, input.id)),

  previewFile: requirePermission("uc.codegen.preview")
    .meta({ openapi: { method: "GET", path: "/codegen/previews/{id}/file", tags, protect: true, summary: "One file of a preview (cut at 512 KB)" } })
    .input(previewFileInput)
    .output(previewFileContent)
    .query(({ ctx, input }) => svc.previewFile(ctx, input.id, input.path)),

  history: requirePermission("uc.apiresource.history")
    .meta({
      openapi: { method: "GET", path: "/api-resources/{id}/codegen/history", tags, protect: true, summary: "An API's previews, SDK releases and Git syncs" },
    })
    .input(historyListInput)
    .output(listOutput(historyItem))
    .query(({ ctx, input }) => svc.listHistory(ctx, input)),

  historyDetail: requirePermission("uc.apiresource.history")
    .meta({ openapi: { method: "GET", path: "/codegen/history/{id}", tags, protect: true, summary: "One history entry with its log" } })
    .input(idInput)
    .output(historyDetail)
    .query(({ ctx, input }) => svc.historyDetail(ctx, input.id)),
});
