/**
 * Housekeeping: one job sweeps what has outlived its use — one-time codes, used nonces, throttle
 * counters, upload intents, outbox messages, unconfirmed API subscribers, ended login sessions, the OpenID Providers' expired
 * rows, export files and code generation previews' folders — so that no table or folder grows without end; last it adds the dashboard's
 * pending ActivityDelta rows into ActivityCount. Every instance schedules it (at start, then every 10 minutes), and a
 * PostgreSQL advisory lock held by a transaction lets one instance sweep at a time: the others
 * answer "skipped". The lock goes with the transaction, so an error or a crash releases it.
 * Rows go in bounded batches (`DELETE … WHERE id IN (SELECT … LIMIT n)`), each its own
 * statement and commit, so no sweep holds many row locks or one long transaction's worth of
 * WAL; a backlog beyond `maxBatches` is left for the next run.
 *
 * On PGlite (one connection, one process) the lock is taken all the same, and the batches run
 * on the lock's own transaction: another connection would wait for it forever.
 */
import { currentLog } from "~/server/log";
import { env } from "~/env";
import { Prisma } from "~/generated/prisma/client";
import type { Db } from "~/server/db";
import type { DbKind } from "~/server/db-client";
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { exportsRoot, removeExportFile } from "~/server/exports/store";
import { previewTtlMs, removeExpiredPreviews } from "~/server/codegen/previews";

const DAY = 86_400_000;

/**
 * How long each kind of row is kept past the point where it stops mattering. Export, outbox and
 * session retention come from UC_EXPORT_RETENTION_DAYS, UC_OUTBOX_RETENTION_DAYS and
 * UC_SESSION_RETENTION_DAYS (see src/env.js).
 */
export interface Retention {
  /** Finished (done or failed) export jobs and their files, and other finished jobs, counted from finishedAt. */
  exportMs: number;
  /** Outbox messages, counted from createdAt. */
  outboxMs: number;
  /** Ended, offline, expired or recycle-bin sessions, counted from when they stopped. */
  sessionMs: number;
  /**
   * Codes are counted for the per-hour and per-day sending limits (services/codes.ts), so an
   * expired code stays until it is older than the longest of those windows.
   */
  codeCountWindowMs: number;
  /** Throttle rows: the account counter starts over after 12 h without a failure (security/throttle.ts). */
  throttleIdleMs: number;
  /** Code generation previews' folders (UC_CODEGEN_PREVIEW_TTL_HOURS), counted from the run's end; folders without a run, from their mtime. */
  codegenPreviewMs: number;
}

/** env.js validates these; with SKIP_ENV_VALIDATION (tests, scripts) they may arrive raw or unset. */
const days = (v: unknown, fallback: number) => {
  const n = Number(v ?? fallback);
  return (Number.isFinite(n) && n > 0 ? n : fallback) * DAY;
};

export const retentionFromEnv = (): Retention => ({
  exportMs: days(env.UC_EXPORT_RETENTION_DAYS, 7),
  outboxMs: days(env.UC_OUTBOX_RETENTION_DAYS, 30),
  sessionMs: days(env.UC_SESSION_RETENTION_DAYS, 90),
  codeCountWindowMs: DAY,
  throttleIdleMs: 12 * 3_600_000,
  codegenPreviewMs: previewTtlMs(),
});

export const HOUSEKEEPING_KINDS = [
  "codes",
  "nonces",
  "throttle",
  "uploadIntents",
  "outbox",
  "sessions",
  "signInFailures",
  "subscribers",
  "oidc",
  "exports",
  "jobs",
  "codegenPreviews",
  "activityDeltas",
] as const;
export type HousekeepingKind = (typeof HOUSEKEEPING_KINDS)[number];
export type HousekeepingCounts = Record<HousekeepingKind, number>;

export type HousekeepingResult = { status: "done"; counts: HousekeepingCounts; ms: number } | { status: "skipped" };

export interface HousekeepingOptions {
  kind?: DbKind;
  now?: Date;
  /** Rows per DELETE. */
  batchSize?: number;
  /** At most this many batches per kind and run. */
  maxBatches?: number;
  retention?: Partial<Retention>;
  /** Tests: runs while the lock is held, before sweeping. */
  beforeSweep?: () => Promise<void>;
}

/** One number for the advisory lock, the same on every instance ("uc:housekeeping"). */
const LOCK_KEY = 0x75_63_68_6b; // "uchk"

