import { z } from "zod";
import { createTRPCRouter, errorCodesProcedure, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
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
  userBulkInput,
  userBulkJob,
  userBulkOutput,
  userImportJob,
} from "~/lib/validators/user";
import * as users from "~/server/services/user";
import { listSessions } from "~/server/services/login-sessions";
import { roleOptions } from "~/server/services/roles";
import { getImportJob } from "~/server/services/user-import";
import { bulkUsers, getBulkJob, listBulkJobs } from "~/server/services/user-bulk";
import { kickJobRunner } from "~/server/jobs/queues";

const tags = ["user"];
const openapi = (method: "GET" | "POST" | "PUT" | "DELETE", path: `/${string}`, summary: string) => ({
  openapi: { method, path, tags, protect: true, summary },
});

/** Administrators over their tenant's users; operators across tenants. */
export const userRouter = createTRPCRouter({
  list: requirePermission("uc.user.get")
    .meta(openapi("GET", "/users", "List users (keyset paging with cursor; total capped at 10,000)"))
    .input(userListInput)
    .output(userListOutput)
    .query(({ ctx, input }) => users.listUsers(ctx, input)),

  exists: requirePermission("uc.user.exists")
    .meta(openapi("GET", "/users/exists", "Is a phone, email or user name taken in this tenant?"))
    .input(userExistsInput)
    .output(z.object({ exists: z.boolean() }))
    .query(({ ctx, input }) => users.userExists(ctx, input)),

  // Static paths before /users/{id}: the REST mirror takes the first route that matches.
  roleOptions: requirePermission("uc.user.detail")
    .meta(openapi("GET", "/users/role-options", "Roles that can be assigned in this tenant"))
    .input(z.object({ tenantId: z.uuid().optional() }).optional())
    .output(z.array(z.object({ id: z.uuid(), name: z.string(), description: z.string().nullable() })))
    .query(({ ctx, input }) => roleOptions(ctx, input?.tenantId)),

  pick: requirePermission("uc.user.get")
    .meta(openapi("GET", "/users/pick", "Name, phone and email of up to 50 users by id (the user picker's labels)"))
    .input(userPickInput)
    .output(z.array(userPickItem))
    .query(({ ctx, input }) => users.pickUsers(ctx, input)),

  errorCodes: errorCodesProcedure("/users/error-codes", tags, ["user"]),

  // Reading the list is the floor; each action then needs its single procedure's permission
  // (uc.user.lock, .unlock, .put for roles and status, .delete), checked in the service.
  bulk: requirePermission("uc.user.get")
    .meta(
      openapi(
        "POST",
        "/users/bulk",
        "Lock, unlock, add or remove a role, disable, enable or delete many users: up to 1,000 ids (up to 200 at once, more as a job) or all matching a list filter (a job)",
      ),
    )
    .input(userBulkInput)
    .output(userBulkOutput)
    .mutation(async ({ ctx, input }) => {
      const out = await bulkUsers(ctx, input);
      if (out.job) kickJobRunner(ctx.db);
      return out;
    }),

  bulkJobs: requirePermission("uc.user.get")
    .meta(openapi("GET", "/users/bulk-jobs", "My latest bulk jobs on users, newest first"))
    .input(z.object({}).optional())
    .output(z.array(userBulkJob))
    .query(({ ctx }) => listBulkJobs(ctx)),

  bulkJob: requirePermission("uc.user.get")
    .meta(openapi("GET", "/users/bulk-jobs/{id}", "A bulk job of mine: status, progress and what it did"))
    .input(idInput)
    .output(userBulkJob)
    .query(({ ctx, input }) => getBulkJob(ctx, input.id)),

  // The import itself is POST /api/v1/users/import (multipart: preview, then import); a large file's job is read here.
  importJob: requirePermission("uc.user.import")
    .meta(openapi("GET", "/users/import-jobs/{id}", "An import job of mine: status, progress and the rows created or refused"))
    .input(idInput)
    .output(userImportJob)
    .query(({ ctx, input }) => getImportJob(ctx, input.id)),

  detail: requirePermission("uc.user.detail")
    .meta(openapi("GET", "/users/{id}", "User detail with claims, properties and external logins"))
    .input(idInput)
    .output(userDetail)
    .query(({ ctx, input }) => users.getUser(ctx, input.id)),

  sessions: requirePermission("uc.user.detail")
    .meta(openapi("GET", "/users/{id}/sessions", "A user's login sessions, newest first"))
    .input(idInput.extend({ skip: z.coerce.number().int().min(0).default(0), take: z.coerce.number().int().min(1).max(100).default(20) }))
    .output(listOutput(sessionItem))
    .query(async ({ ctx, input }) => {
      const user = await users.getUser(ctx, input.id); // 404 for another tenant's user
      return listSessions(ctx, { userId: user.id, tenantId: user.tenantId, deleted: false, orderby: "createdAt", skip: input.skip, take: input.take });
    }),

  create: requirePermission("uc.user.post")
    .meta(openapi("POST", "/users", "Create a user (optional initial password)"))
    .input(userCreateInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.createUser(ctx, input)),

  update: requirePermission("uc.user.put")
    .meta(openapi("PUT", "/users/{id}", "Update a user's profile, status or referrer"))
    .input(userUpdateInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.updateUser(ctx, input)),

  delete: requirePermission("uc.user.delete")
    .meta(openapi("DELETE", "/users/{id}", "Soft-delete a user (to the recycle bin); their sessions end"))
    .input(idInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.deleteUser(ctx, input.id)),

  recycle: requirePermission("uc.user.recycle")
    .meta(openapi("PUT", "/users/{id}/recycle", "Restore a soft-deleted user"))
    .input(idInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.restoreUser(ctx, input.id)),

  lock: requirePermission("uc.user.lock")
    .meta(openapi("PUT", "/users/{id}/lock", "Lock the account until a time; its sessions end"))
    .input(userLockInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.lockUser(ctx, input.id, input.until)),

  unlock: requirePermission("uc.user.unlock")
    .meta(openapi("PUT", "/users/{id}/unlock", "Lift the account's lock and forget its failures"))
    .input(idInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.unlockUser(ctx, input.id)),

  resetPassword: requirePermission("uc.user.resetpassword")
    .meta(openapi("PUT", "/users/{id}/password", "Set a password, or generate one (shown once); every session ends"))
    .input(userResetPasswordInput)
    .output(z.object({ generatedPassword: z.string().nullable(), sessionsEnded: z.number().int() }))
    .mutation(({ ctx, input }) => users.resetUserPassword(ctx, input.id, input.password || undefined, input.mustChangePassword)),

  setRoles: requirePermission("uc.user.put")
    .meta(openapi("PUT", "/users/{id}/roles", "Replace the user's roles"))
    .input(userRolesInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.setUserRoles(ctx, input.id, input.roleIds)),

  setClaims: requirePermission("uc.user.put")
    .meta(openapi("PUT", "/users/{id}/claims", "Replace the user's claims and custom properties"))
    .input(userClaimsInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.setUserClaims(ctx, input)),

  unlinkLogin: requirePermission("uc.user.put")
    .meta(openapi("DELETE", "/users/{id}/logins/{loginId}", "Unlink an external login"))
    .input(unlinkLoginInput)
    .output(userDetail)
    .mutation(({ ctx, input }) => users.unlinkExternalLogin(ctx, input.id, input.loginId)),
});
