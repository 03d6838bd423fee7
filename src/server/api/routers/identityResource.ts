import { z } from "zod";
import { createTRPCRouter, publicProcedure, requirePermission, type Context } from "~/server/api/trpc";
import { errorTable } from "~/lib/errors";
import { errorTableOutput, idInput, listOutput } from "~/lib/validators/common";
import { identityResourceItem, identityResourceListInput, identityResourceCreateInput, identityResourceUpdateInput } from "~/lib/validators/api";
import * as svc from "~/server/services/api-resources";
import type { Actor } from "~/server/services/session";

const tags = ["identityresource"];
const who = (ctx: Context & { actor: Actor }) => ({ ...ctx.actor, ip: ctx.ip });

export const identityResourceRouter = createTRPCRouter({
  // Before the `{id}` routes: the REST layer serves the first path that matches.
  errorCodes: publicProcedure
    .meta({ openapi: { method: "GET", path: "/identity-resources/error-codes", tags, summary: "Error-code table" } })
    .input(z.object({}).optional())
    .output(errorTableOutput)
    .query(({ ctx }) => [...errorTable("common", ctx.locale), ...errorTable("api", ctx.locale)]),

  list: requirePermission("uc.identityresource.get")
    .meta({ openapi: { method: "GET", path: "/identity-resources", tags, protect: true, summary: "List identity resources" } })
    .input(identityResourceListInput)
    .output(listOutput(identityResourceItem))
    .query(({ ctx, input }) => svc.listIdentityResources(ctx.db, who(ctx), input)),

  detail: requirePermission("uc.identityresource.detail")
    .meta({ openapi: { method: "GET", path: "/identity-resources/{id}", tags, protect: true, summary: "Identity resource detail" } })
    .input(idInput)
    .output(identityResourceItem)
    .query(({ ctx, input }) => svc.getIdentityResource(ctx.db, who(ctx), input.id)),

  create: requirePermission("uc.identityresource.post")
    .meta({ openapi: { method: "POST", path: "/identity-resources", tags, protect: true, summary: "Create an identity resource" } })
    .input(identityResourceCreateInput)
    .output(identityResourceItem)
    .mutation(({ ctx, input }) => svc.createIdentityResource(ctx.db, who(ctx), input)),

  update: requirePermission("uc.identityresource.put")
    .meta({ openapi: { method: "PUT", path: "/identity-resources/{id}", tags, protect: true, summary: "Update an identity resource" } })
    .input(identityResourceUpdateInput)
    .output(identityResourceItem)
    .mutation(({ ctx, input }) => svc.updateIdentityResource(ctx.db, who(ctx), input)),

  delete: requirePermission("uc.identityresource.delete")
    .meta({ openapi: { method: "DELETE", path: "/identity-resources/{id}", tags, protect: true, summary: "Delete an identity resource" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => svc.deleteIdentityResource(ctx.db, who(ctx), input.id)),
});
