/**
 * Every queue the job runner serves, and this process's runner over them. Exports keep their
 * ExportJob table; every other kind of job is a row of Job, run by its kind below.
 * `UC_EXPORT_WORKER=off` keeps an instance from running any job (another instance takes them).
 */
import type { Db } from "~/server/db";
import { exportQueue } from "~/server/exports/worker";
import { jobQueue, type JobKind } from "~/server/jobs/job";
import { USER_BULK_KIND, userBulkJob } from "~/server/services/user-bulk";
import { USER_IMPORT_KIND, userImportJob } from "~/server/services/user-import";
import { RELEASE_MAIL_KIND, releaseMailJob } from "~/server/services/api-subscriptions";
import { GIT_SYNC_KIND, SDK_RELEASE_KIND, gitSyncJob, sdkReleaseJob } from "~/server/codegen/release";
import { drainQueues, kickQueues, startQueues, type JobQueue, type RunnerOptions } from "~/server/jobs/runner";

/** Job kinds (the Job table's `kind`) and what runs them. */
export const JOB_KINDS: Readonly<Record<string, JobKind<never>>> = {
  [USER_BULK_KIND]: userBulkJob as unknown as JobKind<never>,
  [USER_IMPORT_KIND]: userImportJob as unknown as JobKind<never>,
  [RELEASE_MAIL_KIND]: releaseMailJob as unknown as JobKind<never>,
  [SDK_RELEASE_KIND]: sdkReleaseJob as unknown as JobKind<never>,
  [GIT_SYNC_KIND]: gitSyncJob as unknown as JobKind<never>,
};

const queues = (): JobQueue<never>[] => [exportQueue() as unknown as JobQueue<never>, jobQueue(JOB_KINDS) as unknown as JobQueue<never>];

export const runnerEnabled = () => process.env.UC_EXPORT_WORKER !== "off";

/** Starts this process's runner (polling every few seconds). */
export const startJobRunner = (db: Db, pollMs = 3000) => startQueues(db, queues(), pollMs);

/** Runs the queues now rather than at the next poll (any instance may take the job, though); nothing when the runner is off here. */
export function kickJobRunner(db: Db) {
  if (runnerEnabled()) kickQueues(db, queues());
}

/** Tests: runs every queued job of every queue to the end, in this process. */
export const drainAllJobs = (db: Db, opts: RunnerOptions = {}) => drainQueues(db, queues(), opts);
