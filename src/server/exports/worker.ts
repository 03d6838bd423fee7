/**
 * Exports as a kind of job ("export"): rows of the Job table like every other long job, run by
 * the one job runner (src/server/jobs/runner.ts: claims with FOR UPDATE SKIP LOCKED, leases,
 * progress, cancel, finish or fail). The job's input is { resource, format, locale, filter }, its
 * result { fileName, fileKey, size }; this module is what running one export means: page through
 * the list, write the file, record its key.
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { z } from "zod";
import type { Db } from "~/server/db";
import { claimJob, drainQueue, jobActor, runClaimedJob, RUNNER_DEFAULTS, type Claim, type RunnerOptions, type RunningJob } from "~/server/jobs/runner";
import { jobQueue, type JobKind, type JobRow } from "~/server/jobs/job";
import type { Locale } from "~/lib/errors";
import { EXPORT_FORMATS } from "~/lib/validators/export";
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

/** The Job table's `kind` of an export. */
export const EXPORT_KIND = "export";

/** An export job's input: the list, the file's format and language, the list's filter (as its exporter parsed it). */
export const exportJobInput = z.object({
  resource: z.string().min(1).max(32),
  format: z.enum(EXPORT_FORMATS),
  locale: z.string().max(16),
  filter: z.record(z.string(), z.unknown()),
});
export type ExportJobInput = z.infer<typeof exportJobInput>;

/** An export job's result once its file is written. */
export const exportJobResult = z.object({ fileName: z.string().optional(), fileKey: z.string().optional(), size: z.number().int().optional() });
export type ExportJobResult = z.infer<typeof exportJobResult>;

/**
 * Runs one claimed export to the end: pages through the list by its cursor (keyset where the list
 * has one), writes each batch to the export file as it is read (waiting for the file when it
 * lags), and stores only the file's key and size on the job. A failure or a lost lease removes
 * the partial file.
 */
async function runExport(db: Db, run: RunningJob, row: JobRow, input: ExportJobInput, opts: WorkerOptions): Promise<void> {
  const batchSize = opts.batchSize ?? DEFAULTS.batchSize;
  const job = { ...row, ...input };
  let file: ExportFileWriter | null = null;
  let written: string | null = null; // a complete file not yet recorded on the job
  try {
    const exporter = exporterFor(job.resource);
    if (!exporter) throw new Error(`No exporter for ${job.resource}`);
    // A creator disabled or deleted since the job was queued has no rights left to read the list with: no file is written.
    const who: ExportWho = await jobActor(db, job.actorId, job.tenantId);
    const raw = { ...job.filter };
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
      // job.cancel: the progress write (or the runner's poll) read the request; stop between batches.
      run.checkCancelled();
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
    await run.finish({ result: { fileName, fileKey: key, size } satisfies ExportJobResult, done, total: done });
    written = null;
  } catch (e) {
    await file?.abort();
    if (written) await removeExportFile(written).catch(() => undefined);
    throw e; // the runner fails (or cancels) the job, or, for a lost lease, leaves it to its new owner
  }
}

/**
 * The export kind; `opts` are the worker's (batch size, heap budget, onBatch). Only the creator
 * (or an operator) reads or cancels an export through job.get / job.cancel, like the download.
 */
export const exportJobKind = (opts: WorkerOptions = {}): JobKind<ExportJobInput> => ({
  input: exportJobInput,
  run: (db, job, row, input, runner) => runExport(db, job, row, input, { ...opts, ...runner }),
});

/** The runner's queue of export jobs only (tests and the bench run exports by themselves with it). */
const exportQueue = (opts: WorkerOptions = {}) => jobQueue({ [EXPORT_KIND]: exportJobKind(opts) as unknown as JobKind<never> }, [EXPORT_KIND]);

/** Takes the oldest queued export, or a running one whose lease has passed. Null when there is none. */
export const claimExportJob = (db: Db, leaseMs: number = RUNNER_DEFAULTS.leaseMs): Promise<Claim | null> => claimJob(db, { kinds: [EXPORT_KIND] }, leaseMs);

/** Runs one claimed export (through the runner: progress, lease, finish or fail). */
export const runExportJob = (db: Db, claim: Claim, opts: WorkerOptions = {}): Promise<void> => runClaimedJob(db, exportQueue(opts), claim, opts);

/** Claims and runs exports until none is left; answers how many it ran. */
export const drainExportJobs = (db: Db, opts: WorkerOptions = {}): Promise<number> => drainQueue(db, exportQueue(opts), opts);
