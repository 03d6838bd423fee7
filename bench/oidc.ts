/**
 * npm run bench:oidc — the default tenant's OpenID Provider on the built server (`node server.mjs`,
 * PostgreSQL), driven over HTTP the way relying parties drive it:
 *   - refresh-token grants (rotation on) by 16 concurrent chains, one signed-in user each, then
 *     the latency at a steady 100/s;
 *   - code exchanges (codes minted beforehand by silent authorizations);
 *   - silent SSO rounds: authorize with an existing provider session and grant → code → token
 *     (no password hash, no page);
 *   - the CPU per refresh by process (server, PostgreSQL, this client), and beside it the bare
 *     baseline in the same run: the statements a refresh makes, sent straight to PostgreSQL by
 *     `pg` with the same concurrency, and an empty HTTP answer of the same server (/api/health).
 * Prints figures and the load average (the machine may be shared: compare CPU per operation
 * rather than rates); asserts only that every answer is the expected one.
 *
 *   BENCH_DATABASE_URL  PostgreSQL server to create the bench database on (default local 127.0.0.1:5432)
 *   BENCH_DB_PREFIX     name prefix of the scratch database (default uc_bench)
 *   BENCH_PORT          port of the server (default 3330)
 *   BENCH_N             operations per closed-loop run (default 2000)
 *   BENCH_ONLY=refresh  only the refresh runs (for `BENCH_CPU_PROF=<dir>`: a profile of the refresh path)
 *   BENCH_ONLY=sso      only the silent SSO rounds (a profile of the authorize → code → token path)
 */
import os from "node:os";
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { createPrismaClient } from "~/server/db-client";
import { migrateDatabase } from "~/server/db/migrate";
import { seed } from "~/server/seed";
import { hashPassword } from "~/server/password";
import { fmt, httpClient, measure, openLoop, postgresRootPid, startApp } from "./lib";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const PREFIX = process.env.BENCH_DB_PREFIX ?? "uc_bench";
const PORT = Number(process.env.BENCH_PORT ?? 3330);
const N = Number(process.env.BENCH_N ?? 2000);
const ONLY_REFRESH = process.env.BENCH_ONLY === "refresh";
const ONLY_SSO = process.env.BENCH_ONLY === "sso";
const CONCURRENCY = 16;
/** Refresh chains: one per signed-in user, each used by one request at a time. */
const CHAINS = 64;
const PASSWORD = "bench passphrase 1";
const REDIRECT = "https://rp.bench.example/callback";

const b64url = (b: Buffer) => b.toString("base64url");
const sha256 = (s: string) => createHash("sha256").update(s).digest();
const ms = (s: number) => `${(s * 1000).toFixed(2)} ms`;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

