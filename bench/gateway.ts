/**
 * npm run bench:gateway — what the API gateway adds to a call, on the built server (`node
 * server.mjs`, PostgreSQL).
 *
 * A loopback backend (its own process) answers `GET /items` with 1 KB of JSON and counts the
 * bytes of `POST /upload`. The default tenant publishes it as an API (version v1, path scheme, one
 * online revision, no request limit) under `/gateway/bench/`; a machine client gets a client-
 * credentials token for the API resource from the tenant's provider. Then, BENCH_CONCURRENCY
 * (default 32) at a time, BENCH_N calls (default 5,000) each:
 *   - the backend called directly;
 *   - the same call through a bare Node proxy (its own process: http.createServer piping to the
 *     backend over a keep-alive agent, no checks at all), the floor any Node gateway stands on;
 *   - the same call through the gateway (token verified, liveness read, operation matched, streamed);
 * printing calls/s, p50/p99, the latency the gateway adds, the ratio of the rates, and the CPU per
 * call by process (server, backend, PostgreSQL, this bench). Last, a 10 MB upload streamed
 * through the gateway in 64 KB chunks while the server's RSS is sampled every 10 ms: its growth.
 * Prints figures and the load average (the machine may be shared); asserts only that every answer
 * is the expected one.
 *
 *   BENCH_DATABASE_URL  PostgreSQL server for the scratch database (default local 127.0.0.1:5432)
 *   BENCH_PORT          port of the server (default 3340; the backend takes the next one, the bare proxy the one after)
 *   BENCH_N, BENCH_CONCURRENCY  calls per run (5,000) and how many at once (32)
 *   BENCH_KEEP_DB=1     keep the scratch database (to look at its statements afterwards)
 */
import os from "node:os";
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { createPrismaClient } from "~/server/db-client";
import { migrateDatabase } from "~/server/db/migrate";
import { seed } from "~/server/seed";
import { fmt, httpClient, measure, postgresRootPid, startApp, treeCpuSeconds } from "./lib";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const PORT = Number(process.env.BENCH_PORT ?? 3340);
const BACKEND_PORT = PORT + 1;
const PROXY_PORT = PORT + 2;
const N = Number(process.env.BENCH_N ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const API = "https://bench-api.example";
const MB = 1024 * 1024;

const ms = (s: number) => `${(s * 1000).toFixed(2)} ms`;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" / ");
const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;

/** The backend: 1 KB of JSON for GET /items, the byte count of POST /upload. */
const BACKEND = `
const http = require("node:http");
const body = JSON.stringify({ items: Array.from({ length: 16 }, (_, i) => ({ id: i, name: "item-" + String(i).padStart(40, "0") })) }).slice(0, 1000);
const payload = Buffer.from(JSON.stringify({ data: body }));
http.createServer((req, res) => {
  if (req.url === "/upload") {
    let n = 0;
    req.on("data", (c) => (n += c.length));
    return req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ bytes: n })));
  }
  req.resume();
  res.writeHead(200, { "content-type": "application/json", "content-length": payload.length });
  res.end(payload);
}).listen(Number(process.env.PORT), "127.0.0.1", () => process.send && process.send("ready"));
`;

/** The baseline: a bare Node reverse proxy to the backend (no checks, no headers rewritten but hop-by-hop ones). */
const BARE_PROXY = `
const http = require("node:http");
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const hop = new Set(["connection", "keep-alive", "transfer-encoding", "host"]);
const strip = (h) => { const o = {}; for (const k in h) if (!hop.has(k)) o[k] = h[k]; return o; };
http.createServer((req, res) => {
  const up = http.request({ host: "127.0.0.1", port: Number(process.env.BACKEND_PORT), method: req.method, path: req.url, headers: strip(req.headers), agent }, (answer) => {
    res.writeHead(answer.statusCode, strip(answer.headers));
    answer.pipe(res);
  });
  up.on("error", () => { res.writeHead(502); res.end(); });
  req.pipe(up);
}).listen(Number(process.env.PORT), "127.0.0.1", () => process.send && process.send("ready"));
`;

