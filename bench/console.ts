/**
 * npm run bench:console — the admin console at scale. Loads one tenant with BENCH_USERS users
 * (default 1,000,000) and 19 small tenants into a scratch PostgreSQL database, starts the
 * production build, signs a tenant administrator in, and measures through the real HTTP path
 * (`GET /api/v1/users`, bearer token):
 * - the first page and a deep page (keyset cursor at the middle) for every documented filter
 *   and sort, each beside the equivalent bare SQL run on its own connection (p50/p99, ratio);
 * - the "exists?" check;
 * - the dashboard's six charts (7, 30 and 90 days) over HTTP, and the same service calls on
 *   their own (no HTTP) beside them; BENCH_DASHBOARD_ONLY=1 measures the service calls alone,
 *   without starting the app (no production build needed);
 * - the client-credentials token endpoint under concurrency and at a steady 200/s.
 * Prints figures; asserts nothing.
 *
 *   BENCH_DATABASE_URL  PostgreSQL server to create the bench database on (default local 127.0.0.1:5432)
 *   BENCH_USERS         users in the big tenant (default 1000000)
 *   BENCH_SAMPLES       requests per case (default 40)
 *   BENCH_KEEP=1        keep the database (its name is printed) for another look
 *   BENCH_DASHBOARD_ONLY=1  only the dashboard's service calls, no app
 */
