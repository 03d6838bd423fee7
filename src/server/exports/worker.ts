/**
 * The export worker. Jobs live in ExportJob; any app instance may run them. A worker claims
 * one job at a time with `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED)` and holds it
 * by a lease (leaseUntil) it renews after every batch. The lease value doubles as the claim's
 * token: every write is conditional on it, so a worker that stalled past its lease and was
 * overtaken stops instead of overwriting the new owner's work. A crashed instance's job is
 * taken again once its lease has passed. Works the same on PGlite (one connection).
 */
import type { Db } from "~/server/db";
import type { Locale } from "~/lib/errors";
import { exporterFor, PAGING_KEYS } from "~/server/exports/registry";
import { csvWriter, xlsxWriter, type SheetWriter } from "~/server/exports/files";
import type { ExportWho } from "~/server/exports/types";

export interface WorkerOptions {
  /** Rows per page read from the list (and per progress update). */
  batchSize?: number;
  /** How long a claim lasts without renewal. */
  leaseMs?: number;
  /** Called after each batch is written (tests watch progress with it). */
  onBatch?: (jobId: string, done: number) => Promise<void> | void;
}

const DEFAULTS = { batchSize: 500, leaseMs: 60_000 };

interface Claim {
  id: string;
  leaseUntil: Date;
}

/** Takes the oldest queued job, or a running one whose lease has passed. Null when there is none. */
export async function claimExportJob(db: Db, leaseMs = DEFAULTS.leaseMs): Promise<Claim | null> {
  const rows = await db.$queryRaw<Claim[]>`
    UPDATE "ExportJob"
       SET "status" = 'running'::"ExportStatus",
           "leaseUntil" = now() + ${leaseMs}::int * interval '1 millisecond',
           "startedAt" = COALESCE("startedAt", now()),
           "done" = 0
     WHERE "id" = (
       SELECT "id" FROM "ExportJob"
        WHERE "status" = 'queued'::"ExportStatus"
           OR ("status" = 'running'::"ExportStatus" AND "leaseUntil" < now())
        ORDER BY "createdAt"
        LIMIT 1
        FOR UPDATE SKIP LOCKED)
    RETURNING "id", "leaseUntil"`;
  return rows[0] ?? null;
}

class LeaseLost extends Error {}

/** Progress and a new lease, only while the claim is still ours. */
async function renew(db: Db, claim: Claim, leaseMs: number, done: number, total: number | null): Promise<Claim> {
  const rows = await db.$queryRaw<Claim[]>`
    UPDATE "ExportJob"
       SET "done" = ${done}::int, "total" = ${total}::int,
           "leaseUntil" = now() + ${leaseMs}::int * interval '1 millisecond'
     WHERE "id" = ${claim.id}::uuid AND "status" = 'running'::"ExportStatus" AND "leaseUntil" = ${claim.leaseUntil}::timestamptz
    RETURNING "id", "leaseUntil"`;
  if (!rows[0]) throw new LeaseLost();
  return rows[0];
}

const stamp = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, "");

/** Runs one claimed job to the end: pages through the list, writes the file, stores it. */
export async function runExportJob(db: Db, first: Claim, opts: WorkerOptions = {}): Promise<void> {
  const { batchSize, leaseMs } = { ...DEFAULTS, ...opts };
  let claim = first;
  const job = await db.exportJob.findUniqueOrThrow({ where: { id: claim.id } });
  try {
    const exporter = exporterFor(job.resource);
    if (!exporter) throw new Error(`No exporter for ${job.resource}`);
    const user = await db.user.findUnique({
      where: { id: job.actorId },
      select: { id: true, tenantId: true, isOperator: true, roles: { select: { role: { select: { name: true, permissions: true } } } } },
    });
    if (!user) throw new Error("The job's creator no longer exists");
    const who: ExportWho = {
      userId: user.id,
      tenantId: job.tenantId ?? user.tenantId,
      isOperator: user.isOperator,
      roles: user.roles.map((r) => r.role.name),
      permissions: user.isOperator ? ["uc.all"] : [...new Set(user.roles.flatMap((r) => r.role.permissions))],
    };
    const raw = { ...(job.filter as Record<string, unknown>) };
    for (const k of PAGING_KEYS) delete raw[k];
    const filter = exporter.filter.parse(raw);
    const locale = (job.locale === "en" ? "en" : "zh-CN") satisfies Locale;
    const columns = exporter.columns(locale);
    const title = exporter.title(locale);
    const writer: SheetWriter =
      job.format === "xlsx" ? xlsxWriter(title, columns) : csvWriter(columns.map((c) => c.header));

    let cursor: string | null = null;
    let done = 0;
    let total: number | null = null;
    do {
      const page = await exporter.page(db, who, filter, cursor, batchSize);
      total ??= page.total;
      await writer.addRows(page.items.map((row) => columns.map((c) => c.value(row))));
      done += page.items.length;
      cursor = page.next;
      claim = await renew(db, claim, leaseMs, done, Math.max(total, done));
      await opts.onBatch?.(job.id, done);
    } while (cursor);

    const content = await writer.finish();
    const fileName = `${title}-${stamp(job.createdAt)}.${job.format}`;
    const saved = await db.exportJob.updateMany({
      where: { id: job.id, status: "running", leaseUntil: claim.leaseUntil },
      data: { status: "done", content: new Uint8Array(content), fileName, done, total: done, finishedAt: new Date(), leaseUntil: null, error: null },
    });
    if (!saved.count) throw new LeaseLost();
  } catch (e) {
    if (e instanceof LeaseLost) return; // another instance owns the job now
    await db.exportJob.updateMany({
      where: { id: job.id, status: "running", leaseUntil: claim.leaseUntil },
      data: { status: "failed", error: (e instanceof Error ? e.message : String(e)).slice(0, 1000), finishedAt: new Date(), leaseUntil: null },
    });
  }
}

/** Claims and runs jobs until none is left; answers how many it ran. */
export async function drainExportJobs(db: Db, opts: WorkerOptions = {}): Promise<number> {
  let n = 0;
  for (let claim = await claimExportJob(db, opts.leaseMs); claim; claim = await claimExportJob(db, opts.leaseMs)) {
    await runExportJob(db, claim, opts);
    n++;
  }
  return n;
}

interface WorkerState {
  timer?: ReturnType<typeof setInterval>;
  running: boolean;
  again: boolean;
}
const g = globalThis as unknown as { __ucExportWorker?: WorkerState };

/**
 * Starts this process's worker (once; Next bundles routes separately, hence globalThis): polls
 * every few seconds for queued jobs and expired leases. `kickExportWorker` runs it right away.
 */
export function startExportWorker(db: Db, pollMs = 3000) {
  const state = (g.__ucExportWorker ??= { running: false, again: false });
  if (!state.timer) {
    state.timer = setInterval(() => kickExportWorker(db), pollMs);
    state.timer.unref?.();
  }
  kickExportWorker(db);
}

export function kickExportWorker(db: Db) {
  const state = (g.__ucExportWorker ??= { running: false, again: false });
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  void (async () => {
    try {
      do {
        state.again = false;
        await drainExportJobs(db);
      } while (state.again);
    } catch (e) {
      console.error("export worker:", e);
    } finally {
      state.running = false;
    }
  })();
}
