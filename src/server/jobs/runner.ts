/**
 * The one runner for every long job. Every job (exports, bulk actions, imports by URL, release
 * mails, SDK releases, Git syncs) is a row of the Job table, told apart by its `kind`; a queue is
 * the code that runs them (src/server/jobs/job.ts) and any app instance may run any job. A
 * runner claims one job at a time with `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED)`
 * and holds it by a lease (leaseUntil) it renews with each progress write. The lease value
 * doubles as the claim's token: every write is conditional on it, so a runner that stalled past
 * its lease and was overtaken stops instead of overwriting the new owner's work. A crashed
 * instance's job is taken again once its lease has passed. Works the same on PGlite (one
 * connection). Times are the database's (`now()`), never one instance's clock.
 *
 * Every job may name its steps (`{ step, steps, done, total }` is the progress shape every kind
 * shares), keeps a live log (lines buffered here and appended to the row with the next write,
 * the oldest dropped past LOG_CAP characters) and cancellation: `cancelRequestedAt` on the row is
 * read back with every write (and polled once per `progressEveryMs` while a step runs), then the
 * job's AbortSignal fires and the next `step()` or `checkCancelled()` throws JobCancelled; a job
 * that ends through a cancel request is `cancelled`, not `failed`.
 */
import { Prisma } from "~/generated/prisma/client";
import type { Db } from "~/server/db";
import { readRows } from "~/server/db/fast-read";
import type { SystemActor } from "~/server/services/scope";
import { currentLog } from "~/server/log";

/** The most characters of log a job keeps (its newest); and of one line. */
export const LOG_CAP = 200_000;
export const LOG_LINE_CAP = 2000;

export interface Claim {
  id: string;
  leaseUntil: Date;
}

/** Thrown by `step()` / `checkCancelled()` once someone asked the job to stop: the job ends `cancelled`. */
export class JobCancelled extends Error {
  constructor() {
    super("Cancelled on request");
  }
}

/** Thrown by a write once another runner owns the job: the job's code stops, nothing is recorded. */
export class LeaseLost extends Error {
  constructor() {
    super("The job's lease was taken over");
  }
}

export interface RunnerOptions {
  /** How long a claim lasts without renewal. */
  leaseMs?: number;
  /** At most one progress write (and lease renewal) per this many ms; a forced one always writes. */
  progressEveryMs?: number;
}

export const RUNNER_DEFAULTS = { leaseMs: 60_000, progressEveryMs: 1000 } as const;

/** What a job leaves when it ends: its kind's result (e.g. counts, an export's file) and the last progress. */
export interface JobDone {
  result?: Prisma.InputJsonValue;
  done?: number;
  total?: number | null;
}

/** A job being run, as its code sees it. */
export interface RunningJob {
  readonly id: string;
  /**
   * Progress so far (and the kind's `result` so far), renewing the lease; at most one write per
   * `progressEveryMs` unless `force`. Throws LeaseLost when the job is no longer ours.
   */
  progress(done: number, total: number | null, opts?: { result?: unknown; force?: boolean }): Promise<void>;
  /** Marks the job done with its result. Throws LeaseLost when it is no longer ours (nothing written). */
  finish(data: JobDone): Promise<void>;
  /** Fires when someone asks the job to stop (pass it to whatever a step awaits: spawn, fetch, …). */
  readonly signal: AbortSignal;
  /** Appends a line to the live log (buffered; written with the next write, at least once per `progressEveryMs`). */
  log(line: string): void;
  /** Names the job's steps, in order (progress `total` becomes their count). */
  setSteps(steps: readonly string[]): Promise<void>;
  /**
   * Starts a named step: written at once (with the log so far), `done` = the steps before it.
   * Throws JobCancelled when a cancel was requested: the one place between steps a job stops.
   */
  step(name: string): Promise<void>;
  /** Throws JobCancelled when a cancel was requested (read from the last write or poll). */
  checkCancelled(): void;
}

export interface JobQueue {
  /** For logs. */
  name: string;
  /** Only jobs of these kinds (a test or bench running one kind); every job when absent. */
  kinds?: readonly string[];
  /**
   * Runs one claimed job to the end. Returning without `finish` marks it done; throwing fails it
   * with the error's message (LeaseLost: nothing is written, the new owner carries on).
   */
  run: (db: Db, job: RunningJob, opts: RunnerOptions) => Promise<void>;
}

