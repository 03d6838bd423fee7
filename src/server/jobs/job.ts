/**
 * The Job table as a queue of the job runner: every long job (exports, bulk actions on users,
 * imports, release mails, SDK releases, Git syncs). A job has a `kind`, its `input` (as the kind's schema parsed it when the job was
 * queued, parsed again when it runs) and a `result` the kind writes with its progress and at the
 * end. Adding a kind: a `JobKind` and its entry in src/server/jobs/queues.ts.
 */
import type { z } from "zod";
import type { Db, DbClient } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import type { JobQueue, RunnerOptions, RunningJob } from "~/server/jobs/runner";
import type { PermissionCode } from "~/lib/permissions";

export type { JobDone } from "~/server/jobs/runner";

export interface JobRow {
  id: string;
  kind: string;
  tenantId: string | null;
  actorId: string;
  createdAt: Date;
}

export interface JobKind<Input = unknown> {
  /** The input's schema: applied when the job is queued and again when it runs. */
  input: z.ZodType<Input>;
  /**
   * Who besides the job's creator may read its progress and log and cancel it (job.get /
   * job.cancel): holders of this permission in the job's tenant. Without it, only the creator.
   */
  permission?: PermissionCode;
  /** Removes secrets from the stored input before anyone reads the job (e.g. tokens). */
  redact?: (input: Input) => unknown;
  /**
   * Runs the job: `job.progress(done, total, { result })` as it goes, `job.finish({ result, done, total })`
   * at the end. Throwing fails the job with the error's message.
   */
  run: (db: Db, job: RunningJob, row: JobRow, input: Input, opts: RunnerOptions) => Promise<void>;
}

/** Queues a job of `kind` (in the caller's transaction, beside its audit row); the runner takes it from there. */
export async function enqueueJob<Input>(
  db: DbClient,
  kind: string,
  def: JobKind<Input>,
  job: { tenantId: string | null; actorId: string; input: Input },
): Promise<{ id: string }> {
  const input = JSON.parse(JSON.stringify(def.input.parse(job.input))) as Prisma.InputJsonValue;
  return db.job.create({ data: { kind, tenantId: job.tenantId, actorId: job.actorId, input }, select: { id: true } });
}

/**
 * The Job table's queue: each claimed job is run by its kind's code. `only`: claim just the jobs
 * of these kinds (a test or bench running one kind); by default every job is claimed and one of
 * a kind not in `kinds` fails.
 */
export const jobQueue = (kinds: Readonly<Record<string, JobKind<never>>>, only?: readonly string[]): JobQueue => ({
  name: "job",
  kinds: only,
  run: async (db, job, opts) => {
    const row = await db.job.findUniqueOrThrow({
      where: { id: job.id },
      select: { id: true, kind: true, tenantId: true, actorId: true, createdAt: true, input: true },
    });
    const def = Object.hasOwn(kinds, row.kind) ? (kinds[row.kind] as unknown as JobKind) : null;
    if (!def) throw new Error(`No job kind ${row.kind}`);
    await def.run(db, job, row, def.input.parse(row.input), opts);
  },
});
