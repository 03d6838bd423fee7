/**
 * npm run bench:pipeline — what one plain request costs, and what the server holds when idle.
 *
 * 1. **The list call.** One tenant of BENCH_USERS users (default 10,000) in a scratch PostgreSQL
 *    database; a tenant administrator's bearer token; `GET /api/v1/users?take=20`, BENCH_CONCURRENCY
 *    (default 4) at a time, BENCH_CALLS times (default 2,000). Prints calls/s, p50/p99, and the CPU
 *    per call by process: the app server (its whole process tree), PostgreSQL (every backend) and
 *    this bench. Beside it, the bare baseline in the same run: the same three statements the
 *    service runs (capped count, page, roles of the page) on BENCH_CONCURRENCY plain `pg`
 *    connections, with PostgreSQL's CPU per call. The server's CPU beyond PostgreSQL's is what
 *    the request pipeline costs.
 * 2. **Footprint**, over three starts of `server.mjs` on that database: time from spawn to the
 *    first 200 of `/api/health`, the first `/login` render after it, and the RSS of the server
 *    process tree after that one page view and 3 s idle.
 *
 * Prints figures; asserts nothing. BENCH_CPU_PROF=<dir>: the server of part 1 writes a V8 CPU
 * profile there when it stops. BENCH_SKIP_FOOTPRINT=1 skips part 2; BENCH_ONLY=footprint runs only
 * part 2. BENCH_NODE_ARGS: extra node flags for the servers under test.
 */
import os from "node:os";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { md5Hex } from "~/server/password";
import { prepareConsoleDatabase } from "./console-data";
import { fmt, httpClient, measure, postgresRootPid, spawnServer, startApp } from "./lib";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const CALLS = Number(process.env.BENCH_CALLS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const PORT = 3320;
const ADMIN_PASSWORD = "bench admin passphrase";

const ms = (s: number) => `${(s * 1000).toFixed(2)} ms`;
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;

const rssTree = (root: number): number => {
  // The server is one process today; sum its children too in case the handler ever forks.
  let total = 0;
  const stat = (pid: number) => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      total += m ? Number(m[1]) * 1024 : 0;
      for (const c of readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean)) stat(Number(c));
    } catch {
      // gone
    }
  };
  stat(root);
  return total;
};

