import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDb } from "~/test/db";
import type { PrismaClient } from "~/generated/prisma/client";
import { enqueueJob, jobQueue, type JobKind } from "~/server/jobs/job";
import { claimJob, drainQueue, LOG_CAP, runClaimedJob } from "~/server/jobs/runner";
import { runHousekeeping } from "~/server/jobs/housekeeping";

const t = {} as { db: PrismaClient; kind: "postgresql" | "pglite"; cleanup: () => Promise<void> };
afterAll(() => t.cleanup?.());
beforeAll(async () => {
  Object.assign(t, await createTestDb());
});

const actorId = "0193a000-0000-7000-8000-000000000001";
const seen: number[] = [];

/** A kind that counts to `n` in steps, reporting each step, or fails at `failAt`. */
const counter: JobKind<{ n: number; failAt?: number }> = {
  input: z.object({ n: z.number().int().min(1).max(100), failAt: z.number().int().optional() }),
  run: async (db, job, _row, input) => {
    for (let i = 1; i <= input.n; i++) {
      if (i === input.failAt) throw new Error(`failed at ${i}`);
      await job.progress(i, input.n, { result: { last: i }, force: true });
      seen.push((await db.job.findUniqueOrThrow({ where: { id: job.id } })).done);
    }
    await job.finish({ result: { counted: input.n }, done: input.n, total: input.n });
  },
};
/** A kind with named steps that logs, then waits in its second step until its signal fires (a cancel). */
const stepper: JobKind<{ lines: number }> = {
  input: z.object({ lines: z.number().int().min(0).max(10_000) }),
  run: async (_db, job, _row, input) => {
    await job.setSteps(["one", "two", "three"]);
    await job.step("one");
    for (let i = 0; i < input.lines; i++) job.log(`line ${i} ${"x".repeat(200)}`);
    await job.step("two");
    await new Promise((resolve, reject) => {
      const t = setTimeout(resolve, 20_000);
      job.signal.addEventListener("abort", () => (clearTimeout(t), reject(job.signal.reason)));
    });
    await job.step("three");
  },
};
const queue = jobQueue({ counter: counter as unknown as JobKind<never>, stepper: stepper as unknown as JobKind<never> });

