/**
 * npm run bench:login — password sign-in through the real HTTP route (POST /api/v1/login/AddLogin
 * on `next start`, PostgreSQL) against bare argon2id verifications with the same parameters.
 * Prints figures; asserts nothing. Needs a production build (runs `next build` if missing).
 *
 *   BENCH_DATABASE_URL  PostgreSQL server to create the bench database on (default local 127.0.0.1:5432)
 *   BENCH_N             sign-ins in the closed-loop run (default 400)
 *   BENCH_TRIES         attempts of each failure kind in the timing comparison (default 30)
 *   BENCH_PORT          port for `next start` (default 3300)
 */
import os from "node:os";
import { randomBytes } from "node:crypto";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { verify } from "@node-rs/argon2";
import { createPrismaClient } from "~/server/db-client";
import { migrateDatabase } from "~/server/db/migrate";
import { seed } from "~/server/seed";
import { hashPassword, md5Hex } from "~/server/password";
import { closedLoop, fmt, httpClient, openLoop, pct, postgresRootPid, startApp, treeCpuSeconds } from "./lib";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const N = Number(process.env.BENCH_N ?? 400);
const TRIES = Number(process.env.BENCH_TRIES ?? 30);
const PORT = Number(process.env.BENCH_PORT ?? 3300);
const PASSWORD = "bench passphrase 1";

