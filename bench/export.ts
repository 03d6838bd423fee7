/**
 * npm run bench:export — an export of 1,000,000 users. Loads the users the way bench:console
 * does (set-based SQL into a scratch PostgreSQL database), then runs the export worker in a
 * child process (bench/export-worker.ts) for a CSV and an XLSX job of the big tenant's users,
 * sampling the child's RSS from /proc every 50 ms: baseline before the job, peak during it.
 * Prints rows/s, the worker's CPU seconds (all its threads; the database's are not counted), the
 * file size and the RSS growth; asserts nothing. Aims: ≥ 50,000 rows/s and under 100 MB of RSS
 * growth for CSV.
 *
 *   BENCH_DATABASE_URL  PostgreSQL server to create the bench database on (default local 127.0.0.1:5432)
 *   BENCH_USERS         users in the big tenant (default 1000000)
 *   BENCH_FORMATS       formats to run (default "csv,xlsx")
 *   BENCH_CPU_PROF=dir  the worker writes a V8 CPU profile there
 *   BENCH_KEEP=1        keep the database (its name is printed) for another look
 *   BENCH_TRACE=1       the worker also prints its JS heap peaks and the time spent reading pages
 *   BENCH_BATCH         rows per page (default: the worker's 1000)
 *   BENCH_HEAP_BUDGET   the worker's heap budget in MB (default: the worker's 32; 0 leaves collection to V8)
 *
 * Memory: the rows of each page outlive a scavenge or two while the next page is read and are
 * promoted; with V8's default heap sizing that garbage builds up to ~250 MB before V8 collects the
 * old space by itself (the live set stays small). The export worker therefore asks for a full
 * collection whenever the heap has grown by its budget during the job (WorkerOptions.heapBudgetMb),
 * so the growth stays bounded with the default heap, without NODE_OPTIONS=--max-old-space-size.
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { createPrismaClient } from "~/server/db-client";
import { migrateDatabase } from "~/server/db/migrate";
import { seed } from "~/server/seed";
import { loadConsoleData } from "./console-data";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const USERS = Number(process.env.BENCH_USERS ?? 1_000_000);
const FORMATS = (process.env.BENCH_FORMATS ?? "csv,xlsx").split(",").map((f) => f.trim());

const rssOf = (pid: number): number => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

const name = `uc_bench_export_${randomBytes(3).toString("hex")}`;
const url = await createScratchDatabase(SERVER, name);
const dataDir = path.resolve(".data/bench-export");
try {
  const t0 = performance.now();
  await migrateDatabase({ kind: "postgresql", url });
  {
    const { db, close } = createPrismaClient({ databaseUrl: url, dataDir });
    await seed(db, { adminUsername: "admin", adminPassword: "bench-operator-password" });
    await close();
  }
  const data = await loadConsoleData(url, { users: USERS, adminPasswordHash: "unused" });
  console.log(`Machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? "?"}; load average ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(`Loaded ${data.users.toLocaleString("en")} users in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  for (const format of FORMATS) {
    const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const child = spawn(process.execPath, [...prof, "--conditions=react-server", "--import", "tsx", "bench/export-worker.ts"], {
      env: {
        ...process.env,
        BENCH_URL: url,
        BENCH_FORMAT: format,
        BENCH_TENANT: data.tenantId,
        DATA_DIR: dataDir,
        SKIP_ENV_VALIDATION: "1",
        NODE_ENV: "production",
      },
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    });
    let baseline = 0;
    let peak = 0;
    let sampler: ReturnType<typeof setInterval> | undefined;
    const result = await new Promise<{ rows: number; ms: number; cpuMs: number; size: number; status: string }>((resolve, reject) => {
      child.on("message", (m: { ready?: boolean; done?: { rows: number; ms: number; cpuMs: number; size: number; status: string } }) => {
        if (m.ready) {
          // Baseline: the worker loaded, connected and warmed up, before the job starts.
          baseline = rssOf(child.pid!);
          peak = baseline;
          sampler = setInterval(() => (peak = Math.max(peak, rssOf(child.pid!))), 50);
          child.send({ go: true });
        }
        if (m.done) resolve(m.done);
      });
      child.on("exit", (code) => (code ? reject(new Error(`worker exited with ${code}`)) : undefined));
    });
    clearInterval(sampler);
    // Let it exit by itself (a CPU profile is written at exit).
    if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
    console.log(
      `${format.toUpperCase()}: ${result.status}, ${result.rows.toLocaleString("en")} rows in ${(result.ms / 1000).toFixed(1)} s = ` +
        `${Math.round(result.rows / (result.ms / 1000)).toLocaleString("en")} rows/s (worker CPU ${(result.cpuMs / 1000).toFixed(1)} s); file ${mb(result.size)}; ` +
        `RSS baseline ${mb(baseline)}, peak ${mb(peak)}, growth ${mb(peak - baseline)}`,
    );
  }
} finally {
  rmSync(path.join(dataDir, "exports"), { recursive: true, force: true });
  if (process.env.BENCH_KEEP) console.log(`Kept database ${name}`);
  else await dropScratchDatabase(SERVER, name);
}