/** Takes the queue's oldest queued job, or a running one whose lease has passed. Null when there is none. */
export async function claimJob(db: Db, queue: Pick<JobQueue, "kinds">, leaseMs: number = RUNNER_DEFAULTS.leaseMs): Promise<Claim | null> {
  const ofKind = queue.kinds ? Prisma.sql`AND "kind" = ANY(${[...queue.kinds]}::text[])` : Prisma.empty;
  // Every few seconds on every instance, mostly finding nothing: one statement on the pool (see fast-read.ts).
  const rows = await readRows<Claim[]>(
    db,
    Prisma.sql`
    UPDATE "Job"
       SET "status" = 'running',
           "leaseUntil" = now() + ${leaseMs}::int * interval '1 millisecond',
           "startedAt" = COALESCE("startedAt", now()),
           "done" = 0
     WHERE "id" = (
       SELECT "id" FROM "Job"
        WHERE ("status" = 'queued' OR ("status" = 'running' AND "leaseUntil" < now())) ${ofKind}
        ORDER BY "createdAt"
        LIMIT 1
        FOR UPDATE SKIP LOCKED)
    RETURNING "id", "leaseUntil"`,
  );
  return rows[0] ?? null;
}

interface Renewed extends Claim {
  cancel: boolean;
}

/** What a write may add: the current step and steps, and the buffered lines. */
interface StepState {
  step?: string | null;
  steps?: readonly string[];
  log?: string;
}

/** Progress and a new lease, only while the claim is still ours; answers whether a cancel was requested. */
async function renew(db: Db, claim: Claim, leaseMs: number, done: number, total: number | null, result: unknown, extra: StepState = {}): Promise<Renewed> {
  const setResult = result !== undefined ? Prisma.sql`, "result" = ${JSON.stringify(result)}::jsonb` : Prisma.empty;
  const setStep = extra.step !== undefined ? Prisma.sql`, "step" = ${extra.step}` : Prisma.empty;
  const setSteps = extra.steps ? Prisma.sql`, "steps" = ${[...extra.steps]}::text[]` : Prisma.empty;
  const setLog = extra.log ? Prisma.sql`, "log" = right("log" || ${extra.log}, ${LOG_CAP}::int)` : Prisma.empty;
  const rows = await db.$queryRaw<Renewed[]>`
    UPDATE "Job"
       SET "done" = ${done}::int, "total" = ${total}::int,
           "leaseUntil" = now() + ${leaseMs}::int * interval '1 millisecond'${setResult}${setStep}${setSteps}${setLog}
     WHERE "id" = ${claim.id}::uuid AND "status" = 'running' AND "leaseUntil" = ${claim.leaseUntil}::timestamptz
    RETURNING "id", "leaseUntil", "cancelRequestedAt" IS NOT NULL AS "cancel"`;
  if (!rows[0]) throw new LeaseLost();
  return rows[0];
}

/** How a job ends: written only while the claim is still ours (the job, running, with this very lease). */
async function settle(db: Db, claim: Claim, data: JobDone & { status: "done" | "failed" | "cancelled"; error: string | null }): Promise<boolean> {
  const saved = await db.job.updateMany({
    where: { id: claim.id, status: "running", leaseUntil: claim.leaseUntil },
    data: { ...data, finishedAt: new Date(), leaseUntil: null },
  });
  return saved.count > 0;
}

/**
 * Runs one claimed job of the queue to the end: the queue's code with progress, lease renewal and
 * finish/fail done here, every write conditional on the claim.
 */
