/**
 * A long job as its reader sees it (job.get): status, the progress shape every kind shares
 * (`{ step, steps, done, total }`), the live log and the kind's result.
 */
import { z } from "zod";
import { JOB_STATUSES } from "~/lib/job-status";
import "./common";

export { JOB_STATUSES, jobEnded, type JobStatusName } from "~/lib/job-status";

export const jobProgress = z.object({
  id: z.uuid(),
  kind: z.string(),
  status: z.enum(JOB_STATUSES),
  step: z.string().nullable(),
  steps: z.array(z.string()),
  done: z.number().int(),
  total: z.number().int().nullable(),
  log: z.string(),
  error: z.string().nullable(),
  result: z.unknown().nullable(),
  cancelRequested: z.boolean(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
export type JobProgress = z.infer<typeof jobProgress>;
