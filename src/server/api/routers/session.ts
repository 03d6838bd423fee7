import { z } from "zod";
import { createTRPCRouter, errorCodesProcedure, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
import { sessionItem, sessionListInput } from "~/lib/validators/session";
import * as sessions from "~/server/services/login-sessions";

const tags = ["session"];
const stateChange = (action: "freeze" | "unfreeze" | "offline", summary: string) =>
  requirePermission(`uc.session.${action}`)
    .meta({ openapi: { method: "PUT", path: `/sessions/{id}/${action}`, tags, protect: true, summary } })
    .input(idInput)
    .output(sessionItem)
    .mutation(({ ctx, input }) => sessions.changeSessionState(ctx, input.id, action));

/** Administrators over their tenant's login sessions; operators across tenants. */
export const sessionRouter = createTRPCRouter({
  // Before the `{id}` routes: the REST layer serves the first path that matches.
  errorCodes: errorCodesProcedure("/sessions/error-codes", tags, ["session"]),

  list: requirePermission("uc.session.get")
    .meta({ openapi: { method: "GET", path: "/sessions", tags, protect: true, summary: "List login sessions" } })
    .input(sessionListInput)
    .output(listOutput(sessionItem))
    .query(({ ctx, input }) => sessions.listSessions(ctx, input)),

  detail: requirePermission("uc.session.detail")
    .meta({ openapi: { method: "GET", path: "/sessions/{id}", tags, protect: true, summary: "Login session detail" } })
    .input(idInput)
    .output(sessionItem)
    .query(({ ctx, input }) => sessions.getSession(ctx, input.id)),

  freeze: stateChange("freeze", "Freeze a session (refused until unfrozen)"),
  unfreeze: stateChange("unfreeze", "Unfreeze a session"),
  offline: stateChange("offline", "Force a session offline (for good)"),

  delete: requirePermission("uc.session.delete")
    .meta({ openapi: { method: "DELETE", path: "/sessions/{id}", tags, protect: true, summary: "Soft-delete a session (to the recycle bin)" } })
    .input(idInput)
    .output(sessionItem)
    .mutation(({ ctx, input }) => sessions.softDeleteSession(ctx, input.id)),

  recycle: requirePermission("uc.session.recycle")
    .meta({ openapi: { method: "PUT", path: "/sessions/{id}/recycle", tags, protect: true, summary: "Restore a soft-deleted session" } })
    .input(idInput)
    .output(sessionItem)
    .mutation(({ ctx, input }) => sessions.recycleSession(ctx, input.id)),

  purge: requirePermission("uc.session.purge")
    .meta({ openapi: { method: "DELETE", path: "/sessions/{id}/purge", tags, protect: true, summary: "Delete a session for good" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => sessions.purgeSession(ctx, input.id)),
});
