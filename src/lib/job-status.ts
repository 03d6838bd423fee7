/** A long job's statuses (job.get), with no run-time zod: every list page's export button polls one. */
export const JOB_STATUSES = ["queued", "running", "done", "failed", "cancelled"] as const;
export type JobStatusName = (typeof JOB_STATUSES)[number];

/** Whether a status is final (nothing more will happen: stop polling). */
export const jobEnded = (status: JobStatusName) => status === "done" || status === "failed" || status === "cancelled";
