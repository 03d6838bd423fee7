import { z } from "zod";
import { createTRPCRouter, publicProcedure, requirePermission, type Context } from "~/server/api/trpc";
import { errorTable } from "~/lib/errors";
import { errorTableOutput, idInput, listOutput } from "~/lib/validators/common";
import { apiScopeItem, apiScopeListInput, apiScopeCreateInput, apiScopeUpdateInput } from "~/lib/validators/api";
import * as svc from "~/server/services/api-resources";
import type { Actor } from "~/server/services/session";

const tags = ["apiscope"];
const who = (ctx: Context & { actor: Actor }) => ({ ...ctx.actor, ip: ctx.ip });

export const apiScopeRouter = createTRPCRouter({
  // Before the `{id}` routes: the REST layer serves the first path that matches.
  errorCodes: publicProcedure
    .meta({ openapi: { method: "GET", path: "/api-scopes/error-codes", tags, summary: "Error-code table" } })
    .input(z.object({}).optional())
    .output(errorTableOutput)
    .query(({ ctx }) => [...errorTable("common", ctx.locale), ...errorTable("api", ctx.locale)]),

  list: requirePermission("uc.apiscope.get")
    .meta({ openapi: { method: "GET", path: "/api-scopes", tags, protect: true, summary: "List API scopes" } })
    .input(apiScopeListInput)
    .output(listOutput(apiScopeItem))
    .query(({ ctx, input }) => svc.listApiScopes(ctx.db, who(ctx), input)),

  detail: requirePermission("uc.apiscope.detail")
    .meta({ openapi: { method: "GET", path: "/api-scopes/{id}", tags, protect: true, summary: "API scope detail" } })
    .input(idInput)
    .output(apiScopeItem)
    .query(({ ctx, input }) => svc.getApiScope(ctx.db, who(ctx), input.id)),

  create: requirePermission("uc.apiscope.post")
    .meta({ openapi: { method: "POST", path: "/api-scopes", tags, protect: true, summary: "Create an API scope" } })
    .input(apiScopeCreateInput)
    .output(apiScopeItem)
    .mutation(({ ctx, input }) => svc.createApiScope(ctx.db, who(ctx), input)),

  update: requirePermission("uc.apiscope.put")
    .meta({ openapi: { method: "PUT", path: "/api-scopes/{id}", tags, protect: true, summary: "Update an API scope" } })
    .input(apiScopeUpdateInput)
    .output(apiScopeItem)
    .mutation(({ ctx, input }) => svc.updateApiScope(ctx.db, who(ctx), input)),

  delete: requirePermission("uc.apiscope.delete")
    .meta({ openapi: { method: "DELETE", path: "/api-scopes/{id}", tags, protect: true, summary: "Delete an API scope" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => svc.deleteApiScope(ctx.db, who(ctx), input.id)),
});
