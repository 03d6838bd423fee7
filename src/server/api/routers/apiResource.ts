import { z } from "zod";
import { createTRPCRouter, errorCodesProcedure, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
import { apiResourceItem, apiResourceListInput, apiResourceCreateInput, apiResourceUpdateInput } from "~/lib/validators/api";
import * as svc from "~/server/services/api-resources";

const tags = ["apiresource"];

export const apiResourceRouter = createTRPCRouter({
  // Before the `{id}` routes: the REST layer serves the first path that matches.
  errorCodes: errorCodesProcedure("/api-resources/error-codes", tags, ["api"]),

  list: requirePermission("uc.apiresource.get")
    .meta({ openapi: { method: "GET", path: "/api-resources", tags, protect: true, summary: "List API resources" } })
    .input(apiResourceListInput)
    .output(listOutput(apiResourceItem))
    .query(({ ctx, input }) => svc.listApiResources(ctx, input)),

  detail: requirePermission("uc.apiresource.detail")
    .meta({ openapi: { method: "GET", path: "/api-resources/{id}", tags, protect: true, summary: "API resource detail" } })
    .input(idInput)
    .output(apiResourceItem)
    .query(({ ctx, input }) => svc.getApiResource(ctx, input.id)),

  create: requirePermission("uc.apiresource.post")
    .meta({ openapi: { method: "POST", path: "/api-resources", tags, protect: true, summary: "Create an API resource" } })
    .input(apiResourceCreateInput)
    .output(apiResourceItem)
    .mutation(({ ctx, input }) => svc.createApiResource(ctx, input)),

  update: requirePermission("uc.apiresource.put")
    .meta({ openapi: { method: "PUT", path: "/api-resources/{id}", tags, protect: true, summary: "Update an API resource" } })
    .input(apiResourceUpdateInput)
    .output(apiResourceItem)
    .mutation(({ ctx, input }) => svc.updateApiResource(ctx, input)),

  delete: requirePermission("uc.apiresource.delete")
    .meta({ openapi: { method: "DELETE", path: "/api-resources/{id}", tags, protect: true, summary: "Delete an API resource" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => svc.deleteApiResource(ctx, input.id)),
});
