/**
 * The job runner's one queue: every job is a row of Job, run by its kind below (exports too).
 * `UC_EXPORT_WORKER=off` keeps an instance from running any job (another instance takes them).
 */
import type { Db } from "~/server/db";
import { EXPORT_KIND, exportJobKind } from "~/server/exports/worker";
import { jobQueue, type JobKind } from "~/server/jobs/job";
import { USER_BULK_KIND, userBulkJob } from "~/server/services/user-bulk";
import { USER_IMPORT_KIND, userImportJob } from "~/server/services/user-import";
import { RELEASE_MAIL_KIND, releaseMailJob } from "~/server/services/api-subscriptions";
import { API_IMPORT_KIND, apiImportJob } from "~/server/services/api-publishing";
import { GIT_SYNC_KIND, SDK_RELEASE_KIND, gitSyncJob, sdkReleaseJob } from "~/server/codegen/release";
import { drainQueue, kickQueue, startQueue, type RunnerOptions } from "~/server/jobs/runner";

/** Job kinds (the Job table's `kind`) and what runs them. */
export const JOB_KINDS: Readonly<Record<string, JobKind<never>>> = {
  [EXPORT_KIND]: exportJobKind() as unknown as JobKind<never>,
  [USER_BULK_KIND]: userBulkJob as unknown as JobKind<never>,
  [USER_IMPORT_KIND]: userImportJob as unknown as JobKind<never>,
  [RELEASE_MAIL_KIND]: releaseMailJob as unknown as JobKind<never>,
  [SDK_RELEASE_KIND]: sdkReleaseJob as unknown as JobKind<never>,
  [GIT_SYNC_KIND]: gitSyncJob as unknown as JobKind<never>,
  [API_IMPORT_KIND]: apiImportJob as unknown as JobKind<never>,
};

const queue = () => jobQueue(JOB_KINDS);

export const runnerEnabled = () => process.env.UC_EXPORT_WORKER !== "off";

/** Starts this process's runner (polling every few seconds). */
export const startJobRunner = (db: Db, pollMs = 3000) => startQueue(db, queue(), pollMs);

/** Runs the queue now rather than at the next poll (any instance may take the job, though); nothing when the runner is off here. */
export function kickJobRunner(db: Db) {
  if (runnerEnabled()) kickQueue(db, queue());
}

/** Tests: runs every queued job to the end, in this process. */
export const drainAllJobs = (db: Db, opts: RunnerOptions = {}) => drainQueue(db, queue(), opts);
