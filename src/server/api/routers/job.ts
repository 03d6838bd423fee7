import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { idInput } from "~/lib/validators/common";
import { jobProgress } from "~/lib/validators/job";
import { cancelJob, readJob } from "~/server/jobs/control";

const tags = ["job"];

/** Long jobs of any kind (SDK releases, Git syncs, bulk actions, imports, release mails): progress, steps, live log; cancel. */
export const jobRouter = createTRPCRouter({
  get: requirePermission("uc.job.detail")
    .meta({ openapi: { method: "GET", path: "/jobs/{id}", tags, protect: true, summary: "A job's status, steps, progress and live log" } })
    .input(idInput)
    .output(jobProgress)
    .query(({ ctx, input }) => readJob(ctx, input.id)),

  cancel: requirePermission("uc.job.cancel")
    .meta({
      openapi: {
        method: "POST",
        path: "/jobs/{id}/cancel",
        tags,
        protect: true,
        summary: "Ask a job to stop (a queued one at once, a running one between steps)",
      },
    })
    .input(idInput)
    .output(jobProgress)
    .mutation(({ ctx, input }) => cancelJob(ctx, input.id)),
});
