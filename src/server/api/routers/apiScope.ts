import { z } from "zod";
import { createTRPCRouter, errorCodesProcedure, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
import { apiScopeItem, apiScopeListInput, apiScopeCreateInput, apiScopeUpdateInput } from "~/lib/validators/api";
import * as svc from "~/server/services/api-resources";

const tags = ["apiscope"];

export const apiScopeRouter = createTRPCRouter({
  // Before the `{id}` routes: the REST layer serves the first path that matches.
  errorCodes: errorCodesProcedure("/api-scopes/error-codes", tags, ["api"]),

  list: requirePermission("uc.apiscope.get")
    .meta({ openapi: { method: "GET", path: "/api-scopes", tags, protect: true, summary: "List API scopes" } })
    .input(apiScopeListInput)
    .output(listOutput(apiScopeItem))
    .query(({ ctx, input }) => svc.listApiScopes(ctx, input)),

  detail: requirePermission("uc.apiscope.detail")
    .meta({ openapi: { method: "GET", path: "/api-scopes/{id}", tags, protect: true, summary: "API scope detail" } })
    .input(idInput)
    .output(apiScopeItem)
    .query(({ ctx, input }) => svc.getApiScope(ctx, input.id)),

  create: requirePermission("uc.apiscope.post")
    .meta({ openapi: { method: "POST", path: "/api-scopes", tags, protect: true, summary: "Create an API scope" } })
    .input(apiScopeCreateInput)
    .output(apiScopeItem)
    .mutation(({ ctx, input }) => svc.createApiScope(ctx, input)),

  update: requirePermission("uc.apiscope.put")
    .meta({ openapi: { method: "PUT", path: "/api-scopes/{id}", tags, protect: true, summary: "Update an API scope" } })
    .input(apiScopeUpdateInput)
    .output(apiScopeItem)
    .mutation(({ ctx, input }) => svc.updateApiScope(ctx, input)),

  delete: requirePermission("uc.apiscope.delete")
    .meta({ openapi: { method: "DELETE", path: "/api-scopes/{id}", tags, protect: true, summary: "Delete an API scope" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => svc.deleteApiScope(ctx, input.id)),
});
