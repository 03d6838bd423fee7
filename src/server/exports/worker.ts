/**
 * The export worker. Jobs live in ExportJob; any app instance may run them. A worker claims
 * one job at a time with `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED)` and holds it
 * by a lease (leaseUntil) it renews after every batch. The lease value doubles as the claim's
 * token: every write is conditional on it, so a worker that stalled past its lease and was
 * overtaken stops instead of overwriting the new owner's work. A crashed instance's job is
 * taken again once its lease has passed. Works the same on PGlite (one connection).
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { currentLog } from "~/server/log";
import type { Db } from "~/server/db";
import type { Locale } from "~/lib/errors";
import { exporterFor, PAGING_KEYS } from "~/server/exports/registry";
import { csvWriter, xlsxWriter, type SheetWriter } from "~/server/exports/files";
import { sheetTranslator } from "~/server/exports/i18n";
import { exportKey, openExportFile, removeExportFile, type ExportFileWriter } from "~/server/exports/store";
import type { ExportWho, Page } from "~/server/exports/types";

export interface WorkerOptions {
  /** Rows per page read from the list. */
  batchSize?: number;
  /** At most one progress write (and lease renewal) per this many ms; the last batch always writes. */
  progressEveryMs?: number;
  /** How long a claim lasts without renewal. */
  leaseMs?: number;
  /** Called after each batch is written (tests watch progress with it). */
  onBatch?: (jobId: string, done: number) => Promise<void> | void;
  /** A full garbage collection once the JS heap has grown this many MB during the job (0: leave it to V8). */
  heapBudgetMb?: number;
}

const DEFAULTS = { batchSize: 1000, leaseMs: 60_000, progressEveryMs: 1000, heapBudgetMb: 32 };

let fullGc: (() => void) | null | undefined;
const GC_SHARE = 0.08;
/**
 * V8's own full collection, for the heap budget. Rows read while the next page is on its way
 * outlive a scavenge or two and are promoted; V8 then lets that garbage build up to a few times
 * the live heap (about 200 MB for the app) before it collects the old space, so an export of a
 * million users grew the process by ~250 MB. A full collection with the app's live set takes a
 * few tens of ms; the export asks for one per heap budget of growth, within GC_SHARE of its time
 * or one a second (for CSV, one per few tens of thousands of rows). `--expose-gc` set now only reaches a new context's global (the
 * process's `gc` stays undefined).
 */
function collector(): (() => void) | null {
  if (fullGc === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      const gc: unknown = runInNewContext("gc");
      fullGc = typeof gc === "function" ? (gc as () => void) : null;
    } catch {
      fullGc = null;
    }
  }
  return fullGc;
}

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

/**
 * Runs one claimed job to the end: pages through the list by its cursor (keyset where the list
 * has one), writes each batch to the export file as it is read (waiting for the file when it
 * lags), and stores only the file's key and size on the job. A failure or a lost lease removes
 * the partial file.
 */
export async function runExportJob(db: Db, first: Claim, opts: WorkerOptions = {}): Promise<void> {
  const { batchSize, leaseMs, progressEveryMs } = { ...DEFAULTS, ...opts };
  let claim = first;
  const job = await db.exportJob.findUniqueOrThrow({
    where: { id: claim.id },
    select: { id: true, tenantId: true, actorId: true, resource: true, format: true, locale: true, filter: true, createdAt: true },
  });
  let file: ExportFileWriter | null = null;
  let written: string | null = null; // a complete file not yet recorded on the job
  try {
    const exporter = exporterFor(job.resource);
    if (!exporter) throw new Error(`No exporter for ${job.resource}`);
    const user = await db.user.findUnique({
      where: { id: job.actorId },
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
    // A creator disabled or deleted since the job was queued has no rights left to read the list with: no file is written.
    if (user.status !== "active" || user.deletedAt) throw new Error("The job's creator is no longer active (disabled or deleted)");
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
    const t = await sheetTranslator(locale);
    const columns = exporter.columns(t, locale);
    const title = exporter.title(t);
    const format = job.format === "xlsx" ? "xlsx" : "csv";
    const key = exportKey(job.tenantId, job.id, format);
    file = await openExportFile(key);
    const writer: SheetWriter = format === "xlsx" ? await xlsxWriter(title, columns, file.stream) : csvWriter(columns, file.stream);

    const budget = opts.heapBudgetMb ?? DEFAULTS.heapBudgetMb;
    const gc = budget > 0 ? collector() : null;
    let heapMark = getHeapStatistics().used_heap_size;
    const started = performance.now();
    let gcMs = 0;
    let lastGc = started;
    let done = 0;
    let total: number | null = null;
    let reported = Date.now();
    // The next page is read while this one is completed and written (two pages in memory at
    // most): the database and the file work side by side.
    let pending: ReturnType<typeof exporter.page> | null = exporter.page(db, who, filter, null, batchSize);
    let cursor: string | null;
    do {
      const page: Page<unknown> = await pending!;
      cursor = page.next;
      pending = cursor ? exporter.page(db, who, filter, cursor, batchSize) : null;
      // A failure while this page is written leaves the read (and its rows) in flight: keep them from going unhandled.
      pending?.then((p) => Promise.resolve(p.items).catch(() => undefined)).catch(() => undefined);
      total ??= page.total;
      const items = await page.items;
      await writer.addRows(items);
      done += items.length;
      // Progress (and the lease) once a second or so, not per batch: a million rows stay a few dozen writes.
      if (!cursor || Date.now() - reported >= progressEveryMs) {
        claim = await renew(db, claim, leaseMs, done, Math.max(total, done));
        reported = Date.now();
      }
      await opts.onBatch?.(job.id, done);
      // Forced collections take at most GC_SHARE of the job's time, or one a second: a sheet that
      // makes garbage fast (XLSX) would otherwise spend its time collecting.
      const now = performance.now();
      if (gc && (gcMs < GC_SHARE * (now - started) || now - lastGc >= 1000) && getHeapStatistics().used_heap_size - heapMark > budget * 1048576) {
        gc();
        lastGc = performance.now();
        gcMs += lastGc - now;
        heapMark = getHeapStatistics().used_heap_size;
      }
    } while (cursor);

    await writer.finish();
    const size = await file.commit();
    file = null;
    written = key;
    const fileName = `${title}-${stamp(job.createdAt)}.${format}`;
    const saved = await db.exportJob.updateMany({
      where: { id: job.id, status: "running", leaseUntil: claim.leaseUntil },
      data: { status: "done", fileKey: key, size: BigInt(size), fileName, done, total: done, finishedAt: new Date(), leaseUntil: null, error: null },
    });
    if (!saved.count) throw new LeaseLost();
    written = null;
  } catch (e) {
    await file?.abort();
    if (written) await removeExportFile(written).catch(() => undefined);
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
      currentLog().error({ err: e }, "export worker failed");
    } finally {
      state.running = false;
    }
  })();
}
