/**
 * The process bench/export.ts measures: the real export worker on the bench database. It creates
 * one users export for the big tenant's administrator, says "ready" (the parent takes the RSS
 * baseline), runs the job when told to, and reports rows, time and the file's size.
 */
import { createPrismaClient } from "~/server/db-client";
import { claimExportJob, EXPORT_KIND, exportJobKind, exportJobResult, runExportJob } from "~/server/exports/worker";
import { enqueueJob } from "~/server/jobs/job";
import { sheetTranslator } from "~/server/exports/i18n";

const url = process.env.BENCH_URL!;
const format = process.env.BENCH_FORMAT === "xlsx" ? "xlsx" : "csv";
const tenantId = process.env.BENCH_TENANT!;
const { db, close } = createPrismaClient({ databaseUrl: url, dataDir: process.env.DATA_DIR ?? ".data/bench-export" });
const send = (m: unknown) => new Promise<void>((resolve) => process.send!(m, () => resolve()));

const admin = await db.user.findFirstOrThrow({ where: { tenantId, userName: "benchadmin" }, select: { id: true } });
// Warm up what every job loads (messages, exceljs, the connection pool) so the baseline holds it.
await sheetTranslator("zh-CN");
await import("exceljs");
await db.$queryRaw`SELECT 1`;
const job = await enqueueJob(db, EXPORT_KIND, exportJobKind(), {
  tenantId,
  actorId: admin.id,
  input: { resource: "users", format, locale: "zh-CN", filter: {} },
});
await send({ ready: true });
await new Promise<void>((resolve) => process.once("message", () => resolve()));

// BENCH_TRACE=1: time spent reading pages (the rest is writing the file and the job's rows).
let readMs = 0;
if (process.env.BENCH_TRACE) {
  const { usersExporter } = await import("~/server/exports/users");
  const page = usersExporter.page;
  usersExporter.page = async (...args) => {
    const s = performance.now();
    try {
      return await page(...args);
    } finally {
      readMs += performance.now() - s;
    }
  };
}
// Where the memory goes: the JS heap (live objects and garbage not yet collected) or outside it (buffers).
const heap = { used: 0, total: 0, external: 0 };
const heapTimer = setInterval(() => {
  const m = process.memoryUsage();
  heap.used = Math.max(heap.used, m.heapUsed);
  heap.total = Math.max(heap.total, m.heapTotal);
  heap.external = Math.max(heap.external, m.external + m.arrayBuffers);
}, 50);
const heapBefore = process.memoryUsage();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const claim = await claimExportJob(db);
if (claim?.id !== job.id) throw new Error("the bench job was not claimed");
await runExportJob(db, claim, {
  ...(process.env.BENCH_BATCH ? { batchSize: Number(process.env.BENCH_BATCH) } : {}),
  ...(process.env.BENCH_HEAP_BUDGET ? { heapBudgetMb: Number(process.env.BENCH_HEAP_BUDGET) } : {}),
});
const ms = performance.now() - t0;
// The worker process's CPU (all its threads: JS, GC helpers, file writes), not the database's.
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
const done = await db.job.findUniqueOrThrow({ where: { id: job.id }, select: { status: true, done: true, result: true, error: true } });
if (done.error) console.error(done.error);
clearInterval(heapTimer);
const MB = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
if (process.env.BENCH_TRACE)
  console.error(
    `heap used ${MB(heapBefore.heapUsed)} → peak ${MB(heap.used)}, heap total ${MB(heapBefore.heapTotal)} → peak ${MB(heap.total)}, external peak ${MB(heap.external)}`,
  );
if (process.env.BENCH_TRACE) console.error(`reading pages: ${(readMs / 1000).toFixed(1)} s of ${(ms / 1000).toFixed(1)} s`);
await send({ done: { rows: done.done, ms, cpuMs, size: exportJobResult.parse(done.result ?? {}).size ?? 0, status: done.status } });
await close();
process.exit(0);
