/**
 * Data for `npm run bench:console`: one tenant with BENCH_USERS users (default 1,000,000) on the
 * host 127.0.0.1, and 19 small tenants of 200 users each, written with set-based SQL (a few
 * tens of seconds for a million) so every documented filter has something to find:
 * - user names `u<i>`, nicknames `<name> <i>` from a small list, phones `+86-139<8 digits>`,
 *   emails `u<i>@bench.test`, creation dates spread over two years;
 * - 1 in 100 disabled; every user holds the `user` role, 1 in 1,000 also `partner`;
 * - 1 in 20 has a WeChat login (`wechat`, openid `o<i>`), 1 in 10 a claim `level` = gold/silver;
 * - for the dashboard, 90 days of activity in proportion: sign-ins (one per two users, by
 *   password, SMS code or WeChat, 1 in 10 still active), 30 days of SMS and email messages (one
 *   per ten users), refused sign-ins (one per five users) and account locks (one per 100).
 */
import { spawnSync } from "node:child_process";
import pg from "pg";
import { migrateDatabase } from "~/server/db/migrate";
import { hashPassword } from "~/server/password";

export interface BenchData {
  tenantId: string;
  adminUserName: string;
  users: number;
}

const NAMES = ["zhang wei", "wang fang", "li na", "liu yang", "chen jing", "yang li", "zhao min", "huang lei", "zhou tao", "wu yan"];

/** The platform operator the benches' databases are seeded with (user name `admin`, on `localhost`). */
export const BENCH_OPERATOR_PASSWORD = "bench-operator-password";

/**
 * A scratch database as the console benches start from: migrated, seeded (the operator above),
 * then loaded by loadConsoleData with a tenant administrator whose password is `adminPassword`.
 */
export async function prepareConsoleDatabase(url: string, opts: { users: number; adminPassword: string }): Promise<BenchData> {
  await migrateDatabase({ kind: "postgresql", url });
  // The seed as `npm start` runs it before server.mjs (`npm run db:seed`: the key check values and
  // the signing key too), with the servers' DATA_DIR, so their first start finds what every start finds.
  const seeded = spawnSync("npm", ["run", "-s", "db:seed"], {
    env: { ...process.env, DATABASE_URL: url, DATA_DIR: ".data/bench", ADMIN_USERNAME: "admin", ADMIN_PASSWORD: BENCH_OPERATOR_PASSWORD },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (seeded.status !== 0) throw new Error(`npm run db:seed failed (${seeded.status})`);
  return loadConsoleData(url, { users: opts.users, adminPasswordHash: await hashPassword(opts.adminPassword) });
}

export async function loadConsoleData(url: string, opts: { users: number; adminPasswordHash: string }): Promise<BenchData> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = (sql: string, params: unknown[] = []) => c.query(sql, params);
    // The platform keeps `localhost`; 127.0.0.1 becomes the big tenant's host.
    await q(`DELETE FROM "TenantHost" WHERE host = '127.0.0.1'`);
    const big = (
      await q(`INSERT INTO "Tenant" (id, name, status, "createdAt", "updatedAt") VALUES (gen_random_uuid(), 'Bench 1M', 'enabled', now(), now()) RETURNING id`)
    ).rows[0] as { id: string };
    await q(`INSERT INTO "TenantHost" (id, "tenantId", host) VALUES (gen_random_uuid(), $1, '127.0.0.1')`, [big.id]);
    const small: string[] = [];
    for (let t = 1; t <= 19; t++) {
      const row = (
        await q(`INSERT INTO "Tenant" (id, name, status, "createdAt", "updatedAt") VALUES (gen_random_uuid(), $1, 'enabled', now(), now()) RETURNING id`, [
          `Bench small ${t}`,
        ])
      ).rows[0] as { id: string };
      await q(`INSERT INTO "TenantHost" (id, "tenantId", host) VALUES (gen_random_uuid(), $1, $2)`, [row.id, `small${t}.bench.test`]);
      small.push(row.id);
    }
    return { tenantId: big.id, adminUserName: "benchadmin", users: opts.users, ...(await fill(q, big.id, small, opts)) };
  } finally {
    await c.end();
  }
}

type Q = (sql: string, params?: unknown[]) => Promise<pg.QueryResult>;

