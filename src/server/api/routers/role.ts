import { z } from "zod";
import { createTRPCRouter, publicProcedure, requirePermission } from "~/server/api/trpc";
import { errorTable } from "~/lib/errors";
import { errorTableOutput, idInput, listOutput } from "~/lib/validators/common";
import { roleCreateInput, roleDetail, roleListInput, roleMember, roleMembersInput, roleSummary, roleUpdateInput } from "~/lib/validators/role";
import * as roles from "~/server/services/roles";
import type { Context } from "~/server/api/trpc";

const tags = ["role"];
const who = (ctx: Pick<Context, "ip" | "userAgent"> & { actor: { userId: string; tenantId: string; isOperator: boolean } }) => ({
  userId: ctx.actor.userId,
  tenantId: ctx.actor.tenantId,
  isOperator: ctx.actor.isOperator,
  ip: ctx.ip,
  userAgent: ctx.userAgent,
});

export const roleRouter = createTRPCRouter({
  // Before the `{id}` routes: the REST layer serves the first path that matches.
  errorCodes: publicProcedure
    .meta({ openapi: { method: "GET", path: "/roles/error-codes", tags, summary: "Error-code table" } })
    .input(z.object({}).optional())
    .output(errorTableOutput)
    .query(({ ctx }) => [...errorTable("common", ctx.locale), ...errorTable("role", ctx.locale)]),

  list: requirePermission("uc.role.get")
    .meta({ openapi: { method: "GET", path: "/roles", tags, protect: true, summary: "List roles" } })
    .input(roleListInput)
    .output(listOutput(roleSummary))
    .query(({ ctx, input }) => roles.listRoles(ctx.db, who(ctx), input)),

  detail: requirePermission("uc.role.detail")
    .meta({ openapi: { method: "GET", path: "/roles/{id}", tags, protect: true, summary: "Role detail" } })
    .input(idInput)
    .output(roleDetail)
    .query(({ ctx, input }) => roles.getRole(ctx.db, who(ctx), input.id)),

  members: requirePermission("uc.role.detail")
    .meta({ openapi: { method: "GET", path: "/roles/{id}/members", tags, protect: true, summary: "Users holding a role" } })
    .input(roleMembersInput)
    .output(listOutput(roleMember))
    .query(({ ctx, input }) => roles.roleMembers(ctx.db, who(ctx), input)),

  create: requirePermission("uc.role.post")
    .meta({ openapi: { method: "POST", path: "/roles", tags, protect: true, summary: "Create a role" } })
    .input(roleCreateInput)
    .output(roleDetail)
    .mutation(({ ctx, input }) => roles.createRole(ctx.db, who(ctx), input)),

  update: requirePermission("uc.role.put")
    .meta({ openapi: { method: "PUT", path: "/roles/{id}", tags, protect: true, summary: "Update a role" } })
    .input(roleUpdateInput)
    .output(roleDetail)
    .mutation(({ ctx, input }) => roles.updateRole(ctx.db, who(ctx), input)),

  delete: requirePermission("uc.role.delete")
    .meta({ openapi: { method: "DELETE", path: "/roles/{id}", tags, protect: true, summary: "Delete a role (not a built-in one)" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => roles.deleteRole(ctx.db, who(ctx), input.id)),
});