const name = `uc_bench_pipeline_${randomBytes(3).toString("hex")}`;
const url = await createScratchDatabase(SERVER, name);
let stopApp: (() => void) | undefined;
try {
  const data = await prepareConsoleDatabase(url, { users: USERS, adminPassword: ADMIN_PASSWORD });
  const pgPid = postgresRootPid();
  console.log(`Machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? "?"}; load average ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(`One tenant of ${data.users.toLocaleString("en")} users; ${CALLS} calls, ${CONCURRENCY} concurrent\n`);

  // ---- 1. The list call through HTTP, then the bare SQL baseline.
  if (process.env.BENCH_ONLY !== "footprint") {
    const app = await startApp(PORT, url);
    stopApp = app.stop;
    const http = httpClient(app.base);
    const login = await http("POST", "/api/v1/login/AddNoginr", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ustr: data.adminUserName, pwd: md5Hex(ADMIN_PASSWORD) }),
    });
    const token = (JSON.parse(login.body) as { result?: { token: string } }).result?.token;
    if (!token) throw new Error(`administrator sign-in failed: ${login.status} ${login.body}`);
    const headers = { authorization: `Bearer ${token}` };
    const list = async () => {
      const res = await http("GET", "/api/v1/users?take=20", { headers });
      if (res.status !== 200) throw new Error(`/api/v1/users answered ${res.status}: ${res.body}`);
    };
    const health = async () => {
      const res = await http("GET", "/api/health");
      if (res.status !== 200) throw new Error(`/api/health answered ${res.status}`);
    };
    for (let i = 0; i < 300; i++) await list(); // warm the JIT and the connection pool
    const httpList = await measure(CALLS, CONCURRENCY, list, { app: app.pid, pg: pgPid });
    const httpHealth = await measure(CALLS, CONCURRENCY, health, { app: app.pid, pg: pgPid });

    const clients = await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        return c;
      }),
    );
    const free = [...clients];
    const T = data.tenantId;
    const bare = async () => {
      const c = free.pop()!;
      try {
        const [count, page] = await Promise.all([
          c.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM "User" u WHERE u."tenantId" = $1 AND u."deletedAt" IS NULL LIMIT 1001) s`, [T]),
          c.query(
            `SELECT u."id"::text AS "id", u."tenantId"::text AS "tenantId", u."userName", u."nickname", u."avatar", u."phone", u."email",
                  u."status"::text AS "status", u."createdAt", u."deletedAt", u."referrerId"::text AS "referrerId", u."userNameKey"
             FROM "User" u WHERE u."tenantId" = $1 AND u."deletedAt" IS NULL ORDER BY u."createdAt" DESC, u."id" DESC LIMIT 21`,
            [T],
          ),
        ]);
        void count;
        await c.query(
          `SELECT ur."userId"::text AS "userId", r."id"::text AS "id", r."name" FROM "UserRole" ur JOIN "Role" r ON r."id" = ur."roleId" WHERE ur."userId" = ANY($1::uuid[])`,
          [page.rows.slice(0, 20).map((r: { id: string }) => r.id)],
        );
      } finally {
        free.push(c);
      }
    };
    for (let i = 0; i < 300; i++) await bare();
    const bareList = await measure(CALLS, CONCURRENCY, bare, { pg: pgPid });
    await Promise.all(clients.map((c) => c.end()));
    stopApp();
    stopApp = undefined;

    console.log("GET /api/v1/users?take=20 (bearer token)");
    const row = (label: string, r: Awaited<ReturnType<typeof measure>>) =>
      console.log(
        `  ${label.padEnd(22)} ${r.rate.toFixed(0).padStart(6)} calls/s   p50 ${fmt(r.p50).padStart(8)}   p99 ${fmt(r.p99).padStart(8)}   ` +
          `CPU per call: server ${ms(r.app).padStart(9)}   PostgreSQL ${ms(r.pg).padStart(8)}   bench ${ms(r.self).padStart(8)}`,
      );
    row("HTTP, the app", httpList);
    row("bare SQL (pg)", bareList);
    row("HTTP /api/health", httpHealth);
    console.log(`  ratio to bare SQL: ${(httpList.rate / bareList.rate).toFixed(2)}× the rate`);
    console.log(`  server CPU per list call: ${ms(httpList.app)} (of which a bare /api/health costs ${ms(httpHealth.app)}); aim ≤ 3 ms\n`);
  }

  // ---- 2. Footprint over three starts.
  if (!process.env.BENCH_SKIP_FOOTPRINT) {
    console.log("Footprint (server.mjs, production build, three starts)");
    const results: { first200: number; login: number; rss: number }[] = [];
    for (let run = 1; run <= 3; run++) {
      const t0 = performance.now();
      const server = spawnServer(PORT, url);
      const base = `http://127.0.0.1:${PORT}`;
      let first200 = 0;
      for (;;) {
        const status = await fetch(`${base}/api/health`)
          .then((r) => r.status)
          .catch(() => 0);
        if (status === 200) {
          first200 = performance.now() - t0;
          break;
        }
        if (performance.now() - t0 > 60_000) throw new Error("server did not start");
        await new Promise((r) => setTimeout(r, 20));
      }
      const l0 = performance.now();
      const page = await fetch(`${base}/login`);
      await page.text();
      if (page.status !== 200) throw new Error(`/login answered ${page.status}`);
      const loginMs = performance.now() - l0;
      await new Promise((r) => setTimeout(r, 3000));
      const rss = rssTree(server.pid!);
      results.push({ first200, login: loginMs, rss });
      console.log(`  start ${run}: first 200 after ${fmt(first200).padStart(9)}   first /login ${fmt(loginMs).padStart(8)}   idle RSS ${mb(rss)}`);
      process.kill(-server.pid!, "SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    const worst = (k: "first200" | "login" | "rss") => Math.max(...results.map((r) => r[k]));
    console.log(
      `  worst of three: first 200 ${fmt(worst("first200"))} (aim ≤ 2 s), first /login ${fmt(worst("login"))} (aim ≤ 500 ms), idle RSS ${mb(worst("rss"))} (aim ≤ 200 MB)`,
    );
  }
} finally {
  stopApp?.();
  await dropScratchDatabase(SERVER, name);
}
