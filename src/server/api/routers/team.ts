import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { teamListInput, teamListOutput } from "~/lib/validators/team";
import { listTeam } from "~/server/services/team";

/** The referral tree: a subtree with levels and member counts. */
export const teamRouter = createTRPCRouter({
  list: requirePermission("uc.team.get")
    .meta({ openapi: { method: "GET", path: "/team", tags: ["team"], protect: true, summary: "A referral subtree (default: the caller's own)" } })
    .input(teamListInput)
    .output(teamListOutput)
    .query(({ ctx, input }) => listTeam(ctx, input)),
});