const name = `${PREFIX}_oidc_${randomBytes(3).toString("hex")}`;
const url = new URL(await createScratchDatabase(SERVER, name));
let stopApp: (() => void) | undefined;
try {
  await migrateDatabase({ kind: "postgresql", url: url.toString() });
  const { db, close } = createPrismaClient({ databaseUrl: url.toString(), dataDir: ".data/bench" });
  await seed(db, { adminUsername: "admin", adminPassword: "bench-admin-password" });
  const tenant = await db.tenant.findFirstOrThrow({ where: { isDefault: true } });
  const passwordHash = await hashPassword(PASSWORD);
  await db.user.createMany({
    data: Array.from({ length: CHAINS }, (_, i) => ({
      tenantId: tenant.id,
      userName: `oidc${i}`,
      userNameKey: `oidc${i}`,
      passwordHash,
      email: `oidc${i}@bench.example`,
    })),
  });
  // Two first-party web apps with a secret (no consent page): the bench's relying parties.
  const apps = await Promise.all(
    ["bench-app-a", "bench-app-b"].map(async (clientId) => {
      const secret = `ucs_${b64url(randomBytes(32))}`;
      await db.oAuthClient.create({
        data: {
          tenantId: tenant.id,
          clientId,
          name: clientId,
          grantTypes: ["authorization_code", "refresh_token"],
          scopes: [],
          redirectUris: [REDIRECT],
          postLogoutRedirectUris: [],
          corsOrigins: [],
          consentRequired: false,
          secrets: { create: [{ hash: createHash("sha256").update(secret).digest("hex"), hint: secret.slice(0, 8) }] },
        },
      });
      return { clientId, basic: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}` };
    }),
  );
  await close();

  console.log(`Machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? "?"}; load average ${load()} before start`);
  const app = await startApp(PORT, url.toString());
  stopApp = app.stop;
  const http = httpClient(app.base, CONCURRENCY * 2);
  const pgPid = postgresRootPid();
  const pids = { app: app.pid, pg: pgPid };

  /** One browser: cookies by name (the flows of one jar run one at a time, as in oidc.test.ts). */
  class Jar {
    readonly cookies = new Map<string, string>();
    header = () => [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    take(setCookie: string[] | undefined) {
      for (const line of setCookie ?? []) {
        const [pair = ""] = line.split(";");
        const eq = pair.indexOf("=");
        const value = pair.slice(eq + 1).trim();
        if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(pair.slice(0, eq).trim());
        else this.cookies.set(pair.slice(0, eq).trim(), value);
      }
    }
    async request(method: string, path: string, opts: { headers?: Record<string, string>; body?: string; keep?: boolean } = {}) {
      const cookie = this.header();
      const res = await http(method, path, { headers: { ...opts.headers, ...(cookie ? { cookie } : {}) }, body: opts.body });
      if (opts.keep !== false) this.take(res.headers["set-cookie"]);
      return res;
    }
  }

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const FORM = "application/x-www-form-urlencoded";

  /** next-auth's password sign-in, as the login form posts it (one argon2 hash, once per user). */
  async function signIn(jar: Jar, user: string, ip: string) {
    const csrf = await jar.request("GET", "/api/auth/csrf", { headers: { "x-forwarded-for": ip } });
    const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
    await jar.request("POST", "/api/auth/callback/password", {
      headers: { "content-type": FORM, "x-forwarded-for": ip },
      body: form({ csrfToken, ustr: user, pwd: PASSWORD, json: "true" }),
    });
    if (![...jar.cookies.keys()].some((k) => k.endsWith("next-auth.session-token"))) throw new Error(`sign-in of ${user} failed`);
  }

  /**
   * /oidc/auth for `app`, following the provider's own redirects (interaction, resume) until it
   * sends the browser to the app: the code. `keep: false` leaves the jar as it is (concurrent silent rounds).
   */
  async function authorize(jar: Jar, a: (typeof apps)[number], scope: string, extra: Record<string, string> = {}, keep = true) {
    const verifier = b64url(randomBytes(32));
    const state = b64url(randomBytes(8));
    let path = `/oidc/auth?${form({
      client_id: a.clientId,
      redirect_uri: REDIRECT,
      response_type: "code",
      scope,
      state,
      code_challenge: b64url(sha256(verifier)),
      code_challenge_method: "S256",
      ...extra,
    })}`;
    for (let hop = 0; hop < 10; hop++) {
      const res = await jar.request("GET", path, { keep });
      const location = res.headers.location;
      if (res.status < 300 || res.status >= 400 || !location) throw new Error(`${path} answered ${res.status}: ${res.body.slice(0, 300)}`);
      if (location.startsWith(REDIRECT)) {
        const back = new URL(location);
        const code = back.searchParams.get("code");
        if (!code || back.searchParams.get("state") !== state) throw new Error(`no code: ${location}`);
        return { code, verifier };
      }
      const next = new URL(location, app.base);
      if (next.origin !== app.base) throw new Error(`unexpected redirect to ${location}`);
      path = `${next.pathname}${next.search}`;
    }
    throw new Error("too many redirects");
  }

  async function token(a: (typeof apps)[number], fields: Record<string, string>) {
    const res = await http("POST", "/oidc/token", { headers: { "content-type": FORM, authorization: a.basic }, body: form(fields) });
    if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as { access_token: string; id_token?: string; refresh_token?: string };
  }
  const exchange = (a: (typeof apps)[number], c: { code: string; verifier: string }) =>
    token(a, { grant_type: "authorization_code", code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier });

  // Every user signs in once (the only password hashes of the run) and lets app A stay signed in
  // (offline_access wants prompt=consent; a first-party app grants it without a page).
  const [appA, appB] = apps as [(typeof apps)[number], (typeof apps)[number]];
  const jars: Jar[] = [];
  const chains: string[] = [];
  for (let i = 0; i < CHAINS; i++) {
    const jar = new Jar();
    await signIn(jar, `oidc${i}`, `10.9.${i}.1`);
    const t = await exchange(appA, await authorize(jar, appA, "openid offline_access", { prompt: "consent" }));
    if (!t.refresh_token) throw new Error("no refresh token");
    chains.push(t.refresh_token);
    jars.push(jar);
  }
  // App B by single sign-on (its first authorization makes its grant), so later rounds are silent.
  for (const jar of jars) await exchange(appB, await authorize(jar, appB, "openid email"));

  /**
   * One refresh on a free chain; the rotated token replaces the used one. When every chain is in
   * use (a server that cannot keep up with the steady rate), the refresh waits for one, and the
   * wait counts in its latency.
   */
  const free = chains.map((_, i) => i);
  const waiting: ((i: number) => void)[] = [];
  const release = (i: number) => {
    const next = waiting.shift();
    if (next) next(i);
    else free.unshift(i);
  };
  const refresh = async () => {
    const i = free.pop() ?? (await new Promise<number>((resolve) => waiting.push(resolve)));
    try {
      const t = await token(appA, { grant_type: "refresh_token", refresh_token: chains[i]! });
      if (!t.refresh_token || t.refresh_token === chains[i]) throw new Error("the refresh token did not rotate");
      chains[i] = t.refresh_token;
    } finally {
      release(i);
    }
  };
  for (let i = 0; i < 100; i++) await refresh(); // warm up

  // The postmaster's tree holds every database's backends: on a shared server other work counts
  // too, and a backend that exits meanwhile takes its CPU out of the sum (shown as n/a).
  const pgMs = (s: number) => (s < 0 ? "n/a" : ms(s));
  const row = (label: string, r: Awaited<ReturnType<typeof measure>>) =>
    console.log(
      `${label.padEnd(34)}: ${r.rate.toFixed(0).padStart(5)}/s  p50 ${fmt(r.p50).padStart(8)}  p99 ${fmt(r.p99).padStart(8)}   CPU per op: server ${ms(r.app)}  PostgreSQL ${pgMs(r.pg)}  bench client ${ms(r.self)}`,
    );
  console.log(`\nload average at the start of the runs: ${load()}`);
  const refreshed = ONLY_SSO ? null : await measure(N, CONCURRENCY, refresh, pids);
  if (refreshed) {
    row(`refresh grant (${CONCURRENCY} concurrent)`, refreshed);
    const s0 = performance.now();
    const steady = await openLoop(100, 10, refresh);
    const kept = 1000 / ((performance.now() - s0) / 1000);
    console.log(
      `${"refresh grant at a steady 100/s".padEnd(34)}:         p50 ${fmt(steady.p50).padStart(8)}  p99 ${fmt(steady.p99).padStart(8)}   (${kept.toFixed(0)}/s achieved${kept < 95 ? ": the server did not keep up, latency includes the queue" : ""})`,
    );
  }

  if (!ONLY_REFRESH) {
    // Code exchanges: codes minted first (silent authorizations of app B), then exchanged. A code
    // lives 60 s, so no more than a slow machine mints and exchanges in that time.
    const minted: { code: string; verifier: string }[] = [];
    const codes = Math.min(N, 320);
    for (let i = 0; i < codes; i += CONCURRENCY)
      minted.push(...(await Promise.all(jars.slice(0, CONCURRENCY).map((jar) => authorize(jar, appB, "openid email", {}, false)))));
    const exchanged = await measure(minted.length, CONCURRENCY, async () => void (await exchange(appB, minted.pop()!)), pids);
    row(`code exchange (${CONCURRENCY} concurrent)`, exchanged);

    // Silent SSO rounds: each user's provider session and grant, a fresh code, its tokens.
    let turn = 0;
    const ssoRound = async () => {
      const jar = jars[turn++ % jars.length]!;
      const t = await exchange(appB, await authorize(jar, appB, "openid email", {}, false));
      if (!t.id_token) throw new Error("no ID token");
    };
    for (let i = 0; i < 50; i++) await ssoRound();
    row(`silent SSO round (${CONCURRENCY} concurrent)`, await measure(N, CONCURRENCY, ssoRound, pids));
  }

  // Baselines in the same run: an empty answer of the same server, and the SQL of one refresh.
  const health = async () => {
    const res = await http("GET", "/api/health");
    if (res.status !== 200) throw new Error(`/api/health answered ${res.status}`);
  };
  for (let i = 0; i < 200; i++) await health();
  const bareHttp = await measure(N, CONCURRENCY, health, pids);
  row("bare HTTP (/api/health)", bareHttp);
  const bareSql = await refreshSqlBaseline(url.toString(), tenant.id, pgPid);
  row(`bare SQL of a refresh (${bareSql.statements} stmts)`, bareSql);
  if (refreshed)
    console.log(
      `\nrefresh / bare SQL: ${(refreshed.rate / bareSql.rate).toFixed(2)}× the rate; server CPU per refresh ${ms(refreshed.app)} = ${(refreshed.app / bareHttp.app).toFixed(1)}× an empty HTTP answer (${ms(bareHttp.app)})`,
    );
  console.log(`load average at the end: ${load()}`);
} finally {
  stopApp?.();
  await dropScratchDatabase(SERVER, name);
}

/**
 * What one refresh asks of PostgreSQL, sent by `pg` with the same concurrency and nothing else:
 * the tenant by host, the client with its secrets, the refresh token row (with
 * its login session), consuming it, the grant, the account, the rotated refresh token and the
 * access token written. The same statements the server makes (counted on its pool while
 * writing this: eight, the client's secrets coming with the client), with the parameters of a real grant.
 */
async function refreshSqlBaseline(databaseUrl: string, tenantId: string, pgPid: number) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY });
  const { rows } = await pool.query<{ id: string; grantId: string; payload: unknown; loginSessionId: string }>(
    `SELECT "id", "grantId", "payload", "loginSessionId"::text AS "loginSessionId" FROM "OidcPayload" WHERE "model" = 'RefreshToken' AND "tenantId" = $1 AND "consumedAt" IS NULL LIMIT 1`,
    [tenantId],
  );
  const rt = rows[0]!;
  const user = await pool.query<{ id: string }>(`SELECT "id"::text AS "id" FROM "User" WHERE "tenantId" = $1 LIMIT 1`, [tenantId]);
  const one = (where: string) => `
    SELECT p."payload", p."consumedAt", p."expiresAt", p."loginSessionId"::text AS "loginSessionId",
           (p."loginSessionId" IS NOT NULL AND s."id" IS NULL) AS "gone", s."state"::text AS "state", s."deletedAt",
           s."expiresAt" AS "sExpiresAt", s."lastSeenAt", s."idleSeconds"
      FROM "OidcPayload" p LEFT JOIN "LoginSession" s ON s."id" = p."loginSessionId"
     WHERE p."model" = $1 AND p."tenantId" = $2::uuid AND ${where} LIMIT 1`;
  const insert = `
    INSERT INTO "OidcPayload" ("model", "id", "tenantId", "payload", "grantId", "userCode", "uid", "loginSessionId", "expiresAt")
    VALUES ($1, $2, $3::uuid, $4::jsonb, $5, NULL, NULL, $6::uuid, now() + interval '1 hour')
    ON CONFLICT ("model", "id") DO UPDATE SET "payload" = EXCLUDED."payload", "expiresAt" = EXCLUDED."expiresAt"
    WHERE "OidcPayload"."tenantId" = EXCLUDED."tenantId"`;
  const payload = JSON.stringify(rt.payload);
  const statements = (): [string, unknown[]][] => [
    [
      `SELECT t."id"::text AS "id", t."name", t."status"::text AS "status", t."isDefault" FROM "TenantHost" h JOIN "Tenant" t ON t."id" = h."tenantId" WHERE h."host" = $1 LIMIT 1`,
      ["127.0.0.1"],
    ],
    [
      `SELECT c."id"::text AS "id", c."clientId", c."name", c."grantTypes", c."scopes", c."redirectUris", c."postLogoutRedirectUris", c."corsOrigins", c."tokenLifetime", c."consentRequired",
              COALESCE((SELECT json_agg(json_build_object('id', s."id", 'hash', s."hash", 'expiresAt', s."expiresAt"))
                          FROM "ClientSecret" s WHERE s."clientId" = c."id"), '[]'::json) AS "secrets"
         FROM "OAuthClient" c JOIN "Tenant" t ON t."id" = c."tenantId" LEFT JOIN "User" o ON o."id" = c."ownerId"
        WHERE c."clientId" = $1 AND c."tenantId" = $2::uuid AND c."enabled" AND t."status" = 'enabled' LIMIT 1`,
      ["bench-app-a", tenantId],
    ],
    [one(`p."id" = $3`), ["RefreshToken", tenantId, rt.id]],
    [`UPDATE "OidcPayload" SET "consumedAt" = "consumedAt" WHERE "model" = 'RefreshToken' AND "id" = $1 AND "tenantId" = $2::uuid`, [rt.id, tenantId]],
    [one(`p."id" = $3`), ["Grant", tenantId, rt.grantId]],
    [
      `SELECT u."id"::text AS "id", u."userName", u."nickname", u."avatar", u."phone", u."email", u."gender", u."birthday", u."address", u."locale", u."updatedAt"
         FROM "User" u JOIN "Tenant" t ON t."id" = u."tenantId"
        WHERE u."id" = $1::uuid AND u."tenantId" = $2::uuid AND u."status" = 'active' AND u."deletedAt" IS NULL AND t."status" = 'enabled' LIMIT 1`,
      [user.rows[0]!.id, tenantId],
    ],
    [insert, ["RefreshToken", `bench-rt-${randomBytes(4).toString("hex")}`, tenantId, payload, rt.grantId, rt.loginSessionId]],
    [insert, ["AccessToken", `bench-at-${randomBytes(4).toString("hex")}`, tenantId, payload, rt.grantId, rt.loginSessionId]],
  ];
  const op = async () => {
    const c = await pool.connect();
    try {
      for (const [text, values] of statements()) await c.query(text, values);
    } finally {
      c.release();
    }
  };
  for (let i = 0; i < 100; i++) await op();
  const r = await measure(N, CONCURRENCY, op, { pg: pgPid });
  await pool.end();
  return { ...r, statements: statements().length };
}