type Exec = Pick<Db, "$executeRaw" | "$queryRaw">;

/** Repeats a bounded DELETE until it deletes less than a full batch. */
async function batched(maxBatches: number, batchSize: number, step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await step();
    total += n;
    if (n < batchSize) break;
  }
  return total;
}

async function sweep(q: Exec, now: Date, r: Retention, batchSize: number, maxBatches: number): Promise<HousekeepingCounts> {
  const at = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const nowIso = now.toISOString();
  const run = (step: () => Promise<number>) => batched(maxBatches, batchSize, step);
  const counts = {} as HousekeepingCounts;

  counts.codes = await run(
    () => q.$executeRaw`
    DELETE FROM "VerificationCode" WHERE "id" IN (
      SELECT "id" FROM "VerificationCode"
       WHERE "expiresAt" < ${nowIso}::timestamptz AND "createdAt" < ${at(r.codeCountWindowMs)}::timestamptz
       LIMIT ${batchSize})`,
  );

  counts.nonces = await run(
    () => q.$executeRaw`
    DELETE FROM "UsedNonce" WHERE "id" IN (SELECT "id" FROM "UsedNonce" WHERE "expiresAt" < ${nowIso}::timestamptz LIMIT ${batchSize})`,
  );

  // A counter matters while its window or lock runs: gone quiet for longer than the account
  // counter's reset (12 h, which also covers the IP rows' 10-minute window) and not locked.
  counts.throttle = await run(
    () => q.$executeRaw`
    DELETE FROM "AuthThrottle" WHERE "key" IN (
      SELECT "key" FROM "AuthThrottle"
       WHERE ("lockedUntil" IS NULL OR "lockedUntil" < ${nowIso}::timestamptz)
         AND GREATEST("windowStart", "updatedAt", COALESCE("lastFailureAt", "windowStart")) < ${at(r.throttleIdleMs)}::timestamptz
       LIMIT ${batchSize})`,
  );

  counts.uploadIntents = await run(
    () => q.$executeRaw`
    DELETE FROM "UploadIntent" WHERE "fileKey" IN (
      SELECT "fileKey" FROM "UploadIntent" WHERE "expiresAt" < ${nowIso}::timestamptz LIMIT ${batchSize})`,
  );

  counts.outbox = await run(
    () => q.$executeRaw`
    DELETE FROM "OutboxMessage" WHERE "id" IN (
      SELECT "id" FROM "OutboxMessage" WHERE "createdAt" < ${at(r.outboxMs)}::timestamptz LIMIT ${batchSize})`,
  );

  // Subscribers who never confirmed: their link expired 30 minutes after it was sent; a day later they go.
  counts.subscribers = await run(
    () => q.$executeRaw`
    DELETE FROM "ApiSubscriber" WHERE "id" IN (
      SELECT "id" FROM "ApiSubscriber"
       WHERE "confirmedAt" IS NULL AND COALESCE("confirmSentAt", "createdAt") < ${at(DAY)}::timestamptz
       LIMIT ${batchSize})`,
  );

  // Refused sign-ins feed the dashboard, whose longest range (90 days) the session retention covers too.
  counts.signInFailures = await run(
    () => q.$executeRaw`
    DELETE FROM "SignInFailure" WHERE "id" IN (
      SELECT "id" FROM "SignInFailure" WHERE "createdAt" < ${at(r.sessionMs)}::timestamptz LIMIT ${batchSize})`,
  );

  // Sessions: never one that can still be used. A session goes once it has been over for the
  // retention — ended or forced offline that long ago, or past its absolute expiry that long
  // ago — or has sat in the recycle bin that long (not an active one: restoring it would bring
  // it back). The recycle bin keeps what it shows for the whole retention.
  const cut = at(r.sessionMs);
  counts.sessions = await run(
    () => q.$executeRaw`
    DELETE FROM "LoginSession" WHERE "id" IN (
      SELECT "id" FROM "LoginSession"
       WHERE ("deletedAt" IS NULL OR "deletedAt" < ${cut}::timestamptz)
         AND (   "expiresAt" < ${cut}::timestamptz
              OR ("state" IN ('offline', 'ended') AND COALESCE("endedAt", "lastSeenAt") < ${cut}::timestamptz)
              OR ("deletedAt" IS NOT NULL AND "state" <> 'active'))
       LIMIT ${batchSize})`,
  );

  // A console "Try it" run that never came back (oidc/try.ts): the secret it made for itself
  // (expired with it, so it can no longer authenticate) goes before the run's record does.
  const trySecrets = await run(
    () => q.$executeRaw`
    DELETE FROM "ClientSecret" WHERE "id" IN (
      SELECT s."id" FROM "ClientSecret" s
        JOIN "OidcPayload" p ON p."model" = 'UcTryFlow' AND s."id"::text = p."payload"->>'secretId' AND s."clientId"::text = p."payload"->>'clientRowId'
       WHERE p."expiresAt" < ${nowIso}::timestamptz
       LIMIT ${batchSize})`,
  );

  // The OpenID Providers' rows (sessions, interactions, grants, codes, tokens) once they expired:
  // the provider never uses an expired one (adapter.ts reads none).
  counts.oidc =
    trySecrets +
    (await run(
      () => q.$executeRaw`
    DELETE FROM "OidcPayload" WHERE ("model", "id") IN (
      SELECT "model", "id" FROM "OidcPayload" WHERE "expiresAt" < ${nowIso}::timestamptz LIMIT ${batchSize})`,
    ));

  // Exports (Job rows of kind "export"): the file first, then the row (a row without its file
  // would answer "expired"; a file without its row would be lost to every later sweep).
  const ended = Prisma.sql`"status" IN ('done', 'failed', 'cancelled')`;
  counts.exports = await run(async () => {
    const rows = await q.$queryRaw<{ id: string; fileKey: string | null }[]>`
      SELECT "id"::text AS "id", "result"->>'fileKey' AS "fileKey" FROM "Job"
       WHERE "finishedAt" < ${at(r.exportMs)}::timestamptz AND "kind" = 'export' AND ${ended}
       ORDER BY "finishedAt" LIMIT ${batchSize}`;
    for (const row of rows) if (row.fileKey) await removeExportFile(row.fileKey);
    if (!rows.length) return 0;
    return q.$executeRaw`DELETE FROM "Job" WHERE "id" IN (${Prisma.join(rows.map((x) => Prisma.sql`${x.id}::uuid`))})`;
  });
  // Every other finished job (bulk actions, imports, releases, ...): its row only, after the same retention as exports.
  counts.jobs = await run(
    () => q.$executeRaw`
    DELETE FROM "Job" WHERE "id" IN (
      SELECT "id" FROM "Job" WHERE "finishedAt" < ${at(r.exportMs)}::timestamptz AND "kind" <> 'export' AND ${ended} LIMIT ${batchSize})`,
  );
  // A worker that died mid-file leaves its `.part` behind (a job it lost is redone under a new key).
  counts.exports += await removeStalePartFiles(new Date(now.getTime() - DAY), batchSize * maxBatches);

  // Preview folders past their retention, and folders whose run row is gone (its API was deleted).
  counts.codegenPreviews = await removeExpiredPreviews(q, now, r.codegenPreviewMs, batchSize * maxBatches);

  // Last, so that the deltas of this sweep's own deletions go in too.
  counts.activityDeltas = await foldActivityDeltas(q, batchSize * 10, maxBatches);
  return counts;
}

