/**
 * npm run bench:codegen [-- <large-openapi.json>] — a whole TypeScript SDK release to a loopback
 * npm registry (verdaccio in this process) and Git server (git http-backend), through the
 * running app (`server.mjs`, PostgreSQL): seconds per step as the job records them, the whole
 * release, and p50/p99 of `/api/health` polled every 50 ms during it (the web process runs the
 * job: aim p99 < 100 ms). With a path to a large description (300+ operations), also the time
 * to generate it (the preview's work: generateInto into a temp folder) and a release of it.
 * The preview is run BENCH_PREVIEW_RUNS times (5): the first on a worker it starts, the next on
 * the warm worker the previous one left (as previews after the SDKs tab has opened do); p50 of
 * all. `-- --preview-only <large-openapi.json>` times the previews alone (no app, no build).
 * Asserts nothing; prints figures. Aims on 2 cores: release < 60 s, preview < 5 s.
 *
 *   BENCH_DATABASE_URL  PostgreSQL server to create the bench database on (default local 127.0.0.1:5432)
 *   BENCH_KEEP=1        keep the database (its name is printed)
 */
import os from "node:os";
import path from "node:path";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { md5Hex } from "~/server/password";
import { startNpmRegistry } from "~/test/npm-registry";
import { startGitServer } from "~/test/git-server";
import { generateInto, idleWorkersReady, prewarmGenerator, stopIdleWorkers } from "~/server/codegen/generate";
import { RELEASE_STEPS } from "~/lib/validators/sdk-release";
import { prepareConsoleDatabase } from "./console-data";
import { httpClient, pct, startApp } from "./lib";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const PORT = 3331;
const ADMIN_PASSWORD = "bench admin passphrase";
const previewOnly = process.argv.includes("--preview-only");
const large = process.argv.slice(2).find((a) => !a.startsWith("--"));
const PREVIEW_RUNS = Number(process.env.BENCH_PREVIEW_RUNS) || 5;

const SMALL = {
  openapi: "3.0.3",
  info: { title: "Pets", version: "1.0.0" },
  paths: {
    "/pets": { get: { operationId: "listPets", responses: { "200": { description: "ok" } } } },
    "/pets/{id}": {
      get: {
        operationId: "getPet",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "object", properties: { name: { type: "string" } } } } } } },
      },
    },
  },
};

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const countOps = (doc: { paths?: Record<string, Record<string, unknown>> }) =>
  Object.values(doc.paths ?? {}).reduce((n, item) => n + ["get", "put", "post", "delete", "patch", "head", "options"].filter((m) => item?.[m]).length, 0);

/** Generates `large` as a preview does, PREVIEW_RUNS times; prints each and the p50. */
async function previews(file: string) {
  const doc = JSON.parse(await readFile(file, "utf8")) as object;
  const times: number[] = [];
  const one = async (label: string) => {
    const out = await mkdtemp(path.join(os.tmpdir(), "uc-bench-preview-"));
    const t0 = performance.now();
    const gen = await generateInto({
      document: doc,
      generatorId: "typescript",
      settings: { packageName: "bench-large", className: "LargeClient", version: "1.0.0" },
      outDir: path.join(out, "src"),
    });
    const ms = performance.now() - t0;
    console.log(
      `${label} of ${path.basename(file)} (${countOps(doc as never)} operations, typescript): ${gen.files.length} files in ${secs(ms)} (load ${os.loadavg()[0]!.toFixed(1)})`,
    );
    await rm(out, { recursive: true, force: true });
    return ms;
  };
  for (let i = 0; i < PREVIEW_RUNS; i++) times.push(await one(`Preview ${i + 1}${i === 0 ? " (a worker it starts)" : ""}`));
  console.log(`Preview typescript p50 ${secs(pct(times, 50))}, first ${secs(times[0]!)}, min ${secs(Math.min(...times))}`);
  // As in the console: the SDKs tab starts a worker (and its warm-up run) when it opens; the first
  // preview comes after the user has read the tab.
  const prewarmed: number[] = [];
  for (let i = 0; i < PREVIEW_RUNS; i++) {
    stopIdleWorkers();
    const w0 = performance.now();
    await prewarmGenerator();
    await idleWorkersReady();
    const warmMs = performance.now() - w0;
    prewarmed.push(await one(`First preview after the SDKs tab's warm-up (${secs(warmMs)})`));
  }
  console.log(`First preview after the tab's warm-up: p50 ${secs(pct(prewarmed, 50))}, max ${secs(Math.max(...prewarmed))}`);
  return doc;
}