async function fill(q: Q, bigId: string, small: string[], opts: { users: number; adminPasswordHash: string }) {
  // Roles: the built-in ones, with the registry's permissions, copied from the default tenant.
  for (const id of [bigId, ...small]) {
    await q(
      `INSERT INTO "Role" (id, "tenantId", name, description, "builtIn", permissions, claims, "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, name, description, true, permissions, claims, now(), now()
       FROM "Role" WHERE "builtIn" AND "tenantId" = (SELECT id FROM "Tenant" WHERE "isDefault")`,
      [id],
    );
  }
  const names = `ARRAY[${NAMES.map((n) => `'${n}'`).join(",")}]`;
  const insertUsers = (tenantId: string, n: number, prefix: string) =>
    q(
      `INSERT INTO "User" (id, "tenantId", "userName", "userNameKey", nickname, phone, email, status, properties,
                           "teamPath", "teamDepth", "createdAt", "updatedAt")
       SELECT u.id, $1, $3 || u.i, $3 || u.i, (${names})[1 + u.i % 10] || ' ' || u.i,
              '+86-139' || lpad(u.i::text, 8, '0'), $3 || u.i || '@bench.test',
              (CASE WHEN u.i % 100 = 0 THEN 'disabled' ELSE 'active' END)::"UserStatus", '{}',
              u.id::text || '/', 0,
              now() - (u.i * interval '63 seconds'), now()
       FROM (SELECT gen_random_uuid() AS id, i FROM generate_series(1, $2::int) AS i) u`,
      [tenantId, n, prefix],
    );
  await insertUsers(bigId, opts.users, "u");
  for (const [k, id] of small.entries()) await insertUsers(id, 200, `s${k}u`);

  // Every user holds `user`; 1 in 1,000 also `partner`.
  await q(
    `INSERT INTO "UserRole" ("userId", "roleId")
           SELECT u.id, r.id FROM "User" u JOIN "Role" r ON r."tenantId" = u."tenantId" AND r.name = 'user'
           WHERE u."tenantId" = ANY($1::uuid[])`,
    [[bigId, ...small]],
  );
  await q(
    `INSERT INTO "UserRole" ("userId", "roleId")
           SELECT u.id, r.id FROM "User" u JOIN "Role" r ON r."tenantId" = u."tenantId" AND r.name = 'partner'
           WHERE u."tenantId" = $1 AND substr(u."userName", 2)::int % 1000 = 0`,
    [bigId],
  );
  await q(
    `INSERT INTO "ExternalLogin" (id, "tenantId", "userId", provider, "providerKey", "createdAt")
           SELECT gen_random_uuid(), u."tenantId", u.id, 'wechat', 'o' || substr(u."userName", 2), now()
           FROM "User" u WHERE u."tenantId" = $1 AND substr(u."userName", 2)::int % 20 = 0`,
    [bigId],
  );
  await q(
    `INSERT INTO "UserClaim" (id, "tenantId", "userId", type, value)
           SELECT gen_random_uuid(), u."tenantId", u.id, 'level',
                  CASE WHEN substr(u."userName", 2)::int % 20 = 0 THEN 'gold' ELSE 'silver' END
           FROM "User" u WHERE u."tenantId" = $1 AND substr(u."userName", 2)::int % 10 = 0`,
    [bigId],
  );

  // The tenant's administrator, who signs in to measure.
  await q(
    `INSERT INTO "User" (id, "tenantId", "userName", "userNameKey", nickname, "passwordHash", status, properties, "teamPath", "createdAt", "updatedAt")
     SELECT id, $1, 'benchadmin', 'benchadmin', 'Bench admin', $2, 'active', '{}', id::text || '/', now(), now()
     FROM (SELECT gen_random_uuid() AS id) x`,
    [bigId, opts.adminPasswordHash],
  );
  await q(
    `INSERT INTO "UserRole" ("userId", "roleId")
           SELECT u.id, r.id FROM "User" u JOIN "Role" r ON r."tenantId" = u."tenantId" AND r.name = 'administrator'
           WHERE u."tenantId" = $1 AND u."userName" = 'benchadmin'`,
    [bigId],
  );
  await fillActivity(q, bigId, opts.users);
  await q(`ANALYZE`);
  return {};
}

/** The dashboard's rows for the big tenant, spread over the last 90 days (messages: 30, what the log keeps). */
async function fillActivity(q: Q, tenantId: string, users: number) {
  const spread = (days: number) => `now() - random() * interval '${days} days'`;
  await q(
    `INSERT INTO "LoginSession" (id, "tenantId", "userId", site, method, state, "createdAt", "lastSeenAt", "expiresAt")
     SELECT gen_random_uuid(), $1, u.id, 'web', (ARRAY['password', 'sms-code', 'wechat'])[1 + s.i % 3],
            (CASE WHEN s.i % 10 = 0 THEN 'active' ELSE 'ended' END)::"SessionState", s.at,
            CASE WHEN s.i % 10 = 0 THEN now() ELSE s.at END,
            CASE WHEN s.i % 10 = 0 THEN now() + interval '7 days' ELSE s.at + interval '7 days' END
       -- Spread by i (a random() in an uncorrelated LATERAL would be computed once for every row).
       FROM (SELECT i, now() - (i::bigint * 7919 % 7776000) * interval '1 second' AS at FROM generate_series(1, $2::int) AS i) s
       JOIN LATERAL (SELECT id FROM "User" WHERE "tenantId" = $1 AND "userNameKey" = 'u' || (1 + s.i % $3::int)) u ON true`,
    [tenantId, Math.floor(users / 2), users],
  );
  await q(
    `INSERT INTO "OutboxMessage" (id, "tenantId", channel, "to", body, provider, status, "createdAt")
     SELECT gen_random_uuid(), $1, CASE WHEN i % 4 = 0 THEN 'email' ELSE 'sms' END, 'x', '-', 'aliyun',
            CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'sent' END, ${spread(30)}
       FROM generate_series(1, $2::int) AS i`,
    [tenantId, Math.floor(users / 10)],
  );
  await q(
    `INSERT INTO "SignInFailure" (id, "tenantId", method, code, "createdAt")
     SELECT gen_random_uuid(), $1, CASE WHEN i % 5 = 0 THEN 'sms-code' ELSE 'password' END,
            (ARRAY[12001, 12001, 12001, 14004, 10005, 14001])[1 + i % 6], ${spread(90)}
       FROM generate_series(1, $2::int) AS i`,
    [tenantId, Math.floor(users / 5)],
  );
  await q(
    `INSERT INTO "AccountLock" (id, "tenantId", "userId", until, reason, "createdAt")
     SELECT gen_random_uuid(), $1, gen_random_uuid(), now(), (ARRAY['failures', 'burst', 'device', 'admin'])[1 + i % 4], ${spread(90)}
       FROM generate_series(1, $2::int) AS i`,
    [tenantId, Math.floor(users / 100)],
  );
}
