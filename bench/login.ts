/**
 * npm run bench:login — password sign-in through the real HTTP route (POST /api/v1/login/AddLogin
 * on `next start`, PostgreSQL) against bare argon2id verifications with the same parameters.
 * Prints figures; asserts nothing. Needs a production build (runs `next build` if missing).
 *
 *   BENCH_DATABASE_URL  PostgreSQL server to create the bench database on (default local 127.0.0.1:5432)
 *   BENCH_N             sign-ins in the closed-loop run (default 400)
 */
import os from "node:os";
import { randomBytes } from "node:crypto";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { verify } from "@node-rs/argon2";
import { createPrismaClient } from "~/server/db-client";
import { migrateDatabase } from "~/server/db/migrate";
import { seed } from "~/server/seed";
import { hashPassword, md5Hex } from "~/server/password";
import { closedLoop, fmt, openLoop, pct, startApp } from "./lib";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const N = Number(process.env.BENCH_N ?? 400);
const PORT = 3300;
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
  await close();

  console.log(`Machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? "?"}; argon2id m=19456 t=2 p=1`);

  // 1. Bare verifications, as many at once as there are cores.
  const digest = md5Hex(PASSWORD);
  await verify(passwordHash, digest);
  const bare = await closedLoop(200, os.availableParallelism(), async () => void (await verify(passwordHash, digest)));
  console.log(`bare argon2id verify   : ${bare.rate.toFixed(1)}/s  p50 ${fmt(bare.p50)}  p99 ${fmt(bare.p99)}`);

  // 2. The real HTTP route.
  const app = await startApp(PORT, url.toString());
  stopApp = app.stop;
  const base = app.base;
  let seq = 0;
  const signIn = async () => {
    const i = seq++ % users;
    const res = await fetch(`${base}/api/v1/login/AddLogin`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": `10.0.${i}.1` },
      body: JSON.stringify({ ustr: `bench${i}`, pwd: digest }),
    });
    if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  for (let i = 0; i < 20; i++) await signIn(); // warm up
  const http = await closedLoop(N, 8, signIn);
  console.log(`HTTP sign-in (8 conc.) : ${http.rate.toFixed(1)}/s  p50 ${fmt(http.p50)}  p99 ${fmt(http.p99)}`);
  const at50 = await openLoop(50, 10, signIn);
  console.log(`HTTP sign-in at 50/s   : p50 ${fmt(at50.p50)}  p99 ${fmt(at50.p99)}`);
  console.log(`HTTP rate / bare rate  : ${((http.rate / bare.rate) * 100).toFixed(0)}%`);

  // Locked, unknown and wrong-password answers must look alike, in time too. Each attempt comes
  // from its own address so the IP limits stay out of it, and one at a time so queues do not blur it.
  const attempt = async (ustr: string, pwd: string, ip: string) => {
    const s = performance.now();
    const res = await fetch(`${base}/api/v1/login/AddLogin`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip },
      body: JSON.stringify({ ustr, pwd }),
    });
    const body = (await res.json()) as { error: number; message: string };
    return { ms: performance.now() - s, status: res.status, error: body.error, message: body.message };
  };
  const wrong = md5Hex("not the password");
  // Two failures under a second apart lock bench49 for 60 s.
  await attempt("bench49", wrong, "10.200.0.1");
  await attempt("bench49", wrong, "10.200.0.2");
  const kinds = { wrong: [] as number[], unknown: [] as number[], locked: [] as number[] };
  const seen = new Set<string>();
  for (let i = 0; i < 30; i++) {
    for (const [kind, ustr] of [["wrong", `bench${i}`], ["unknown", `ghost${i}`], ["locked", "bench49"]] as const) {
      const r = await attempt(ustr, wrong, `10.201.${i}.${kind.length}`);
      kinds[kind].push(r.ms);
      seen.add(`${r.status} ${r.error} ${r.message}`);
    }
    await new Promise((r) => setTimeout(r, 1100)); // keep clear of the one-second rule on bench${i}
  }
  for (const [kind, xs] of Object.entries(kinds)) console.log(`${kind.padEnd(7)} answer median  : ${fmt(pct(xs, 50))}`);
  console.log(`distinct answers       : ${seen.size} (${[...seen].join(" | ")})`);
} finally {
  stopApp?.();
  await dropScratchDatabase(SERVER, name);
}