export async function runClaimedJob(db: Db, queue: JobQueue, first: Claim, opts: RunnerOptions = {}): Promise<void> {
  const { leaseMs, progressEveryMs } = { ...RUNNER_DEFAULTS, ...opts };
  let claim = first;
  let reported = Date.now();
  let finished = false;
  let lost = false;
  let done = 0;
  let total: number | null = null;
  let steps: readonly string[] = [];
  let pending: string[] = [];
  const abort = new AbortController();
  // Every write of this claim goes through one chain, so a poll and a step never race for the lease.
  let chain: Promise<unknown> = Promise.resolve();
  const write = (result: unknown, extra: StepState = {}) => {
    const next = chain.then(async () => {
      if (lost) throw new LeaseLost();
      const log = pending.length ? pending.join("") : undefined;
      pending = [];
      try {
        const r = await renew(db, claim, leaseMs, done, total, result, { ...extra, log });
        claim = { id: r.id, leaseUntil: r.leaseUntil };
        reported = Date.now();
        if (r.cancel && !abort.signal.aborted) abort.abort(new JobCancelled());
      } catch (e) {
        if (e instanceof LeaseLost) lost = true;
        throw e;
      }
    });
    chain = next.catch(() => undefined);
    return next;
  };
  // The job's end, in the same chain: a poll's renewal in flight would otherwise move the lease
  // under it and the end (conditional on the lease) would find the job no longer ours.
  const end = (data: Parameters<typeof settle>[2]) => {
    clearInterval(poll);
    const next = chain.then(async () => {
      if (lost) throw new LeaseLost();
      if (!(await settle(db, claim, data))) {
        lost = true;
        throw new LeaseLost();
      }
    });
    chain = next.catch(() => undefined);
    return next;
  };
  // While a step runs without reporting: flush the log and read a cancel request once per period.
  const poll = setInterval(
    () => {
      if (!lost && Date.now() - reported >= progressEveryMs) write(undefined).catch(() => undefined);
    },
    Math.max(50, Math.min(progressEveryMs, 1000)),
  );
  poll.unref?.();
  const checkCancelled = () => {
    if (abort.signal.aborted) throw new JobCancelled();
  };
  const job: RunningJob = {
    id: claim.id,
    signal: abort.signal,
    async progress(d, t, o = {}) {
      done = d;
      total = t;
      if (!o.force && Date.now() - reported < progressEveryMs) return;
      await write(o.result);
    },
    async finish(data) {
      if (pending.length) await write(undefined);
      await end({ ...data, status: "done", error: null });
      finished = true;
    },
    log(line) {
      const stamp = new Date().toISOString().slice(11, 19);
      pending.push(`${stamp} ${line.length > LOG_LINE_CAP ? `${line.slice(0, LOG_LINE_CAP)}…` : line}\n`);
      // Never hold more in memory than the row keeps.
      if (pending.length > 2000) pending = pending.slice(-1000);
    },
    async setSteps(names) {
      steps = [...names];
      total = steps.length;
      await write(undefined, { steps });
    },
    async step(name) {
      checkCancelled();
      const i = steps.indexOf(name);
      if (i >= 0) done = i;
      job.log(`▶ ${name}`);
      await write(undefined, { step: name });
      checkCancelled();
    },
    checkCancelled,
  };
  try {
    await queue.run(db, job, { leaseMs, progressEveryMs });
    if (!finished) await job.finish({});
  } catch (e) {
    if (e instanceof LeaseLost) return; // another instance owns the job now
    const cancelled = e instanceof JobCancelled || abort.signal.aborted;
    const error = cancelled ? "Cancelled on request" : (e instanceof Error ? e.message : String(e)).slice(0, 1000);
    job.log(cancelled ? "■ cancelled" : `✖ ${error}`);
    await write(undefined).catch(() => undefined);
    if (lost) return;
    await end({ status: cancelled ? "cancelled" : "failed", error }).catch((err: unknown) => {
      if (!(err instanceof LeaseLost)) throw err;
    });
  } finally {
    clearInterval(poll);
  }
}

/** Claims and runs the queue's jobs until none is left; answers how many it ran. */
export async function drainQueue(db: Db, queue: JobQueue, opts: RunnerOptions = {}): Promise<number> {
  let n = 0;
  for (let claim = await claimJob(db, queue, opts.leaseMs); claim; claim = await claimJob(db, queue, opts.leaseMs)) {
    await runClaimedJob(db, queue, claim, opts);
    n++;
  }
  return n;
}

interface RunnerState {
  timer?: ReturnType<typeof setInterval>;
  running: boolean;
  again: boolean;
}
const g = globalThis as unknown as { __ucJobRunner?: RunnerState };

/** Runs the queue now (once at a time per process; a kick while running runs it again after). */
export function kickQueue(db: Db, queue: JobQueue) {
  const state = (g.__ucJobRunner ??= { running: false, again: false });
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  void (async () => {
    try {
      do {
        state.again = false;
        await drainQueue(db, queue);
      } while (state.again);
    } catch (e) {
      currentLog().error({ err: e }, "job runner failed");
    } finally {
      state.running = false;
    }
  })();
}

/**
 * Starts this process's runner (once; Next bundles routes separately, hence globalThis): polls
 * every few seconds for queued jobs and expired leases.
 */
export function startQueue(db: Db, queue: JobQueue, pollMs = 3000) {
  const state = (g.__ucJobRunner ??= { running: false, again: false });
  if (!state.timer) {
    state.timer = setInterval(() => kickQueue(db, queue), pollMs);
    state.timer.unref?.();
  }
  kickQueue(db, queue);
}

/**
 * Who a job acts as: its creator as they are now (roles and permissions read again), in the job's
 * tenant. A creator deleted, disabled or gone since the job was queued has no rights left: the job fails.
 */
export async function jobActor(db: Db, actorId: string, tenantId: string | null): Promise<SystemActor> {
  const user = await db.user.findUnique({
    where: { id: actorId },
    select: {
      id: true,
      tenantId: true,
      isOperator: true,
      status: true,
      deletedAt: true,
      roles: { select: { role: { select: { name: true, permissions: true } } } },
    },
  });
  if (!user) throw new Error("The job's creator no longer exists");
  if (user.status !== "active" || user.deletedAt) throw new Error("The job's creator is no longer active (disabled or deleted)");
  return {
    userId: user.id,
    tenantId: tenantId ?? user.tenantId,
    isOperator: user.isOperator,
    roles: user.roles.map((r) => r.role.name),
    permissions: user.isOperator ? ["uc.all"] : [...new Set(user.roles.flatMap((r) => r.role.permissions))],
  };
}
