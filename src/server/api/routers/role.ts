import { z } from "zod";
import { createTRPCRouter, errorCodesProcedure, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
import { roleCreateInput, roleDetail, roleListInput, roleMember, roleMembersInput, roleSummary, roleUpdateInput } from "~/lib/validators/role";
import * as roles from "~/server/services/roles";

const tags = ["role"];

export const roleRouter = createTRPCRouter({
  // Before the `{id}` routes: the REST layer serves the first path that matches.
  errorCodes: errorCodesProcedure("/roles/error-codes", tags, ["role"]),

  list: requirePermission("uc.role.get")
    .meta({ openapi: { method: "GET", path: "/roles", tags, protect: true, summary: "List roles" } })
    .input(roleListInput)
    .output(listOutput(roleSummary))
    .query(({ ctx, input }) => roles.listRoles(ctx, input)),

  detail: requirePermission("uc.role.detail")
    .meta({ openapi: { method: "GET", path: "/roles/{id}", tags, protect: true, summary: "Role detail" } })
    .input(idInput)
    .output(roleDetail)
    .query(({ ctx, input }) => roles.getRole(ctx, input.id)),

  members: requirePermission("uc.role.detail")
    .meta({ openapi: { method: "GET", path: "/roles/{id}/members", tags, protect: true, summary: "Users holding a role" } })
    .input(roleMembersInput)
    .output(listOutput(roleMember))
    .query(({ ctx, input }) => roles.roleMembers(ctx, input)),

  create: requirePermission("uc.role.post")
    .meta({ openapi: { method: "POST", path: "/roles", tags, protect: true, summary: "Create a role" } })
    .input(roleCreateInput)
    .output(roleDetail)
    .mutation(({ ctx, input }) => roles.createRole(ctx, input)),

  update: requirePermission("uc.role.put")
    .meta({ openapi: { method: "PUT", path: "/roles/{id}", tags, protect: true, summary: "Update a role" } })
    .input(roleUpdateInput)
    .output(roleDetail)
    .mutation(({ ctx, input }) => roles.updateRole(ctx, input)),

  delete: requirePermission("uc.role.delete")
    .meta({ openapi: { method: "DELETE", path: "/roles/{id}", tags, protect: true, summary: "Delete a role (not a built-in one)" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => roles.deleteRole(ctx, input.id)),
});