const name = `uc_bench_${randomBytes(3).toString("hex")}`;
const url = new URL(await createScratchDatabase(SERVER, name));
let stopApp: (() => void) | undefined;
try {
  await migrateDatabase({ kind: "postgresql", url: url.toString() });
  const { db, close } = createPrismaClient({ databaseUrl: url.toString(), dataDir: ".data/bench" });
  await seed(db, { adminUsername: "admin", adminPassword: "bench-admin-password" });
  const tenant = await db.tenant.findFirstOrThrow({ where: { isDefault: true } });
  const passwordHash = await hashPassword(PASSWORD);
  const users = 50;
  await db.user.createMany({
    data: Array.from({ length: users }, (_, i) => ({ tenantId: tenant.id, userName: `bench${i}`, userNameKey: `bench${i}`, passwordHash })),
  });
  // An address past the 50-failure limit, for the no-hash measurement below.
  const now = new Date();
  await db.authThrottle.create({ data: { key: "ip:10.250.0.1", failures: 60, windowStart: now, lastFailureAt: now } });
  // For the timing comparison: bench49 locked for the whole run, bench48 disabled.
  const locked = await db.user.findFirstOrThrow({ where: { tenantId: tenant.id, userNameKey: "bench49" } });
  await db.authThrottle.create({ data: { key: `acct:${tenant.id}:${locked.id}`, lockedUntil: new Date(now.getTime() + 3600_000) } });
  await db.user.updateMany({ where: { tenantId: tenant.id, userNameKey: "bench48" }, data: { status: "disabled" } });
  await close();

  console.log(`Machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? "?"}; argon2id m=19456 t=2 p=1`);

  // 1. Bare verifications, as many at once as there are cores.
  const digest = md5Hex(PASSWORD);
  await verify(passwordHash, digest);
  const bareCpu0 = process.cpuUsage();
  const bare = await closedLoop(200, os.availableParallelism(), async () => void (await verify(passwordHash, digest)));
  const bareCpu = process.cpuUsage(bareCpu0);
  const hashMs = (bareCpu.user + bareCpu.system) / 1000 / 200;
  console.log(`bare argon2id verify   : ${bare.rate.toFixed(1)}/s  p50 ${fmt(bare.p50)}  p99 ${fmt(bare.p99)}  (${hashMs.toFixed(1)} ms CPU each)`);

  // 2. The real HTTP route.
  const app = await startApp(PORT, url.toString());
  stopApp = app.stop;
  const http = httpClient(app.base, 16);
  const post = (path: string, body: unknown, ip: string) =>
    http("POST", path, { headers: { "content-type": "application/json", "x-forwarded-for": ip }, body: JSON.stringify(body) });
  let seq = 0;
  const signIn = async () => {
    const i = seq++ % (users - 2); // bench48 and bench49 are the disabled and the locked one
    const res = await post("/api/v1/login/AddLogin", { ustr: `bench${i}`, pwd: digest }, `10.0.${i}.1`);
    if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${res.body}`);
  };
  for (let i = 0; i < 20; i++) await signIn(); // warm up
  // CPU per sign-in, by process: where the time beyond the hash goes.
  const pg = postgresRootPid();
  const cpu = () => ({ app: treeCpuSeconds(app.pid), pg: pg ? treeCpuSeconds(pg) : 0, client: process.cpuUsage() });
  const before = cpu();
  const signIns = await closedLoop(N, 8, signIn);
  const after = cpu();
  console.log(`HTTP sign-in (8 conc.) : ${signIns.rate.toFixed(1)}/s  p50 ${fmt(signIns.p50)}  p99 ${fmt(signIns.p99)}`);
  const per = (s: number) => `${((s * 1000) / N).toFixed(1)} ms`;
  const clientS = (after.client.user + after.client.system - before.client.user - before.client.system) / 1e6;
  console.log(
    `CPU per sign-in        : app ${per(after.app - before.app)} (hash ${hashMs.toFixed(1)} ms of it)  PostgreSQL ${per(after.pg - before.pg)}  bench client ${per(clientS)}`,
  );
  const at50 = await openLoop(50, 10, signIn);
  console.log(`HTTP sign-in at 50/s   : p50 ${fmt(at50.p50)}  p99 ${fmt(at50.p99)}`);
  console.log(`HTTP rate / bare rate  : ${((signIns.rate / bare.rate) * 100).toFixed(0)}%`);

  // The same route with no hash: an address past 50 failures is answered 429 after the tenant
  // and sign-in reads (the address's failures were set up with the users). What that costs is the HTTP path's own price per sign-in.
  const blocked = async () => {
    const res = await post("/api/v1/login/AddLogin", { ustr: "bench1", pwd: digest }, "10.250.0.1");
    if (res.status !== 429) throw new Error(`expected 429, got ${res.status}`);
  };
  const b0 = cpu();
  const refused = await closedLoop(N, 8, blocked);
  const b1 = cpu();
  console.log(`refused before hashing : ${refused.rate.toFixed(0)}/s  CPU per request: app ${per(b1.app - b0.app)}  PostgreSQL ${per(b1.pg - b0.pg)}`);

  // Every failure must look alike, in time too, and so must a locked account's right password:
  // each attempt costs one argon2 verification whatever the account's state. Each attempt comes
  // from its own address so the IP limits stay out of it, and one at a time so queues do not blur it.
  const attempt = async (ustr: string, pwd: string, ip: string) => {
    const s = performance.now();
    const res = await post("/api/v1/login/AddLogin", { ustr, pwd }, ip);
    const body = JSON.parse(res.body) as { error: number; message: string };
    return { ms: performance.now() - s, status: res.status, error: body.error, message: body.message };
  };
  const wrong = md5Hex("not the password");
  const kinds: [kind: string, account: (i: number) => [ustr: string, pwd: string]][] = [
    ["wrong", (i) => [`bench${i}`, wrong]],
    ["unknown", (i) => [`ghost${i}`, wrong]],
    ["locked + wrong", () => ["bench49", wrong]],
    ["disabled", () => ["bench48", wrong]],
    ["locked + correct", () => ["bench49", digest]],
  ];
  const times = new Map(kinds.map(([k]) => [k, [] as number[]]));
  const seen = new Set<string>();
  for (let i = 0; i < TRIES; i++) {
    for (const [j, [kind, account]] of kinds.entries()) {
      const [ustr, pwd] = account(i % 40);
      const r = await attempt(ustr, pwd, `10.201.${i}.${j + 1}`);
      times.get(kind)!.push(r.ms);
      seen.add(`${r.status} ${r.error} ${r.message}`);
    }
    await new Promise((r) => setTimeout(r, 1100)); // keep clear of the one-second rule on bench${i}
  }
  for (const [kind, xs] of times) console.log(`${kind.padEnd(16)} median : ${fmt(pct(xs, 50))}`);
  console.log(`distinct answers        : ${seen.size} (${[...seen].join(" | ")})`);
} finally {
  stopApp?.();
  await dropScratchDatabase(SERVER, name);
}