describe("the job runner on the Job table (every kind, exports too)", () => {
  it("runs a queued job with progress to done, its result kept; a failing one is failed with the message", async () => {
    const ok = await enqueueJob(t.db, "counter", counter, { tenantId: null, actorId, input: { n: 3 } });
    const bad = await enqueueJob(t.db, "counter", counter, { tenantId: null, actorId, input: { n: 3, failAt: 2 } });
    seen.length = 0;
    expect(await drainQueue(t.db, queue)).toBe(2);
    expect(seen).toEqual([1, 2, 3, 1]);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: ok.id } })).toMatchObject({
      status: "done",
      done: 3,
      total: 3,
      result: { counted: 3 },
      leaseUntil: null,
      error: null,
    });
    const failed = await t.db.job.findUniqueOrThrow({ where: { id: bad.id } });
    expect(failed).toMatchObject({ status: "failed", error: "failed at 2", done: 1, result: { last: 1 }, leaseUntil: null });
    expect(failed.finishedAt).toBeInstanceOf(Date);
  });

  it("refuses input its kind does not accept when queued, and a kind it does not know when run", async () => {
    await expect(enqueueJob(t.db, "counter", counter, { tenantId: null, actorId, input: { n: 1000 } })).rejects.toThrow();
    const stray = await t.db.job.create({ data: { kind: "nope", actorId, input: {} } });
    await drainQueue(t.db, queue);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: stray.id } })).toMatchObject({ status: "failed", error: "No job kind nope" });
  });

  it("a runner whose lease was taken over writes nothing more", async () => {
    const job = await enqueueJob(t.db, "counter", counter, { tenantId: null, actorId, input: { n: 2 } });
    const first = await claimJob(t.db, queue);
    expect(first?.id).toBe(job.id);
    expect(await claimJob(t.db, queue)).toBeNull(); // leased
    await t.db.job.update({ where: { id: job.id }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    const second = await claimJob(t.db, queue);
    expect(second?.id).toBe(job.id);
    await runClaimedJob(t.db, queue, second!);
    // The first claim wakes up late: its progress is refused and the finished job stays as it is.
    await runClaimedJob(t.db, queue, first!);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "done", done: 2, error: null });
  });

  it("a long job names its steps, keeps a capped live log, and ends cancelled (not failed) when asked to stop mid-step", async () => {
    const job = await enqueueJob(t.db, "stepper", stepper, { tenantId: null, actorId, input: { lines: 2000 } });
    const running = drainQueue(t.db, queue, { progressEveryMs: 50 });
    for (let i = 0; i < 200; i++) {
      const row = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
      if (row.step === "two") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const mid = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(mid).toMatchObject({ status: "running", step: "two", steps: ["one", "two", "three"], done: 1, total: 3 });
    await t.db.job.update({ where: { id: job.id }, data: { cancelRequestedAt: new Date() } });
    await running;
    const end = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(end).toMatchObject({ status: "cancelled", step: "two", error: "Cancelled on request", leaseUntil: null });
    expect(end.log.length).toBeLessThanOrEqual(LOG_CAP);
    expect(end.log.length).toBeGreaterThan(LOG_CAP - 1000);
    expect(end.log).toContain("▶ two");
    expect(end.log.trimEnd().endsWith("■ cancelled")).toBe(true);
    expect(end.log).not.toContain("▶ three");
  });

  it("a job that ends while the runner's poll is renewing its lease still ends done (the end waits for the renewal)", async () => {
    // Each job finishes around the moment the poll (every 50 ms with progressEveryMs 0) renews its lease.
    const napper: JobKind<{ ms: number }> = {
      input: z.object({ ms: z.number().int() }),
      run: async (_db, job, _row, input) => {
        await new Promise((r) => setTimeout(r, input.ms));
        await job.finish({ result: { slept: input.ms }, done: 1, total: 1 });
      },
    };
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await enqueueJob(t.db, "napper", napper, { tenantId: null, actorId, input: { ms: 45 + (i % 11) } })).id);
    const nappers = jobQueue({ napper: napper as unknown as JobKind<never> }, ["napper"]);
    expect(await drainQueue(t.db, nappers, { progressEveryMs: 0 })).toBe(30);
    const rows = await t.db.job.findMany({ where: { id: { in: ids } }, select: { status: true, leaseUntil: true } });
    expect(rows.filter((r) => r.status !== "done" || r.leaseUntil !== null)).toEqual([]);
    await t.db.job.deleteMany({ where: { id: { in: ids } } });
  });

  it("a queue of some kinds claims only their jobs, oldest first, and leaves the others queued", async () => {
    const other = await enqueueJob(t.db, "stepper", stepper, { tenantId: null, actorId, input: { lines: 0 } });
    const mine = await enqueueJob(t.db, "counter", counter, { tenantId: null, actorId, input: { n: 1 } });
    const counters = jobQueue({ counter: counter as unknown as JobKind<never> }, ["counter"]);
    expect(await drainQueue(t.db, counters)).toBe(1);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ status: "done" });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ status: "queued", startedAt: null });
    await t.db.job.delete({ where: { id: other.id } });
  });

  it("housekeeping removes finished jobs (done, failed, cancelled; exports with their files) past the retention, and never a queued or running one", async () => {
    const DAY = 86_400_000;
    const old = new Date(Date.now() - 10 * DAY);
    const gone = await t.db.job.create({ data: { kind: "counter", actorId, input: {}, status: "done", finishedAt: old } });
    const failed = await t.db.job.create({ data: { kind: "counter", actorId, input: {}, status: "failed", finishedAt: old } });
    const cancelled = await t.db.job.create({ data: { kind: "counter", actorId, input: {}, status: "cancelled", finishedAt: old } });
    const recent = await t.db.job.create({ data: { kind: "counter", actorId, input: {}, status: "done", finishedAt: new Date() } });
    const queued = await t.db.job.create({ data: { kind: "counter", actorId, input: {}, createdAt: old } });
    // An export that failed before it wrote a file (no fileKey): its row goes as an export's.
    const oldExport = await t.db.job.create({ data: { kind: "export", actorId, input: {}, status: "failed", finishedAt: old } });
    const queuedExport = await t.db.job.create({ data: { kind: "export", actorId, input: {}, createdAt: old } });
    const result = await runHousekeeping(t.db, { kind: t.kind, retention: { exportMs: 7 * DAY } }); // on PGlite the sweep runs in its lock's transaction
    expect(result).toMatchObject({ status: "done", counts: { jobs: 3, exports: 1 } });
    const ids = [gone, failed, cancelled, recent, queued, oldExport, queuedExport].map((j) => j.id);
    const left = (await t.db.job.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id);
    expect(left.sort()).toEqual([recent.id, queued.id, queuedExport.id].sort());
  });
});
