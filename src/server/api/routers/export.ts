import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
import { exportCreateInput, exportJob, exportListInput } from "~/lib/validators/export";
import { createExport, getExport, listExports } from "~/server/exports/service";
import { kickJobRunner } from "~/server/jobs/queues";

const tags = ["export"];

export const exportRouter = createTRPCRouter({
  create: requirePermission("uc.export.post")
    .meta({
      openapi: { method: "POST", path: "/exports", tags, protect: true, summary: "Export a list (its current filter) to CSV or XLSX in the background" },
    })
    .input(exportCreateInput)
    .output(exportJob)
    .mutation(async ({ ctx, input }) => {
      const job = await createExport(ctx.db, ctx.actor, ctx, input);
      // Start at once rather than at the next poll; any instance may take it, though.
      kickJobRunner(ctx.db);
      return job;
    }),

  get: requirePermission("uc.export.get")
    .meta({ openapi: { method: "GET", path: "/exports/{id}", tags, protect: true, summary: "An export job of mine: status and progress" } })
    .input(idInput)
    .output(exportJob)
    .query(({ ctx, input }) => getExport(ctx.db, ctx.actor, input.id)),

  list: requirePermission("uc.export.get")
    .meta({ openapi: { method: "GET", path: "/exports", tags, protect: true, summary: "My export jobs, newest first" } })
    .input(exportListInput)
    .output(listOutput(exportJob))
    .query(({ ctx, input }) => listExports(ctx.db, ctx.actor, input)),
});