const name = `uc_bench_gateway_${randomBytes(3).toString("hex")}`;
const url = await createScratchDatabase(SERVER, name);
let stopApp: (() => void) | undefined;
const child = (code: string, port: number) =>
  spawn("node", ["-e", code], {
    env: { ...process.env, PORT: String(port), BACKEND_PORT: String(BACKEND_PORT) },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
const ready = (p: ReturnType<typeof spawn>) =>
  new Promise<void>((resolve, reject) => {
    p.once("message", () => resolve());
    p.once("exit", (code) => reject(new Error(`baseline process exited ${code}`)));
  });
const backend = child(BACKEND, BACKEND_PORT);
const bare = child(BARE_PROXY, PROXY_PORT);
try {
  await Promise.all([ready(backend), ready(bare)]);
  await migrateDatabase({ kind: "postgresql", url });
  const { db, close } = createPrismaClient({ databaseUrl: url, dataDir: ".data/bench" });
  await seed(db, { adminUsername: "admin", adminPassword: "bench-admin-password" });
  const tenant = await db.tenant.findFirstOrThrow({ where: { isDefault: true } });
  if (!(await db.tenantHost.findFirst({ where: { host: "127.0.0.1" } }))) await db.tenantHost.create({ data: { tenantId: tenant.id, host: "127.0.0.1" } });
  const api = await db.apiResource.create({ data: { tenantId: tenant.id, name: API, scopes: ["items.read"] } });
  const version = await db.apiVersion.create({ data: { tenantId: tenant.id, apiResourceId: api.id, name: "v1" } });
  const document = {
    openapi: "3.1.0",
    info: { title: "Bench", version: "1" },
    components: {
      securitySchemes: { oauth: { type: "oauth2", flows: { clientCredentials: { tokenUrl: "https://x.example/token", scopes: { "items.read": "" } } } } },
    },
    security: [{ oauth: ["items.read"] }],
    paths: { "/items": { get: { responses: { "200": { description: "items" } } } }, "/upload": { post: { responses: { "200": { description: "count" } } } } },
  };
  const revision = await db.apiRevision.create({
    data: {
      tenantId: tenant.id,
      apiVersionId: version.id,
      number: 1,
      sourceFormat: "openapi-3.1",
      sourceSyntax: "json",
      source: JSON.stringify(document),
      document,
      title: "Bench",
      operationCount: 2,
    },
  });
  await db.apiVersion.update({ where: { id: version.id }, data: { onlineRevisionId: revision.id } });
  await db.apiPublishConfig.create({
    data: { apiResourceId: api.id, tenantId: tenant.id, suffix: "bench", scopes: ["items.read"], backendUrl: `http://127.0.0.1:${BACKEND_PORT}` },
  });
  // As services/client.ts stores a secret (SHA-256 of it); that module is server-only.
  const secret = `ucs_${randomBytes(32).toString("base64url")}`;
  const s = { secret, hash: createHash("sha256").update(secret).digest("hex"), hint: secret.slice(0, 8) };
  const client = await db.oAuthClient.create({
    data: {
      tenantId: tenant.id,
      clientId: "bench-machine",
      name: "bench-machine",
      clientType: "machine",
      grantTypes: ["client_credentials"],
      scopes: ["items.read"],
      redirectUris: [],
      postLogoutRedirectUris: [],
      corsOrigins: [],
      consentRequired: false,
      tokenLifetime: 3600,
      secrets: { create: [{ hash: s.hash, hint: s.hint }] },
    },
  });
  await close();

  console.log(`Machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? "?"}; load average ${load()} before start`);
  // The backend is on loopback: the operator lets that one address through the outbound guard.
  process.env.UC_OUTBOUND_ALLOW_ADDRESSES = "127.0.0.1";
  const app = await startApp(PORT, url);
  stopApp = app.stop;
  const pgPid = postgresRootPid();
  const viaApp = httpClient(app.base, CONCURRENCY);
  const direct = httpClient(`http://127.0.0.1:${BACKEND_PORT}`, CONCURRENCY);
  const viaBare = httpClient(`http://127.0.0.1:${PROXY_PORT}`, CONCURRENCY);

  const tokenRes = await viaApp("POST", "/oidc/token", {
    headers: {
      authorization: `Basic ${Buffer.from(`${client.clientId}:${s.secret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "client_credentials", resource: API, scope: "items.read" }).toString(),
  });
  const token = (JSON.parse(tokenRes.body) as { access_token?: string }).access_token;
  if (!token) throw new Error(`no token: ${tokenRes.status} ${tokenRes.body}`);
  const auth = { authorization: `Bearer ${token}` };

  const viaGateway = async () => {
    const r = await viaApp("GET", "/gateway/bench/v1/items", { headers: auth });
    if (r.status !== 200 || r.body.length < 1000) throw new Error(`gateway answered ${r.status}: ${r.body.slice(0, 200)}`);
  };
  const straight = async () => {
    const r = await direct("GET", "/items");
    if (r.status !== 200) throw new Error(`backend answered ${r.status}`);
  };
  const proxied = async () => {
    const r = await viaBare("GET", "/items");
    if (r.status !== 200 || r.body.length < 1000) throw new Error(`bare proxy answered ${r.status}`);
  };
  for (let i = 0; i < 500; i++) await viaGateway(); // the JIT, the pools, the verified-token cache
  for (let i = 0; i < 500; i++) await straight();
  for (let i = 0; i < 500; i++) await proxied();
  const backendCpu = () => treeCpuSeconds(backend.pid!);
  let b0 = backendCpu();
  const d = await measure(N, CONCURRENCY, straight, { app: app.pid, pg: pgPid });
  const dBackend = (backendCpu() - b0) / N;
  b0 = backendCpu();
  // The bare proxy's CPU is read as the "server" column of its row.
  const p = await measure(N, CONCURRENCY, proxied, { app: bare.pid!, pg: pgPid });
  const pBackend = (backendCpu() - b0) / N;
  b0 = backendCpu();
  const g = await measure(N, CONCURRENCY, viaGateway, { app: app.pid, pg: pgPid });
  const gBackend = (backendCpu() - b0) / N;

  console.log(`\nGET 1 KB JSON, ${N} calls, ${CONCURRENCY} concurrent`);
  const row = (label: string, r: Awaited<ReturnType<typeof measure>>, back: number) =>
    console.log(
      `  ${label.padEnd(18)} ${r.rate.toFixed(0).padStart(6)} calls/s   p50 ${fmt(r.p50).padStart(8)}   p99 ${fmt(r.p99).padStart(8)}   ` +
        `CPU per call: server ${ms(r.app).padStart(8)}   backend ${ms(back).padStart(8)}   PostgreSQL ${ms(r.pg).padStart(8)}   bench ${ms(r.self).padStart(8)}`,
    );
  row("backend directly", d, dBackend);
  row("bare Node proxy", p, pBackend);
  row("through gateway", g, gBackend);
  console.log(`  added latency: p50 ${fmt(g.p50 - d.p50)} (aim < 2 ms), p99 ${fmt(g.p99 - d.p99)}; the bare proxy adds p50 ${fmt(p.p50 - d.p50)}`);
  console.log(
    `  rate through the gateway: ${((g.rate / d.rate) * 100).toFixed(0)}% of direct (aim ≥ 60%); the bare proxy keeps ${((p.rate / d.rate) * 100).toFixed(0)}%, ` +
      `the gateway ${((g.rate / p.rate) * 100).toFixed(0)}% of the bare proxy's rate at ${(g.app / p.app).toFixed(1)}× its CPU per call`,
  );

  // ---- A 10 MB upload through the gateway, the server's RSS sampled meanwhile.
  await new Promise((r) => setTimeout(r, 1000));
  const before = rss(app.pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rss(app.pid))), 10);
  const t0 = performance.now();
  const uploaded = await new Promise<string>((resolve, reject) => {
    const req = request(
      `${app.base}/gateway/bench/v1/upload`,
      { method: "POST", headers: { ...auth, "content-type": "application/octet-stream", "content-length": String(10 * MB) } },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve(`${res.statusCode} ${text}`));
      },
    );
    req.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const more = () => {
      while (sent < 10 * MB) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", more);
      }
      req.end();
    };
    more();
  });
  const uploadMs = performance.now() - t0;
  clearInterval(sampler);
  if (!uploaded.startsWith("200") || !uploaded.includes(String(10 * MB))) throw new Error(`upload answered ${uploaded}`);
  console.log(
    `\n10 MB upload through the gateway: ${fmt(uploadMs)}; server RSS ${(before / MB).toFixed(0)} MB → peak ${(peak / MB).toFixed(0)} MB, growth ${((peak - before) / MB).toFixed(1)} MB (aim < 20 MB)`,
  );
  console.log(`Load average after: ${load()}`);
} finally {
  stopApp?.();
  backend.kill();
  bare.kill();
  if (process.env.BENCH_KEEP_DB) console.log(`kept database ${name}`);
  else await dropScratchDatabase(SERVER, name);
}