/**
 * Adds the dashboard's ActivityDelta rows into ActivityCount, oldest first, `batchSize` rows per
 * statement: each statement deletes its deltas and adds them to the counts at once, so a chart
 * (one statement over both tables) counts every delta exactly once. A count brought to zero goes.
 * Only this runs under the housekeeping lock updates ActivityCount, so nothing waits on its rows.
 */
export async function foldActivityDeltas(q: Exec, batchSize = 10_000, maxBatches = 100): Promise<number> {
  return batched(maxBatches, batchSize, async () => {
    const [row] = await q.$queryRaw<[{ moved: number; zeros: unknown }]>`
      WITH moved AS (
        DELETE FROM "ActivityDelta" WHERE "id" IN (SELECT "id" FROM "ActivityDelta" ORDER BY "id" LIMIT ${batchSize})
        RETURNING "tenantId", "metric", "bucket", "dimension", "count"
      ), added AS (
        INSERT INTO "ActivityCount" AS a ("tenantId", "metric", "bucket", "dimension", "count")
        SELECT "tenantId", "metric", "bucket", "dimension", sum("count")::int FROM moved GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT ("tenantId", "metric", "bucket", "dimension") DO UPDATE SET "count" = a."count" + EXCLUDED."count"
        RETURNING a."tenantId", a."metric", a."bucket", a."dimension", a."count"
      )
      SELECT (SELECT count(*)::int FROM moved) AS moved,
             (SELECT json_agg(json_build_object('t', "tenantId", 'm', "metric", 'b', "bucket", 'd', "dimension")) FROM added WHERE "count" = 0) AS zeros`;
    if (row?.zeros) {
      await q.$executeRaw`
        DELETE FROM "ActivityCount" a
         USING json_to_recordset(${JSON.stringify(row.zeros)}::json) AS z(t uuid, m text, b timestamptz, d text)
         WHERE a."tenantId" = z.t AND a."metric" = z.m AND a."bucket" = z.b AND a."dimension" = z.d AND a."count" = 0`;
    }
    return row?.moved ?? 0;
  });
}

