import { z } from "zod";
import { createTRPCRouter, publicProcedure, requirePermission, type Context } from "~/server/api/trpc";
import { errorTable } from "~/lib/errors";
import { errorTableOutput, idInput, listOutput } from "~/lib/validators/common";
import { sessionItem } from "~/lib/validators/session";
import {
  unlinkLoginInput,
  userClaimsInput,
  userCreateInput,
  userDetail,
  userExistsInput,
  userListInput,
  userListOutput,
  userLockInput,
  userPickInput,
  userPickItem,
  userResetPasswordInput,
  userRolesInput,
  userUpdateInput,
} from "~/lib/validators/user";
import * as users from "~/server/services/user";
import { listSessions } from "~/server/services/login-sessions";
import type { Actor } from "~/server/services/session";

const tags = ["user"];
const scope = (ctx: Context & { actor: Actor }): users.UserScope => ({ actor: { ...ctx.actor, ip: ctx.ip }, locale: ctx.locale });
const openapi = (method: "GET" | "POST" | "PUT" | "DELETE", path: `/${string}`, summary: string) => ({
  openapi: { method, path, tags, protect: true, summary },
});

/** Administrators over their tenant's users; operators across tenants. */
export const userRouter = createTRPCRouter({
  list: requirePermission("uc.user.get")
    .meta(openapi("GET", "/users", "List users (keyset paging with cursor; total capped at 10,000)"))
    .input(userListInput)
    .output(userListOutput)
    .query(({ ctx, input }) => users.listUsers(ctx.db, scope(ctx), input)),

  exists: requirePermission("uc.user.exists")
    .meta(openapi("GET", "/users/exists", "Is a phone, email or user name taken in this tenant?"))
    .input(userExistsInput)
    .output(z.object({ exists: z.boolean() }))
    .query(({ ctx, input }) => users.userExists(ctx.db, scope(ctx), input)),

  // Static paths before /users/{id}: the REST mirror takes the first route that matches.
  roleOptions: requirePermission("uc.user.detail")
    .meta(openapi("GET", "/users/role-options", "Roles that can be assigned in this tenant"))
    .input(z.object({ tenantId: z.uuid().optional() }).optional())
    .output(z.array(z.object({ id: z.uuid(), name: z.string(), description: z.string().nullable() })))
    .query(({ ctx, input }) =>
      ctx.db.role.findMany({
        where: { tenantId: ctx.actor.isOperator && input?.tenantId ? input.tenantId : ctx.actor.tenantId },
        select: { id: true, name: true, description: true },
        orderBy: { name: "asc" },
      }),
    ),

  pick: requirePermission("uc.user.get")
    .meta(openapi("GET", "/users/pick", "Name, phone and email of up to 50 users by id (the user picker's labels)"))
    .input(userPickInput)
    .output(z.array(userPickItem))
    .query(({ ctx, input }) => users.pickUsers(ctx.db, scope(ctx), input)),

  errorCodes: publicProcedure
    .meta({ openapi: { method: "GET", path: "/users/error-codes", tags, summary: "Error-code table" } })
    .input(z.object({}).optional())
    .output(errorTableOutput)
    .query(({ ctx }) => [...errorTable("common", ctx.locale), ...errorTable("user", ctx.locale)]),

  detail: requirePermission("uc.user.detail")
    .meta(openapi("GET", "/users/{id}", "User detail with claims, properties and external logins"))
    .input(idInput)
    .output(userDetail)
    .query(({ ctx, input }) => users.getUser(ctx.db, scope(ctx), input.id)),

  sessions: requirePermission("uc.user.detail")
    .meta(openapi("GET", "/users/{id}/sessions", "A user's login sessions, newest first"))
    .input(idInput.extend({ skip: z.coerce.number().int().min(0).default(0), take: z.coerce.number().int().min(1).max(100).default(20) }))
    .output(listOutput(sessionItem))
    .query(async ({ ctx, input }) => {
      const s = scope(ctx);
      const user = await users.getUser(ctx.db, s, input.id); // 404 for another tenant's user
      return listSessions(
        ctx.db,
        { ...ctx.actor, ip: ctx.ip },
        {
          userId: user.id,
          tenantId: user.tenantId,
          deleted: false,
          orderby: "createdAt",
          skip: input.skip,
          take: input.take,
        },
      );
    }),

  create: requirePermission("uc.user.post")
    .meta(openapi("POST", "/users", "Create a user (optional initial password)"))
    .input(userCreateInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.createUser(ctx.db, scope(ctx), input)),

  update: requirePermission("uc.user.put")
    .meta(openapi("PUT", "/users/{id}", "Update a user's profile, status or referrer"))
    .input(userUpdateInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.updateUser(ctx.db, scope(ctx), input)),

  delete: requirePermission("uc.user.delete")
    .meta(openapi("DELETE", "/users/{id}", "Soft-delete a user (to the recycle bin); their sessions end"))
    .input(idInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.deleteUser(ctx.db, scope(ctx), input.id)),

  recycle: requirePermission("uc.user.recycle")
    .meta(openapi("PUT", "/users/{id}/recycle", "Restore a soft-deleted user"))
    .input(idInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.restoreUser(ctx.db, scope(ctx), input.id)),

  lock: requirePermission("uc.user.lock")
    .meta(openapi("PUT", "/users/{id}/lock", "Lock the account until a time; its sessions end"))
    .input(userLockInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.lockUser(ctx.db, scope(ctx), input.id, input.until)),

  unlock: requirePermission("uc.user.unlock")
    .meta(openapi("PUT", "/users/{id}/unlock", "Lift the account's lock and forget its failures"))
    .input(idInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.unlockUser(ctx.db, scope(ctx), input.id)),

  resetPassword: requirePermission("uc.user.resetpassword")
    .meta(openapi("PUT", "/users/{id}/password", "Set a password, or generate one (shown once); every session ends"))
    .input(userResetPasswordInput)
    .output(z.object({ generatedPassword: z.string().nullable(), sessionsEnded: z.number().int() }))
    .mutation(({ ctx, input }) => users.resetUserPassword(ctx.db, scope(ctx), input.id, input.password || undefined)),

  setRoles: requirePermission("uc.user.put")
    .meta(openapi("PUT", "/users/{id}/roles", "Replace the user's roles"))
    .input(userRolesInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.setUserRoles(ctx.db, scope(ctx), input.id, input.roleIds)),

  setClaims: requirePermission("uc.user.put")
    .meta(openapi("PUT", "/users/{id}/claims", "Replace the user's claims and custom properties"))
    .input(userClaimsInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.setUserClaims(ctx.db, scope(ctx), input)),

  unlinkLogin: requirePermission("uc.user.put")
    .meta(openapi("DELETE", "/users/{id}/logins/{loginId}", "Unlink an external login"))
    .input(unlinkLoginInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.unlinkExternalLogin(ctx.db, scope(ctx), input.id, input.loginId)),
});
