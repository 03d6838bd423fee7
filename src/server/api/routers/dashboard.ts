import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import {
  dashboardCodes,
  dashboardErrors,
  dashboardFailures,
  dashboardInput,
  dashboardSessions,
  dashboardSignIns,
  dashboardUsers,
} from "~/lib/validators/dashboard";
import * as dashboard from "~/server/services/dashboard";

const tags = ["dashboard"];
const guard = () => requirePermission("uc.dashboard.get");

/**
 * The console's home: one chart per procedure, so each loads (and picks its range) on its own.
 * Tenant administrators see their tenant; operators every tenant, or the one they name.
 */
export const dashboardRouter = createTRPCRouter({
  users: guard()
    .meta({ openapi: { method: "GET", path: "/dashboard/users", tags, protect: true, summary: "Users: total, and new per day" } })
    .input(dashboardInput)
    .output(dashboardUsers)
    .query(({ ctx, input }) => dashboard.dashboardUsers(ctx, input)),

  signIns: guard()
    .meta({ openapi: { method: "GET", path: "/dashboard/sign-ins", tags, protect: true, summary: "Sign-ins per day by method" } })
    .input(dashboardInput)
    .output(dashboardSignIns)
    .query(({ ctx, input }) => dashboard.dashboardSignIns(ctx, input)),

  failures: guard()
    .meta({ openapi: { method: "GET", path: "/dashboard/failures", tags, protect: true, summary: "Refused sign-ins and account locks per day" } })
    .input(dashboardInput)
    .output(dashboardFailures)
    .query(({ ctx, input }) => dashboard.dashboardFailures(ctx, input)),

  sessions: guard()
    .meta({ openapi: { method: "GET", path: "/dashboard/sessions", tags, protect: true, summary: "Login sessions usable now, by method" } })
    .input(dashboardInput)
    .output(dashboardSessions)
    .query(({ ctx, input }) => dashboard.dashboardSessions(ctx, input)),

  codes: guard()
    .meta({ openapi: { method: "GET", path: "/dashboard/codes", tags, protect: true, summary: "SMS and email messages sent per day by channel" } })
    .input(dashboardInput)
    .output(dashboardCodes)
    .query(({ ctx, input }) => dashboard.dashboardCodes(ctx, input)),

  errors: guard()
    .meta({ openapi: { method: "GET", path: "/dashboard/errors", tags, protect: true, summary: "The error codes refused sign-ins answered most" } })
    .input(dashboardInput)
    .output(dashboardErrors)
    .query(({ ctx, input }) => dashboard.dashboardErrors(ctx, input)),
});