/** `.part` files under DATA_DIR/exports last written before `before`; at most `max` per run. */
async function removeStalePartFiles(before: Date, max: number): Promise<number> {
  const root = exportsRoot();
  const dirs = await readdir(root, { withFileTypes: true }).catch(() => []);
  let n = 0;
  for (const dir of dirs) {
    if (!dir.isDirectory()) continue;
    for (const name of await readdir(path.join(root, dir.name)).catch(() => [])) {
      if (n >= max) return n;
      if (!name.endsWith(".part")) continue;
      const file = path.join(root, dir.name, name);
      const st = await stat(file).catch(() => null);
      if (st && st.mtime < before) {
        await rm(file, { force: true });
        n++;
      }
    }
  }
  return n;
}

/** Sweeps once if no other instance is sweeping; throws what a sweep threw (the lock is released). */
export async function runHousekeeping(db: Db, opts: HousekeepingOptions = {}): Promise<HousekeepingResult> {
  const retention = { ...retentionFromEnv(), ...opts.retention };
  const batchSize = opts.batchSize ?? 1000;
  const maxBatches = opts.maxBatches ?? 100;
  const t0 = Date.now();
  const result = await db.$transaction(
    async (tx): Promise<HousekeepingResult> => {
      const [lock] = await tx.$queryRaw<[{ locked: boolean }]>`SELECT pg_try_advisory_xact_lock(${LOCK_KEY}::bigint) AS "locked"`;
      if (!lock?.locked) return { status: "skipped" };
      await opts.beforeSweep?.();
      const counts = await sweep(opts.kind === "pglite" ? tx : db, opts.now ?? new Date(), retention, batchSize, maxBatches);
      return { status: "done", counts, ms: Date.now() - t0 };
    },
    // The transaction only holds the lock (the deletes commit on their own), so it may be long.
    { timeout: 30 * 60_000, maxWait: 30_000 },
  );
  logHousekeeping(result);
  return result;
}

/** The one place housekeeping writes to the log. */
export function logHousekeeping(event: HousekeepingResult | { status: "error"; error: string }): void {
  if (event.status === "error") currentLog().error({ event: "housekeeping", ...event }, "housekeeping");
  else currentLog().info({ event: "housekeeping", ...event }, "housekeeping");
}

interface SchedulerState {
  timer?: ReturnType<typeof setInterval>;
  running: boolean;
}
const g = globalThis as unknown as { __ucHousekeeping?: SchedulerState };

export const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;
const FIRST_SWEEP_AFTER_MS = 60_000;

/** Sweeps one to two minutes after start, then every `intervalMs` (once per process; a run still going is not doubled). */
export function startHousekeeping(db: Db, kind: DbKind, intervalMs = HOUSEKEEPING_INTERVAL_MS) {
  const state = (g.__ucHousekeeping ??= { running: false });
  const tick = () => {
    if (state.running) return;
    state.running = true;
    runHousekeeping(db, { kind })
      .catch((e: unknown) => logHousekeeping({ status: "error", error: e instanceof Error ? e.message : String(e) }))
      .finally(() => (state.running = false));
  };
  if (!state.timer) {
    state.timer = setInterval(tick, intervalMs);
    state.timer.unref?.();
    // The first sweep a minute after start, at a random second of it: instances restarted
    // together (a rolling deploy) do not all sweep at once, and none while it starts up.
    setTimeout(tick, FIRST_SWEEP_AFTER_MS + Math.floor(Math.random() * FIRST_SWEEP_AFTER_MS)).unref?.();
  }
}
