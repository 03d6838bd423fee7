/**
 * The export queue. Jobs live in ExportJob and are run by the one job runner
 * (src/server/jobs/runner.ts: claims with FOR UPDATE SKIP LOCKED, leases, progress, finish or
 * fail); this module is what running one export means: page through the list, write the file,
 * record its key.
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Db } from "~/server/db";
import {
  claimJob,
  drainQueue,
  jobActor,
  runClaimedJob,
  RUNNER_DEFAULTS,
  type Claim,
  type JobQueue,
  type RunnerOptions,
  type Settled,
  type RunningJob,
} from "~/server/jobs/runner";
import type { Locale } from "~/lib/errors";
import { exporterFor, PAGING_KEYS } from "~/server/exports/registry";
import { csvWriter, xlsxWriter, type SheetWriter } from "~/server/exports/files";
import { sheetTranslator } from "~/server/exports/i18n";
import { exportKey, openExportFile, removeExportFile, type ExportFileWriter } from "~/server/exports/store";
import type { ExportWho, Page } from "~/server/exports/types";

export interface WorkerOptions extends RunnerOptions {
  /** Rows per page read from the list. */
  batchSize?: number;
  /** Called after each batch is written (tests watch progress with it). */
  onBatch?: (jobId: string, done: number) => Promise<void> | void;
  /** A full garbage collection once the JS heap has grown this many MB during the job (0: leave it to V8). */
  heapBudgetMb?: number;
}

const DEFAULTS = { batchSize: 1000, heapBudgetMb: 32 };

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

const stamp = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, "");

type ExportDone = { fileKey: string; size: bigint; fileName: string };

/**
 * Runs one claimed export to the end: pages through the list by its cursor (keyset where the list
 * has one), writes each batch to the export file as it is read (waiting for the file when it
 * lags), and stores only the file's key and size on the job. A failure or a lost lease removes
 * the partial file.
 */
async function runExport(db: Db, run: RunningJob<ExportDone>, opts: WorkerOptions): Promise<void> {
  const batchSize = opts.batchSize ?? DEFAULTS.batchSize;
  const job = await db.exportJob.findUniqueOrThrow({
    where: { id: run.id },
    select: { id: true, tenantId: true, actorId: true, resource: true, format: true, locale: true, filter: true, createdAt: true },
  });
  let file: ExportFileWriter | null = null;
  let written: string | null = null; // a complete file not yet recorded on the job
  try {
    const exporter = exporterFor(job.resource);
    if (!exporter) throw new Error(`No exporter for ${job.resource}`);
    // A creator disabled or deleted since the job was queued has no rights left to read the list with: no file is written.
    const who: ExportWho = await jobActor(db, job.actorId, job.tenantId);
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
      await run.progress(done, Math.max(total, done), { force: !cursor });
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
    await run.finish({ fileKey: key, size: BigInt(size), fileName, done, total: done });
    written = null;
  } catch (e) {
    await file?.abort();
    if (written) await removeExportFile(written).catch(() => undefined);
    throw e; // the runner fails the job (or, for a lost lease, leaves it to its new owner)
  }
}

/** ExportJob as a queue of the job runner; `opts` are the worker's (batch size, heap budget, onBatch). */
export const exportQueue = (opts: WorkerOptions = {}): JobQueue<ExportDone> => ({
  name: "export",
  table: "ExportJob",
  // The runner cancels only tables with a log (Job): an export ends done or failed.
  settle: (db, where, data) => db.exportJob.updateMany({ where, data: data as ExportDone & Settled & { status: "done" | "failed" } }),
  run: (db, job, runner) => runExport(db, job, { ...opts, ...runner }),
});

/** Takes the oldest queued export, or a running one whose lease has passed. Null when there is none. */
export const claimExportJob = (db: Db, leaseMs: number = RUNNER_DEFAULTS.leaseMs): Promise<Claim | null> => claimJob(db, { table: "ExportJob" }, leaseMs);

/** Runs one claimed export (through the runner: progress, lease, finish or fail). */
export const runExportJob = (db: Db, claim: Claim, opts: WorkerOptions = {}): Promise<void> => runClaimedJob(db, exportQueue(opts), claim, opts);

/** Claims and runs exports until none is left; answers how many it ran. */
export const drainExportJobs = (db: Db, opts: WorkerOptions = {}): Promise<number> => drainQueue(db, exportQueue(opts), opts);
