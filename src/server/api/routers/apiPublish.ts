import { z } from "zod";
import { createTRPCRouter, errorCodesProcedure, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
import {
  apiVersionCreateInput,
  changelog,
  authServerCreateInput,
  authServerItem,
  gatewayStatRow,
  gatewayStatsInput,
  gatewayTraffic,
  gatewayTrafficInput,
  publishConfigInput,
  publishConfigItem,
  releaseCreateInput,
  releaseItem,
  releaseUpdateInput,
  revisionDetail,
  revisionImportInput,
  revisionImportOutput,
  revisionOnlineInput,
  versionItem,
} from "~/lib/validators/api-publish";
import * as svc from "~/server/services/api-publishing";
import * as auth from "~/server/services/api-auth-servers";
import { productsOfApi } from "~/server/services/api-products";
import { findResource } from "~/server/services/api-resources";
import { apiProductItem } from "~/lib/validators/api-product";
import { kickJobRunner } from "~/server/jobs/queues";

const tags = ["apipublish"];

/** API publishing (网关): versions, revisions, releases and the publish configuration of API resources. */
export const apiPublishRouter = createTRPCRouter({
  errorCodes: errorCodesProcedure("/api-publishing/error-codes", tags, ["api", "publish"]),

  versions: requirePermission("uc.apiresource.versions")
    .meta({ openapi: { method: "GET", path: "/api-resources/{id}/versions", tags, protect: true, summary: "List an API's versions with their revisions" } })
    .input(idInput)
    .output(z.array(versionItem))
    .query(({ ctx, input }) => svc.listVersions(ctx, input.id)),

  createVersion: requirePermission("uc.apiresource.publishversion")
    .meta({ openapi: { method: "POST", path: "/api-resources/{id}/versions", tags, protect: true, summary: "Create a version" } })
    .input(apiVersionCreateInput)
    .output(versionItem)
    .mutation(({ ctx, input }) => svc.createVersion(ctx, input)),

  importRevision: requirePermission("uc.apiresource.publishrevision")
    .meta({
      openapi: {
        method: "POST",
        path: "/api-resources/{id}/revisions",
        tags,
        protect: true,
        summary: "Import an API description as a new revision",
        description:
          "An uploaded or pasted document (`source.kind` text) is imported at once and the answer is the new revision. A URL (`source.kind` url) is fetched and imported by a background job: the answer is `{ jobId }`; GET /jobs/{id} reports its steps (fetch, parse, import, record) and, in `result`, the revision or the error in both languages.",
      },
    })
    .input(revisionImportInput)
    .output(revisionImportOutput)
    .mutation(async ({ ctx, input }) => {
      const out = await svc.importRevision(ctx, input);
      // An import by URL runs now rather than at the next poll.
      if ("jobId" in out) kickJobRunner(ctx.db);
      return out;
    }),

  revision: requirePermission("uc.apiresource.versions")
    .meta({ openapi: { method: "GET", path: "/api-revisions/{id}", tags, protect: true, summary: "A revision with its changelog and document" } })
    .input(idInput)
    .output(revisionDetail)
    .query(({ ctx, input }) => svc.getRevision(ctx, input.id)),

  setOnline: requirePermission("uc.apiresource.setonlineversion")
    .meta({ openapi: { method: "POST", path: "/api-revisions/{id}/online", tags, protect: true, summary: "Put a revision online (a release)" } })
    .input(revisionOnlineInput)
    .output(z.object({ release: releaseItem, changes: changelog.nullable() }))
    .mutation(async ({ ctx, input }) => {
      const out = await svc.setOnline(ctx, input);
      // The release emails (queued with the release) go out now rather than at the next poll.
      kickJobRunner(ctx.db);
      return out;
    }),

  releases: requirePermission("uc.apiresource.releases")
    .meta({ openapi: { method: "GET", path: "/api-resources/{id}/releases", tags, protect: true, summary: "List an API's release notes" } })
    .input(
      idInput.extend({
        versionId: z.uuid().optional(),
        skip: z.coerce.number().int().min(0).max(100_000).default(0),
        take: z.coerce.number().int().min(1).max(100).default(20),
      }),
    )
    .output(listOutput(releaseItem))
    .query(({ ctx, input }) => svc.listReleases(ctx, input)),

  createRelease: requirePermission("uc.apiresource.postrelease")
    .meta({ openapi: { method: "POST", path: "/api-releases", tags, protect: true, summary: "Add release notes to a released revision" } })
    .input(releaseCreateInput)
    .output(releaseItem)
    .mutation(({ ctx, input }) => svc.createRelease(ctx, input)),

  updateRelease: requirePermission("uc.apiresource.putrelease")
    .meta({ openapi: { method: "PUT", path: "/api-releases/{id}", tags, protect: true, summary: "Edit release notes" } })
    .input(releaseUpdateInput)
    .output(releaseItem)
    .mutation(({ ctx, input }) => svc.updateRelease(ctx, input)),

  deleteRelease: requirePermission("uc.apiresource.deleterelease")
    .meta({ openapi: { method: "DELETE", path: "/api-releases/{id}", tags, protect: true, summary: "Delete release notes" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => svc.deleteRelease(ctx, input.id)),

  products: requirePermission("uc.apiresource.products")
    .meta({ openapi: { method: "GET", path: "/api-resources/{id}/products", tags, protect: true, summary: "The products that bundle a version of this API" } })
    .input(idInput)
    .output(z.array(apiProductItem))
    .query(async ({ ctx, input }) => {
      const api = await findResource(ctx.db, ctx, input.id);
      return productsOfApi(ctx, api.id, api.tenantId);
    }),

  publishConfig: requirePermission("uc.apiresource.publishconfiguration")
    .meta({ openapi: { method: "GET", path: "/api-resources/{id}/publish-config", tags, protect: true, summary: "The last publish configuration" } })
    .input(idInput)
    .output(publishConfigItem.nullable())
    .query(({ ctx, input }) => svc.getPublishConfig(ctx, input.id)),

  savePublishConfig: requirePermission("uc.apiresource.publish")
    .meta({
      openapi: { method: "PUT", path: "/api-resources/{id}/publish-config", tags, protect: true, summary: "Publish or update: keep the publish configuration" },
    })
    .input(publishConfigInput)
    .output(publishConfigItem)
    .mutation(({ ctx, input }) => svc.savePublishConfig(ctx, input)),

  gatewayStats: requirePermission("uc.apiresource.versions")
    .meta({
      openapi: {
        method: "GET",
        path: "/api-resources/{id}/gateway-stats",
        tags,
        protect: true,
        summary: "Gateway calls and error rates per version and client",
      },
    })
    .input(gatewayStatsInput)
    .output(z.array(gatewayStatRow))
    .query(({ ctx, input }) => svc.gatewayStats(ctx, input)),

  gatewayTraffic: requirePermission("uc.apiresource.versions")
    .meta({
      openapi: {
        method: "GET",
        path: "/api-resources/{id}/gateway-traffic",
        tags,
        protect: true,
        summary: "Gateway traffic over 24 hours, 7 or 30 days: totals, a series, per version and per subscription",
      },
    })
    .input(gatewayTrafficInput)
    .output(gatewayTraffic)
    .query(({ ctx, input }) => svc.gatewayTraffic(ctx, input)),

  authServers: requirePermission("uc.apiresource.authservers")
    .meta({
      openapi: {
        method: "GET",
        path: "/api-resources/{id}/auth-servers",
        tags,
        protect: true,
        summary: "The authorization servers an API may name: this tenant's own OpenID Provider first",
      },
    })
    .input(idInput)
    .output(z.array(authServerItem))
    .query(({ ctx, input }) => auth.listAuthServers(ctx, input.id, ctx.origin)),

  addAuthServer: requirePermission("uc.apiresource.postauthserver")
    .meta({
      openapi: { method: "POST", path: "/api-auth-servers", tags, protect: true, summary: "Add an authorization server by its discovery URL" },
    })
    .input(authServerCreateInput)
    .output(authServerItem)
    .mutation(({ ctx, input }) => auth.addAuthServer(ctx, input)),

  removeAuthServer: requirePermission("uc.apiresource.deleteauthserver")
    .meta({ openapi: { method: "DELETE", path: "/api-auth-servers/{id}", tags, protect: true, summary: "Remove an authorization server no API names" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => auth.removeAuthServer(ctx, input.id)),
});
