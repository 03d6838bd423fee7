/**
 * npx tsx --conditions=react-server bench/counters.ts — what the dashboard's counting triggers
 * (ActivityDelta, migration 20261201232243_activity_count) cost the statements they ride on:
 * the sign-in's session INSERT (the very statement `createLoginSession` sends) and a refused
 * sign-in's SignInFailure INSERT, with the triggers on and off in alternating rounds, one at a
 * time and 8 at once. Every statement of a round counts under the same key (one tenant, one
 * method, one quarter hour): the worst case for contention, which an UPDATE of one shared
 * count row would serialise (each holding the row until its commit) and a delta INSERT does not.
 * Prints figures; asserts nothing.
 *
 *   BENCH_DATABASE_URL  PostgreSQL server to create the bench database on (default local 127.0.0.1:5432)
 *   BENCH_N             statements per round (default 2000)
 *   BENCH_ROUNDS        rounds of each setting (default 3)
 */
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { migrateDatabase } from "~/server/db/migrate";
import { closedLoop, fmt } from "./lib";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const N = Number(process.env.BENCH_N ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const name = `uc_bench_counters_${randomBytes(3).toString("hex")}`;
const url = await createScratchDatabase(SERVER, name);
const pool = new pg.Pool({ connectionString: url, max: 8 });
try {
  await migrateDatabase({ kind: "postgresql", url });
  const one = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0] as { id: string };
  const tenant = await one(
    `INSERT INTO "Tenant" (id, name, status, "createdAt", "updatedAt") VALUES (gen_random_uuid(), 'Counters', 'enabled', now(), now()) RETURNING id`,
  );
  const user = await one(
    `INSERT INTO "User" (id, "tenantId", "userName", "userNameKey", status, properties, "teamPath", "createdAt", "updatedAt")
     VALUES (gen_random_uuid(), $1, 'u', 'u', 'active', '{}', '', now(), now()) RETURNING id`,
    [tenant.id],
  );
  const session = () =>
    pool
      .query(
        `INSERT INTO "LoginSession" ("id", "tenantId", "userId", "site", "method", "actingRole", "ip", "userAgent", "deviceId", "expiresAt", "idleSeconds")
         VALUES ($1::uuid, $2::uuid, $3::uuid, 'web', 'password', NULL, '127.0.0.1', 'bench', NULL, now() + interval '7 days', 1800)
         RETURNING "id"::text AS "id", "expiresAt"`,
        [randomUUID(), tenant.id, user.id],
      )
      .then(() => undefined);
  const failure = () =>
    pool
      .query(`INSERT INTO "SignInFailure" ("id", "tenantId", "method", "code", "createdAt") VALUES ($1::uuid, $2::uuid, 'password', 12001, now())`, [
        randomUUID(),
        tenant.id,
      ])
      .then(() => undefined);
  const triggers = async (on: boolean) => {
    for (const t of ["LoginSession", "SignInFailure"]) await pool.query(`ALTER TABLE "${t}" ${on ? "ENABLE" : "DISABLE"} TRIGGER USER`);
  };

  type Figures = { rate: number; p50: number; p99: number }[];
  const results = new Map<string, Figures>();
  const add = (key: string, f: Figures[number]) => results.set(key, [...(results.get(key) ?? []), f]);
  for (let i = 0; i < 200; i++) await session(); // warm up
  for (let round = 0; round < ROUNDS; round++) {
    for (const on of round % 2 ? [false, true] : [true, false]) {
      await triggers(on);
      const label = on ? "counted" : "not counted";
      add(`session INSERT, 1 at a time, ${label}`, await closedLoop(N, 1, session));
      add(`session INSERT, 8 at once, ${label}`, await closedLoop(N, 8, session));
      add(`failure INSERT, 8 at once, ${label}`, await closedLoop(N, 8, failure));
    }
  }
  await triggers(true);
  const counted = await pool.query(
    `SELECT "metric", sum("count")::int AS n FROM (SELECT * FROM "ActivityCount" UNION ALL SELECT "tenantId", "metric", "bucket", "dimension", "count" FROM "ActivityDelta") c GROUP BY 1 ORDER BY 1`,
  );
  console.log(`\n${N} statements per round, ${ROUNDS} rounds of each setting (figures: best–worst round):`);
  const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
  for (const [key, fs] of [...results].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(
      `  ${key.padEnd(40)} ${range(
        fs.map((f) => f.rate),
        (x) => x.toFixed(0),
      )}/s  p50 ${range(
        fs.map((f) => f.p50),
        fmt,
      )}  p99 ${range(
        fs.map((f) => f.p99),
        fmt,
      )}`,
    );
  }
  console.log(`  counters hold: ${counted.rows.map((r: { metric: string; n: number }) => `${r.metric} ${r.n}`).join(", ")}`);
} finally {
  await pool.end();
  await dropScratchDatabase(SERVER, name);
}