if (previewOnly) {
  if (!large) throw new Error("--preview-only needs a description: npm run bench:codegen -- --preview-only <large-openapi.json>");
  console.log(`Machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? "?"}; load average ${os.loadavg()[0]!.toFixed(1)}`);
  await previews(large);
  process.exit(0);
}

const name = `uc_bench_codegen_${randomBytes(3).toString("hex")}`;
const url = await createScratchDatabase(SERVER, name);
const registry = await startNpmRegistry();
const gitServer = await startGitServer();
let stopApp: (() => void) | undefined;
try {
  console.log(`Machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? "?"}; load average ${os.loadavg()[0]!.toFixed(1)}`);
  const data = await prepareConsoleDatabase(url, { users: 10, adminPassword: ADMIN_PASSWORD });
  process.env.UC_OUTBOUND_ALLOW_ADDRESSES = "127.0.0.1"; // the loopback registry and Git server, for the app
  const app = await startApp(PORT, url);
  stopApp = app.stop;
  const http = httpClient(app.base, 8);
  const login = await http("POST", "/api/v1/login/AddNoginr", {
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ustr: data.adminUserName, pwd: md5Hex(ADMIN_PASSWORD) }),
  });
  const token = (JSON.parse(login.body) as { result?: { token: string } }).result?.token;
  if (!token) throw new Error(`administrator sign-in failed: ${login.status} ${login.body}`);
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const call = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const res = await http(method, `/api/v1${p}`, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`${method} ${p} answered ${res.status}: ${res.body.slice(0, 500)}`);
    return JSON.parse(res.body) as T;
  };

  const onlineApi = async (apiName: string, doc: object) => {
    const api = await call<{ id: string }>("POST", "/api-resources", { name: apiName });
    const v = await call<{ id: string }>("POST", `/api-resources/${api.id}/versions`, { name: "v1" });
    const r = await call<{ id: string }>("POST", `/api-resources/${api.id}/revisions`, {
      versionId: v.id,
      source: { kind: "text", text: JSON.stringify(doc) },
    });
    await call("POST", `/api-revisions/${r.id}/online`, { notes: "bench" });
    return api.id;
  };

  const release = async (label: string, doc: object, version: string) => {
    const apiResourceId = await onlineApi(`bench-${label}-${randomBytes(2).toString("hex")}`, doc);
    // Warm: the health route and the job route compiled and cached before the clock starts.
    for (let i = 0; i < 20; i++) await http("GET", "/api/health");
    const health: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const s = performance.now();
        await http("GET", "/api/health");
        health.push(performance.now() - s);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t0 = performance.now();
    // The settings the SDKs tab saves; one repository for both releases (a branch each): each its own version, so each its own tag.
    await call("PUT", `/api-resources/${apiResourceId}/codegen/npm/typescript`, {
      packageName: `@bench/${label}-sdk`,
      className: "BenchClient",
      version,
      registryUrl: registry.url,
      token: registry.token,
      license: "MIT",
    });
    await call("PUT", `/api-resources/${apiResourceId}/codegen/git`, {
      remoteUrl: gitServer.url,
      branch: label,
      userName: gitServer.user,
      token: gitServer.token,
      syncDocs: true,
    });
    const started = await call<{ jobId: string }>("POST", "/sdk-releases", { apiResourceId, version });
    let job: { status: string; error: string | null; result: { timings?: Record<string, number> } | null };
    for (;;) {
      job = await call("GET", `/jobs/${started.jobId}`);
      if (["done", "failed", "cancelled"].includes(job.status)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const total = performance.now() - t0;
    polling = false;
    await poller;
    console.log(
      `\nRelease (${label}, ${countOps(doc as never)} operations): ${job.status}${job.error ? ` — ${job.error}` : ""} in ${secs(total)} (queued to done, seen by polling)`,
    );
    const timings = job.result?.timings ?? {};
    for (const step of RELEASE_STEPS) if (timings[step] !== undefined) console.log(`  ${step.padEnd(9)} ${secs(timings[step])}`);
    console.log(
      `  /api/health during it: ${health.length} calls, p50 ${pct(health, 50).toFixed(1)} ms, p99 ${pct(health, 99).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms`,
    );
  };

  await release("small", SMALL, "1.0.0");

  if (large) {
    console.log("");
    const doc = await previews(large);
    await release("large", doc, "2.0.0");
  } else console.log("\n(no large description given: `npm run bench:codegen -- <path to a 300+ operation OpenAPI document>` adds the preview time)");
} finally {
  stopApp?.();
  await registry.close();
  await gitServer.close();
  if (process.env.BENCH_KEEP) console.log(`Kept database ${name}`);
  else await dropScratchDatabase(SERVER, name);
}