import os from "node:os";
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { createPrismaClient } from "~/server/db-client";
import { foldActivityDeltas } from "~/server/jobs/housekeeping";
import { md5Hex } from "~/server/password";
import { COUNT_CAP } from "~/server/services/user";
import { prepareConsoleDatabase, type BenchData } from "./console-data";
import { closedLoop, fmt, httpClient, openLoop, sequential, startApp } from "./lib";
import { DASHBOARD_CHARTS, dashboardServiceCases, printDashboard, type DashboardRow } from "./dashboard-cases";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const USERS = Number(process.env.BENCH_USERS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
const PORT = 3310;
const ADMIN_PASSWORD = "bench admin passphrase";
const CLIENT_SECRET = `ucs_${randomBytes(32).toString("base64url")}`;

const name = `uc_bench_console_${randomBytes(3).toString("hex")}`;
const url = await createScratchDatabase(SERVER, name);
let stopApp: (() => void) | undefined;
const sql = new pg.Client({ connectionString: url });
let data!: BenchData;
try {
  const t0 = performance.now();
  data = await prepareConsoleDatabase(url, { users: USERS, adminPassword: ADMIN_PASSWORD });
  {
    // What the housekeeping sweep of a running instance does within 10 minutes: the dashboard's
    // deltas (the load's triggers wrote them) added into its counts.
    const t1 = performance.now();
    const { db, close } = createPrismaClient({ databaseUrl: url, dataDir: ".data/bench" });
    const moved = await foldActivityDeltas(db, 50_000, 1_000);
    await close();
    console.log(`Added ${moved.toLocaleString("en")} dashboard deltas into the counts in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  }
  await sql.connect();
  const T = data.tenantId;
  const one = async <R>(text: string, params: unknown[] = []) => (await sql.query(text, params)).rows[0] as R;
  const partner = await one<{ id: string }>(`SELECT id FROM "Role" WHERE "tenantId" = $1 AND name = 'partner'`, [T]);
  // A client that may list users, with a known secret (stored as its SHA-256, like the console does).
  await sql.query(
    `INSERT INTO "OAuthClient" (id, "tenantId", "clientId", name, "grantTypes", scopes, "redirectUris", "corsOrigins", "tokenLifetime", enabled, "createdAt", "updatedAt")
     VALUES (gen_random_uuid(), $1, 'bench-client', 'Bench client', '{client_credentials}', '{uc.user.get,uc.user.exists}', '{}', '{}', 300, true, now(), now())`,
    [T],
  );
  await sql.query(
    `INSERT INTO "ClientSecret" (id, "clientId", hash, hint, "createdAt") SELECT gen_random_uuid(), id, $1, 'ucs_…', now() FROM "OAuthClient" WHERE "clientId" = 'bench-client'`,
    [createHash("sha256").update(CLIENT_SECRET).digest("hex")],
  );
  console.log(
    `Machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? "?"}; PostgreSQL ${(await one<{ v: string }>("SELECT current_setting('server_version') AS v")).v}`,
  );
  console.log(`Loaded ${data.users.toLocaleString("en")} users (+19 tenants × 200) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  // ---- The dashboard's queries, called as the router calls them (no HTTP).
  const dashboard: DashboardRow[] = await dashboardServiceCases(url, T, SAMPLES);
  if (process.env.BENCH_DASHBOARD_ONLY === "1") printDashboard(USERS, SAMPLES, dashboard, false);
  else await benchApp(partner, one, dashboard);
} finally {
  stopApp?.();
  await sql.end().catch(() => undefined);
  if (process.env.BENCH_KEEP === "1") console.log(`Kept database ${name}`);
  else await dropScratchDatabase(SERVER, name);
}

/** Everything measured through the production build. */
async function benchApp(partner: { id: string }, one: <R>(text: string, params?: unknown[]) => Promise<R>, dashboard: DashboardRow[]) {
  const T = data.tenantId;

  const app = await startApp(PORT, url);
  stopApp = app.stop;
  const base = app.base; // 127.0.0.1: the big tenant's host
  const http = httpClient(base);
  const login = await http("POST", "/api/v1/login/AddNoginr", {
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ustr: data.adminUserName, pwd: md5Hex(ADMIN_PASSWORD) }),
  });
  const token = (JSON.parse(login.body) as { result?: { token: string } }).result?.token;
  if (!token) throw new Error(`administrator sign-in failed: ${login.status}`);
  const auth = { authorization: `Bearer ${token}` };
  const get = async (path: string) => {
    const res = await http("GET", path, { headers: auth });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as { total?: number; totalCapped?: boolean; estimatedTotal?: number | null; items?: unknown[]; nextCursor?: string | null };
  };

  // ---- The user list: each case is an HTTP query string and the bare SQL that answers it.
  type Sort = { column: string; sql: string; asc: boolean };
  const SORTS: Record<string, Sort> = {
    "createdAt desc": { column: "createdAt", sql: `"createdAt"`, asc: false },
    "createdAt asc": { column: "createdAt", sql: `"createdAt"`, asc: true },
    "userName asc": { column: "userName", sql: `"userNameKey"`, asc: true },
    "phone asc": { column: "phone", sql: `phone`, asc: true },
    "email desc": { column: "email", sql: `email`, asc: false },
  };
  const week = { start: new Date(Date.now() - 14 * 86_400_000), end: new Date(Date.now() - 7 * 86_400_000) };
  // The same SQL the app runs (userListFilter): prefixes are a range plus an exact LIKE, and the
  // login and claim subqueries name the tenant.
  const range = (col: string, n: number) => `${col} >= $${n} AND ${col} < $${n} || chr(1114111) AND ${col} LIKE $${n} || '%'`;
  interface Case {
    label: string;
    query: string;
    where: string;
    params: unknown[];
    sort: Sort;
    deep: boolean;
  }
  const cases: Case[] = [
    ...Object.entries(SORTS).map(([label, sort]) => ({
      label: `sort ${label}`,
      query: `orderby=${sort.column}&asc=${sort.asc}`,
      where: "",
      params: [],
      sort,
      deep: true,
    })),
    { label: "status = disabled", query: "status=disabled", where: `AND status = 'disabled'`, params: [], sort: SORTS["createdAt desc"]!, deep: true },
    {
      label: "role = partner",
      query: `roleId=${partner.id}`,
      where: `AND EXISTS (SELECT 1 FROM "UserRole" r WHERE r."userId" = u.id AND r."roleId" = $2)`,
      params: [partner.id],
      sort: SORTS["createdAt desc"]!,
      deep: true,
    },
    {
      label: "phone prefix",
      query: `phone=${encodeURIComponent("+86-1390012")}`,
      where: `AND ${range("phone", 2)}`,
      params: ["+86-1390012"],
      sort: SORTS["createdAt desc"]!,
      deep: false,
    },
    {
      label: "name prefix",
      query: "name=zhang",
      where: `AND (${range(`"userNameKey"`, 2)} OR ${range("nickname", 2)})`,
      params: ["zhang"],
      sort: SORTS["createdAt desc"]!,
      deep: true,
    },
    { label: "email prefix", query: "email=u77777", where: `AND ${range("email", 2)}`, params: ["u77777"], sort: SORTS["createdAt desc"]!, deep: false },
    {
      label: "provider + key",
      query: "provider=wechat&providerKey=o424240",
      where: `AND EXISTS (SELECT 1 FROM "ExternalLogin" e WHERE e."userId" = u.id AND e."tenantId" = $1 AND e.provider = 'wechat' AND e."providerKey" = $2)`,
      params: ["o424240"],
      sort: SORTS["createdAt desc"]!,
      deep: false,
    },
    {
      label: "claim level = gold",
      query: "claimType=level&claimValue=gold",
      where: `AND EXISTS (SELECT 1 FROM "UserClaim" c WHERE c."userId" = u.id AND c."tenantId" = $1 AND c.type = 'level' AND c.value = 'gold')`,
      params: [],
      sort: SORTS["createdAt desc"]!,
      deep: true,
    },
    {
      label: "created in a week",
      query: `startTime=${week.start.toISOString()}&endTime=${week.end.toISOString()}`,
      where: `AND "createdAt" >= $2 AND "createdAt" <= $3`,
      params: [week.start, week.end],
      sort: SORTS["createdAt desc"]!,
      deep: true,
    },
  ];

  const rows: string[][] = [];
  const row = (label: string, http: { p50: number; p99: number }, bare: { p50: number; p99: number }, note = "") =>
    rows.push([label, fmt(http.p50), fmt(http.p99), fmt(bare.p50), fmt(bare.p99), `${(http.p50 / bare.p50).toFixed(1)}x`, note]);

  for (const c of cases) {
    const dir = c.sort.asc ? "ASC" : "DESC";
    const nulls = c.sort.asc ? "NULLS LAST" : "NULLS FIRST";
    const filter = `u."tenantId" = $1 AND u."deletedAt" IS NULL ${c.where}`;
    const order = `ORDER BY ${c.sort.sql} ${dir} ${nulls}, id ${dir}`;
    const cols = `u.id, u."tenantId", u."userName", u.nickname, u.avatar, u.phone, u.email, u.status, u."createdAt", u."deletedAt", u."referrerId", u."userNameKey",
      COALESCE((SELECT json_agg(json_build_object('id', r.id, 'name', r.name)) FROM "UserRole" ur JOIN "Role" r ON r.id = ur."roleId" WHERE ur."userId" = u.id), '[]'::json) AS roles`;
    // What the app's count does: exact up to the cap (no ORDER BY), then the planner's estimate.
    const bareCount = async () => {
      const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM "User" u WHERE ${filter} LIMIT ${COUNT_CAP + 1}) x`, [
        T,
        ...c.params,
      ]);
      if (rows[0]!.n > COUNT_CAP) await sql.query(`EXPLAIN (FORMAT JSON) SELECT 1 FROM "User" u WHERE ${filter}`, [T, ...c.params]);
    };
    const bareFirst = () => Promise.all([sql.query(`SELECT ${cols} FROM "User" u WHERE ${filter} ${order} LIMIT 21`, [T, ...c.params]), bareCount()]);
    const first = await get(`/api/v1/users?take=20&${c.query}`);
    const http1 = await sequential(SAMPLES, () => get(`/api/v1/users?take=20&${c.query}`));
    // Bare SQL goes one query after the other on one connection: the app runs the page and the count side by side.
    const bare1 = await sequential(SAMPLES, bareFirst);
    row(`${c.label}, first page`, http1, bare1, first.totalCapped ? `total ${first.total}+ (about ${first.estimatedTotal})` : `total ${first.total}`);
    if (!c.deep) continue;

    // A deep page: the cursor of the row in the middle of the matches (or at 500,000).
    const matches = Math.min(Number((await one<{ n: string }>(`SELECT count(*) AS n FROM "User" u WHERE ${filter}`, [T, ...c.params])).n), USERS);
    const at = Math.floor(matches / 2);
    const mid = await one<{ id: string; v: Date | string | null }>(
      `SELECT id, ${c.sort.sql} AS v FROM "User" u WHERE ${filter} ${order} OFFSET ${at} LIMIT 1`,
      [T, ...c.params],
    );
    const v = mid.v instanceof Date ? mid.v.toISOString() : mid.v;
    const cursor = Buffer.from(JSON.stringify({ v, id: mid.id })).toString("base64url");
    const cmp = c.sort.asc ? ">" : "<";
    const n = 2 + c.params.length;
    const keyset = v === null ? `AND ${c.sort.sql} IS NULL AND id ${cmp} $${n}` : `AND (${c.sort.sql}, id) ${cmp} ($${n}, $${n + 1})`;
    const deepParams = v === null ? [T, ...c.params, mid.id] : [T, ...c.params, mid.v, mid.id];
    const bareDeep = () => Promise.all([sql.query(`SELECT ${cols} FROM "User" u WHERE ${filter} ${keyset} ${order} LIMIT 21`, deepParams), bareCount()]);
    const deepPath = `/api/v1/users?take=20&${c.query}&cursor=${cursor}`;
    const page = await get(deepPath);
    if (!page.items?.length) throw new Error(`${c.label}: the deep page is empty`);
    const httpD = await sequential(SAMPLES, () => get(deepPath));
    const bareD = await sequential(SAMPLES, bareDeep);
    row(`${c.label}, page at row ${at.toLocaleString("en")}`, httpD, bareD);
  }

  // ---- exists?
  const existsPath = `/api/v1/users/exists?phone=${encodeURIComponent("+86-13900424242")}`;
  const ex = await get(existsPath);
  const httpE = await sequential(SAMPLES, () => get(existsPath));
  const bareE = await sequential(SAMPLES, () => sql.query(`SELECT id FROM "User" WHERE "tenantId" = $1 AND phone = $2 LIMIT 1`, [T, "+86-13900424242"]));
  row("exists? by phone", httpE, bareE, JSON.stringify(ex));

  // ---- The dashboard over HTTP, beside the same service calls on their own.
  for (const d of dashboard) {
    const path = `/api/v1/dashboard/${DASHBOARD_CHARTS[d.chart]}?days=${d.days}&tz=Asia%2FShanghai`;
    await get(path);
    d.http = await sequential(SAMPLES, () => get(path));
  }

  const widths = [0, 1, 2, 3, 4, 5, 6].map((i) =>
    Math.max(...[["case", "HTTP p50", "HTTP p99", "SQL p50", "SQL p99", "ratio", ""][i]!, ...rows.map((r) => r[i]!)].map((s) => s.length)),
  );
  const line = (r: string[]) => r.map((s, i) => (i === 0 || i === 6 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join("  ");
  console.log(`\nUser list, ${USERS.toLocaleString("en")} users, take=20, ${SAMPLES} requests per case, one at a time:`);
  console.log(line(["case", "HTTP p50", "HTTP p99", "SQL p50", "SQL p99", "ratio", ""]));
  for (const r of rows) console.log(line(r));

  // ---- The token endpoint.
  const basic = `Basic ${Buffer.from(`bench-client:${CLIENT_SECRET}`).toString("base64")}`;
  const issue = async () => {
    const res = await http("POST", "/api/oauth/token", {
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic },
      body: "grant_type=client_credentials&scope=uc.user.get",
    });
    if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${res.body}`);
  };
  const probe = await http("POST", "/api/oauth/token", {
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic },
    body: "grant_type=client_credentials",
  });
  const { access_token } = JSON.parse(probe.body) as { access_token: string };
  const withClient = await http("GET", "/api/v1/users?take=1", { headers: { authorization: `Bearer ${access_token}` } });
  for (let i = 0; i < 50; i++) await issue(); // warm up
  const burst = await closedLoop(2000, 16, issue);
  const steady = await openLoop(200, 10, issue);
  console.log(`\nPOST /api/oauth/token (client credentials, Basic):`);
  console.log(`  16 concurrent : ${burst.rate.toFixed(0)} tokens/s  p50 ${fmt(burst.p50)}  p99 ${fmt(burst.p99)}`);
  console.log(`  steady 200/s  : p50 ${fmt(steady.p50)}  p99 ${fmt(steady.p99)}`);
  console.log(`  the token lists users: ${withClient.status}`);
  printDashboard(USERS, SAMPLES, dashboard, true);
}
