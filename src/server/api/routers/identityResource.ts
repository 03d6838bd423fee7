import { z } from "zod";
import { createTRPCRouter, errorCodesProcedure, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
import { identityResourceItem, identityResourceListInput, identityResourceCreateInput, identityResourceUpdateInput } from "~/lib/validators/api";
import * as svc from "~/server/services/api-resources";

const tags = ["identityresource"];

export const identityResourceRouter = createTRPCRouter({
  // Before the `{id}` routes: the REST layer serves the first path that matches.
  errorCodes: errorCodesProcedure("/identity-resources/error-codes", tags, ["api"]),

  list: requirePermission("uc.identityresource.get")
    .meta({ openapi: { method: "GET", path: "/identity-resources", tags, protect: true, summary: "List identity resources" } })
    .input(identityResourceListInput)
    .output(listOutput(identityResourceItem))
    .query(({ ctx, input }) => svc.listIdentityResources(ctx, input)),

  detail: requirePermission("uc.identityresource.detail")
    .meta({ openapi: { method: "GET", path: "/identity-resources/{id}", tags, protect: true, summary: "Identity resource detail" } })
    .input(idInput)
    .output(identityResourceItem)
    .query(({ ctx, input }) => svc.getIdentityResource(ctx, input.id)),

  create: requirePermission("uc.identityresource.post")
    .meta({ openapi: { method: "POST", path: "/identity-resources", tags, protect: true, summary: "Create an identity resource" } })
    .input(identityResourceCreateInput)
    .output(identityResourceItem)
    .mutation(({ ctx, input }) => svc.createIdentityResource(ctx, input)),

  update: requirePermission("uc.identityresource.put")
    .meta({ openapi: { method: "PUT", path: "/identity-resources/{id}", tags, protect: true, summary: "Update an identity resource" } })
    .input(identityResourceUpdateInput)
    .output(identityResourceItem)
    .mutation(({ ctx, input }) => svc.updateIdentityResource(ctx, input)),

  delete: requirePermission("uc.identityresource.delete")
    .meta({ openapi: { method: "DELETE", path: "/identity-resources/{id}", tags, protect: true, summary: "Delete an identity resource" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => svc.deleteIdentityResource(ctx, input.id)),
});
