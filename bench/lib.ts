/** Shared by the benchmarks: percentiles, closed and open load loops, the app server under test. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { Agent, request, type IncomingHttpHeaders } from "node:http";
import { existsSync, readFileSync, readdirSync } from "node:fs";

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
export const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** `n` operations by `concurrency` workers back to back: throughput and latency. */
export async function closedLoop(n: number, concurrency: number, op: () => Promise<void>) {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) {
        const s = performance.now();
        await op();
        lat.push(performance.now() - s);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  return { rate: n / secs, p50: pct(lat, 50), p99: pct(lat, 99) };
}

/** Operations started at a steady rate whatever the answers do: latency at that load. */
export async function openLoop(ratePerSec: number, seconds: number, op: () => Promise<void>) {
  const lat: number[] = [];
  const jobs: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < ratePerSec * seconds; i++) {
    const due = t0 + (i * 1000) / ratePerSec;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const s = performance.now();
    jobs.push(op().then(() => void lat.push(performance.now() - s)));
  }
  await Promise.all(jobs);
  return { p50: pct(lat, 50), p99: pct(lat, 99) };
}

/** Timings of `n` sequential runs of `op` after `warm` unmeasured ones. */
export async function sequential(n: number, op: () => Promise<unknown>, warm = 3) {
  for (let i = 0; i < warm; i++) await op();
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await op();
    lat.push(performance.now() - s);
  }
  return { p50: pct(lat, 50), p99: pct(lat, 99) };
}

/** `n` calls of `op`, `concurrency` at a time (closedLoop), with the CPU seconds each process tree spent per call meanwhile. */
export async function measure(n: number, concurrency: number, op: () => Promise<void>, pids: { app?: number; pg: number }) {
  const cpu0 = { app: pids.app ? treeCpuSeconds(pids.app) : 0, pg: pids.pg ? treeCpuSeconds(pids.pg) : 0, self: process.cpuUsage() };
  const loop = await closedLoop(n, concurrency, op);
  const self = process.cpuUsage(cpu0.self);
  return {
    ...loop,
    app: pids.app ? (treeCpuSeconds(pids.app) - cpu0.app) / n : 0,
    pg: pids.pg ? (treeCpuSeconds(pids.pg) - cpu0.pg) / n : 0,
    self: (self.user + self.system) / 1e6 / n,
  };
}

/** The node flags `npm start` passes to server.mjs (package.json; V8's young-generation cap), read from there. */
const START_NODE_FLAGS = (() => {
  const start = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts.start;
  const flags = / node ((?:--\S+ )*)server\.mjs/.exec(start);
  if (!flags) throw new Error("package.json's start script no longer runs `node … server.mjs`");
  return flags[1]!.split(" ").filter(Boolean);
})();

/** The server under test: `node server.mjs` as `npm start` runs it (production, its node flags, two malloc arenas), in its own process group. */
export function spawnServer(port: number, databaseUrl: string, opts: { args?: string[]; env?: Record<string, string> } = {}): ChildProcess {
  // BENCH_NODE_ARGS: extra node flags for the server under test (to compare V8 flags).
  const extra = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  return spawn("node", [...START_NODE_FLAGS, ...extra, ...(opts.args ?? []), "server.mjs"], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATA_DIR: ".data/bench",
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      // glibc makes one malloc arena per thread otherwise.
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
      ...opts.env,
    },
    stdio: "ignore",
    detached: true,
  });
}

/** `next start` on `port` against `databaseUrl` (building first when there is no build). */
export async function startApp(port: number, databaseUrl: string): Promise<{ base: string; pid: number; stop: () => void }> {
  if (!existsSync(".next/BUILD_ID")) spawnSync("npx", ["next", "build"], { stdio: "inherit" });
  // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops.
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // The server `npm start` runs. The bench stands in for one trusted proxy: its X-Forwarded-For
  // names the (simulated) client address of each request.
  const server: ChildProcess = spawnServer(port, databaseUrl, { args: prof, env: { TRUSTED_PROXY: "1" } });
  const stop = () => {
    try {
      if (server.pid) process.kill(-server.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      (await fetch(`${base}/api/health`)
        .then((r) => r.status)
        .catch(() => 0)) === 200
    )
      break;
    if (i > 120) {
      stop();
      throw new Error("server did not start");
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { base, pid: server.pid ?? 0, stop };
}

/** CPU seconds (user + system) used so far by `root` and every process below it, from /proc. */
export function treeCpuSeconds(root: number): number {
  const procs = new Map<number, { ppid: number; cpu: number }>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // Fields after the parenthesised command: state ppid … utime(14) stime(15), counted from 1.
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      procs.set(Number(d), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / 100 });
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
      if (p === root) return true;
      p = procs.get(p)?.ppid ?? 0;
    }
    return false;
  };
  for (const [pid, p] of procs) if (inTree(pid)) total += p.cpu;
  return total;
}

/** The postmaster's pid (the local PostgreSQL server every bench database lives on), or 0. */
export function postgresRootPid(): number {
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0");
      if (/postgres$/.test(cmd[0] ?? "") && cmd.includes("-D")) return Number(d);
    } catch {
      // gone meanwhile
    }
  }
  return 0;
}

/**
 * A minimal HTTP client on node:http with kept-alive sockets. fetch (undici) costs the bench's own
 * process about four times the CPU per request, and on a 2-core machine that CPU is taken from the
 * server being measured.
 */
export function httpClient(base: string, maxSockets = 32) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return (method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<{ status: number; body: string; headers: IncomingHttpHeaders }>((resolve, reject) => {
      const headers = { ...opts.headers, ...(opts.body !== undefined ? { "content-length": String(Buffer.byteLength(opts.body)) } : {}) };
      const req = request(`${base}${path}`, { method, agent, headers }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      });
      req.on("error", reject).end(opts.body);
    });
}
