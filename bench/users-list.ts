/**
 * tsx bench/users-list.ts — listUsers (the service the router and the exporter share) against one
 * tenant of BENCH_USERS users (default 1,000,000) on PostgreSQL: first page and deep keyset pages
 * for every sort, and each documented filter. Prints p50/p99 per case and the plan of the slowest
 * kind of query; asserts nothing. Service level, without HTTP.
 *
 *   BENCH_DATABASE_URL  PostgreSQL server for the scratch database (default local 127.0.0.1:5432)
 *   BENCH_USERS         users in the tenant (default 1000000)
 */
import { randomBytes } from "node:crypto";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { createPrismaClient } from "~/server/db-client";
import { migrateDatabase } from "~/server/db/migrate";
import { ensureBuiltInRoles } from "~/server/services/roles";
import { listUsers } from "~/server/services/user";
import { systemScope } from "~/server/services/scope";
import { userListInput, type UserListInput } from "~/lib/validators/user";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const N = Number(process.env.BENCH_USERS ?? 1_000_000);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function main() {
  const name = `uc_bench_users_${randomBytes(3).toString("hex")}`;
  const url = await createScratchDatabase(SERVER, name);
  const { db, close } = createPrismaClient({ databaseUrl: url, dataDir: ".data/bench" });
  try {
    await migrateDatabase({ kind: "postgresql", url });
    const tenant = await db.tenant.create({ data: { name: "Bench", status: "enabled" } });
    await ensureBuiltInRoles(db, tenant.id);
    const partner = await db.role.findFirstOrThrow({ where: { tenantId: tenant.id, name: "partner" } });
    const t0 = performance.now();
    // Every 7th user has no phone, every 5th no email, every 3rd no user name: NULLs sort too.
    await db.$executeRawUnsafe(`
      INSERT INTO "User" ("id","tenantId","userName","userNameKey","nickname","phone","email","status","createdAt","updatedAt","teamPath")
      SELECT gen_random_uuid(), '${tenant.id}'::uuid,
        CASE WHEN i % 3 = 0 THEN NULL ELSE 'user' || i END,
        CASE WHEN i % 3 = 0 THEN NULL ELSE 'user' || i END,
        'nick' || (i % 50000),
        CASE WHEN i % 7 = 0 THEN NULL ELSE '+86-1' || lpad(i::text, 10, '0') END,
        CASE WHEN i % 5 = 0 THEN NULL ELSE 'u' || i || '@bench.test' END,
        (CASE WHEN i % 10 = 0 THEN 'disabled' ELSE 'active' END)::"UserStatus",
        now() - (i || ' seconds')::interval, now(), ''
      FROM generate_series(1, ${N}) i`);
    await db.$executeRawUnsafe(
      `INSERT INTO "UserRole" ("userId","roleId") SELECT "id", '${partner.id}'::uuid FROM "User" WHERE "tenantId" = '${tenant.id}'::uuid AND "phone" LIKE '%3'`,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO "UserClaim" ("id","tenantId","userId","type","value") SELECT gen_random_uuid(), "tenantId", "id", 'tier', 'vip' FROM "User" WHERE "email" LIKE '%77@bench.test'`,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO "ExternalLogin" ("id","tenantId","userId","provider","providerKey") SELECT gen_random_uuid(), "tenantId", "id", 'wechat', 'openid-' || "id" FROM "User" WHERE "email" LIKE '%99@bench.test'`,
    );
    await db.$executeRawUnsafe(`ANALYZE`);
    console.log(`${N} users in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const scope = systemScope(db, { userId: "00000000-0000-0000-0000-000000000000", tenantId: tenant.id, isOperator: false, roles: [], permissions: [] });
    const someKey = (await db.externalLogin.findFirstOrThrow({ select: { providerKey: true } })).providerKey;
    const run = async (label: string, input: UserListInput, times = 30) => {
      const lat: number[] = [];
      let rows = 0;
      for (let i = 0; i < times; i++) {
        const s = performance.now();
        rows = (await listUsers(scope, userListInput.parse(input))).items.length;
        lat.push(performance.now() - s);
      }
      console.log(`${label.padEnd(44)} p50 ${pct(lat, 50).toFixed(1).padStart(6)} ms  p99 ${pct(lat, 99).toFixed(1).padStart(6)} ms  (${rows} rows)`);
    };
    /** The cursor of the page that starts `deep` rows in, found by walking cursors from page 1 in 100-row steps. */
    const deepCursor = async (input: UserListInput, deep: number) => {
      let cursor: string | undefined;
      for (let seen = 0; seen < deep; seen += 100) {
        const p = await listUsers(scope, userListInput.parse({ ...input, take: 100, cursor }));
        cursor = p.nextCursor ?? undefined;
      }
      return cursor;
    };
    for (const orderby of ["createdAt", "userName", "phone", "email"] as const) {
      for (const asc of [false, true]) {
        const base = { orderby, asc, take: 20 };
        await run(`first page ${orderby} ${asc ? "asc" : "desc"}`, base);
        const cursor = await deepCursor(base, 20_000);
        await run(`page after 20,000 rows ${orderby} ${asc ? "asc" : "desc"}`, { ...base, cursor });
      }
    }
    await run("name prefix 'user12'", { name: "user12" });
    await run("name prefix (nickname) 'nick4999'", { name: "nick4999" });
    await run("phone prefix", { phone: "+86-100000123" });
    await run("email prefix", { email: "u4242" });
    await run("status disabled", { status: "disabled" });
    await run("role partner", { roleId: (await db.role.findFirstOrThrow({ where: { tenantId: tenant.id, name: "partner" } })).id });
    await run("claim tier=vip", { claimType: "tier", claimValue: "vip" });
    await run("provider + key", { provider: "wechat", providerKey: someKey });
    await run("date range (one day)", { startTime: new Date(Date.now() - 86_400_000 * 3), endTime: new Date(Date.now() - 86_400_000 * 2) });
    await run("recycle bin (empty)", { deleted: true });
  } finally {
    await close();
    await dropScratchDatabase(SERVER, name);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
