import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";
import { signInWithPassword } from "~/server/services/auth";
import { readFileSync } from "node:fs";
import path from "node:path";
import * as dashboard from "~/server/services/dashboard";
import { dashboardInput } from "~/lib/validators/dashboard";
import { runHousekeeping } from "~/server/jobs/housekeeping";
import type { Scope } from "~/server/services/scope";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;

const DAY = 86_400_000;
const now = Date.now();
/** An instant `k` days before now, and its UTC day as the dashboard names it. */
const ago = (k: number) => new Date(now - k * DAY);
const dayOf = (k: number) => ago(k).toISOString().slice(0, 10);
const UTC = { tz: "UTC" } as const;

/** The count a per-day array holds for the day `k` days ago. */
const on = (days: string[], counts: number[], k: number) => counts[days.indexOf(dayOf(k))];

beforeAll(async () => {
  w = t.w;
  db = t.db;
  const B = w.tenantB.id;
  const P = w.platform.id;
  // Users: two 3 days ago (and a deleted one, not counted), one 10 days ago, one 40 days ago.
  for (const [name, k, deleted] of [
    ["dash3a", 3, false],
    ["dash3b", 3, false],
    ["dash3gone", 3, true],
    ["dash10", 10, false],
    ["dash40", 40, false],
  ] as const) {
    await db.user.create({ data: { tenantId: B, userName: name, userNameKey: name, createdAt: ago(k), deletedAt: deleted ? ago(1) : null } });
  }
  await db.user.create({ data: { tenantId: P, userName: "dashplatform3", userNameKey: "dashplatform3", createdAt: ago(3) } });

  // Sign-ins: SMS codes two days ago (3) and today (1), WeChat yesterday (2); the platform's WeChat today.
  const session = (tenantId: string, userId: string, method: string, k: number, extra: { state?: "ended"; expiresAt?: Date } = {}) =>
    db.loginSession.create({
      data: { tenantId, userId, site: "web", method, createdAt: ago(k), lastSeenAt: ago(k), expiresAt: extra.expiresAt ?? new Date(now + DAY), ...extra },
    });
  for (let i = 0; i < 3; i++) await session(B, w.plainB.id, "sms-code", 2, { state: "ended" });
  await session(B, w.plainB.id, "sms-code", 0);
  for (let i = 0; i < 2; i++) await session(B, w.plainB.id, "wechat", 1, { expiresAt: ago(0.5) });
  await session(P, w.operator.id, "wechat", 0);

  // Messages: SMS two days ago (3, one refused by the provider), email today; the platform's SMS today (5).
  const message = (tenantId: string | null, channel: string, k: number, status = "sent") =>
    db.outboxMessage.create({ data: { tenantId, channel, to: "x", body: "-", provider: "aliyun", status, createdAt: ago(k) } });
  for (const status of ["sent", "sent", "failed"]) await message(B, "sms", 2, status);
  await message(B, "email", 0);
  for (let i = 0; i < 5; i++) await message(P, "sms", 0);

  // Refused sign-ins and locks.
  const failed = (tenantId: string, code: number, k: number, method = "password") =>
    db.signInFailure.create({ data: { tenantId, method, code, createdAt: ago(k) } });
  for (let i = 0; i < 3; i++) await failed(B, 12001, 2);
  await failed(B, 14004, 0);
  for (let i = 0; i < 7; i++) await failed(P, 12001, 0);
  const lock = (tenantId: string, userId: string, reason: string, k: number) =>
    db.accountLock.create({ data: { tenantId, userId, reason, until: ago(k - 0.01), createdAt: ago(k) } });
  await lock(B, w.plainB.id, "failures", 1);
  await lock(B, w.plainB.id, "admin", 0);
  await lock(P, w.operator.id, "burst", 0);
});

describe("dashboard.users", () => {
  it("counts a tenant's users and their new users per day, over 7, 30 or 90 days", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const week = await admin.dashboard.users({ days: 7, ...UTC });
    expect(week.days).toHaveLength(7);
    expect(week.days[6]).toBe(dayOf(0));
    expect(week.days[0]).toBe(dayOf(6));
    expect(week.total).toBe(await db.user.count({ where: { tenantId: w.tenantB.id, deletedAt: null } }));
    expect(week.totalEstimated).toBe(false);
    expect(on(week.days, week.counts, 3)).toBe(2);
    expect(on(week.days, week.counts, 1)).toBe(0);
    const today = await db.user.count({ where: { tenantId: w.tenantB.id, deletedAt: null, createdAt: { gte: new Date(`${dayOf(0)}T00:00:00Z`) } } });
    expect(week.counts[6]).toBe(today);
    expect(week.newInRange).toBe(today + 2);

    const month = await admin.dashboard.users({ days: 30, ...UTC });
    expect(month.days).toHaveLength(30);
    expect(on(month.days, month.counts, 10)).toBe(1);
    expect(month.newInRange).toBe(today + 3);
    const quarter = await admin.dashboard.users({ days: 90, ...UTC });
    expect(on(quarter.days, quarter.counts, 40)).toBe(1);
    expect(quarter.newInRange).toBe(today + 4);
    // The default range is 30 days.
    expect((await admin.dashboard.users({})).days).toHaveLength(30);
  });

  it("divides days at the time zone's midnight", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const r = await admin.dashboard.users({ days: 7, tz: "Asia/Shanghai" });
    const shanghaiToday = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
    expect(r.days[6]).toBe(shanghaiToday);
  });
});

describe("dashboard.signIns and sessions", () => {
  it("counts sign-ins per day by method, and the sessions usable now", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const r = await admin.dashboard.signIns({ days: 7, ...UTC });
    const sms = r.series.find((s) => s.key === "sms-code")!;
    const wechat = r.series.find((s) => s.key === "wechat")!;
    expect(on(r.days, sms.counts, 2)).toBe(3);
    expect(on(r.days, sms.counts, 0)).toBe(1);
    expect(sms.total).toBe(4);
    expect(on(r.days, wechat.counts, 1)).toBe(2);
    expect(wechat.total).toBe(2);
    // Every caller the fixtures make signs in by password: those are today's.
    expect(r.series.find((s) => s.key === "password")!.total).toBeGreaterThan(0);
    expect(r.total).toBe(r.series.reduce((a, s) => a + s.total, 0));

    const s = await admin.dashboard.sessions({});
    // Ended and expired sessions are not active; today's SMS one and the callers' are.
    expect(s.byMethod.find((m) => m.method === "sms-code")?.count).toBe(1);
    expect(s.byMethod.find((m) => m.method === "wechat")).toBeUndefined();
    expect(s.active).toBe(s.byMethod.reduce((a, m) => a + m.count, 0));
  });
});

describe("dashboard.codes, failures and errors", () => {
  it("counts messages sent per day by channel, and those refused", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const r = await admin.dashboard.codes({ days: 7, ...UTC });
    expect(r.series.map((s) => s.key)).toEqual(["sms", "email"]);
    expect(on(r.days, r.series[0]!.counts, 2)).toBe(3);
    expect(on(r.days, r.series[1]!.counts, 0)).toBe(1);
    expect(r).toMatchObject({ total: 4, failed: 1, keptDays: 30 });
  });

  it("counts refused sign-ins and locks per day, lock reasons, and the most frequent error codes", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const f = await admin.dashboard.failures({ days: 7, ...UTC });
    expect(on(f.days, f.failures, 2)).toBe(3);
    expect(on(f.days, f.failures, 0)).toBe(1);
    expect(on(f.days, f.locks, 1)).toBe(1);
    expect(on(f.days, f.locks, 0)).toBe(1);
    expect(f).toMatchObject({ totalFailures: 4, totalLocks: 2 });
    expect(f.lockReasons.sort((a, b) => a.reason.localeCompare(b.reason))).toEqual([
      { reason: "admin", count: 1 },
      { reason: "failures", count: 1 },
    ]);
    expect(await admin.dashboard.errors({ days: 7, ...UTC })).toEqual({
      total: 4,
      items: [
        { code: 12001, count: 3 },
        { code: 14004, count: 1 },
      ],
    });
  });

  it("records every refused sign-in: a wrong password leaves a row with its method and code, naming no one", async () => {
    const before = await db.signInFailure.count({ where: { tenantId: w.tenantB.id, code: 12001, method: "password" } });
    expect(await failure(() => signInWithPassword(db, { tenant: w.tenantB, ustr: "plainb", pwd: "not the password" }))).toMatchObject({ code: 12001 });
    expect(await failure(() => signInWithPassword(db, { tenant: w.tenantB, ustr: "nobody-at-all", pwd: "x" }))).toMatchObject({ code: 12001 });
    expect(await db.signInFailure.count({ where: { tenantId: w.tenantB.id, code: 12001, method: "password" } })).toBe(before + 2);
  });
});

describe("dashboard tenant scoping", () => {
  it("shows a tenant administrator only their tenant, whatever tenant they name; operators all, or the one they pick", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const op = await w.callerFor(w.operator.id, w.platform);
    const B = w.tenantB.id;
    const P = w.platform.id;

    const own = await admin.dashboard.codes({ days: 7, ...UTC });
    expect(await admin.dashboard.codes({ days: 7, tenantId: P, ...UTC })).toEqual(own);
    // (The test above added two wrong passwords to B's.)
    const ownErrors = await admin.dashboard.errors({ days: 7, ...UTC });
    expect(ownErrors.total).toBe(6);
    expect(await admin.dashboard.errors({ days: 7, tenantId: P, ...UTC })).toEqual(ownErrors);
    expect((await admin.dashboard.failures({ days: 7, tenantId: P, ...UTC })).totalLocks).toBe(2);
    const usersB = await admin.dashboard.users({ days: 7, tenantId: P, ...UTC });
    expect(usersB.total).toBe(await db.user.count({ where: { tenantId: B, deletedAt: null } }));
    expect((await admin.dashboard.signIns({ days: 7, tenantId: P, ...UTC })).series.find((s) => s.key === "wechat")!.total).toBe(2);

    // The operator naming tenant B sees B's figures; naming none, every tenant's.
    expect(await op.dashboard.codes({ days: 7, tenantId: B, ...UTC })).toEqual(own);
    expect(await op.dashboard.codes({ days: 7, tenantId: P, ...UTC })).toMatchObject({ total: 5, failed: 0 });
    expect(await op.dashboard.codes({ days: 7, ...UTC })).toMatchObject({ total: 9, failed: 1 });
    expect(await op.dashboard.errors({ days: 7, ...UTC })).toEqual({
      total: 13,
      items: [
        { code: 12001, count: 12 },
        { code: 14004, count: 1 },
      ],
    });
    expect((await op.dashboard.failures({ days: 7, tenantId: P, ...UTC })).lockReasons).toEqual([{ reason: "burst", count: 1 }]);
    expect((await op.dashboard.users({ days: 7, ...UTC })).total).toBe(await db.user.count({ where: { deletedAt: null } }));
    expect((await op.dashboard.signIns({ days: 7, ...UTC })).series.find((s) => s.key === "wechat")!.total).toBe(3);
  });
});

describe("dashboard guards and input", () => {
  it("needs uc.dashboard.get: 10002 without it, 10001 anonymous", async () => {
    const plain = await w.callerFor(w.plainB.id);
    for (const call of [
      () => plain.dashboard.users({}),
      () => plain.dashboard.signIns({}),
      () => plain.dashboard.failures({}),
      () => plain.dashboard.sessions({}),
      () => plain.dashboard.codes({}),
      () => plain.dashboard.errors({}),
    ]) {
      expect(await failure(call)).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
    }
    const anon = await w.callerFor(null);
    expect(await failure(() => anon.dashboard.users({}))).toMatchObject({ code: 10001, trpc: "UNAUTHORIZED" });
  });

  it("takes 7, 30 or 90 days and a known time zone, else field errors", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const f = await failure(() => admin.dashboard.users({ days: 15 as 7, tz: "Mars/Olympus" }));
    expect(f).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(f.fields!).sort()).toEqual(["days", "tz"]);
  });
});

describe("dashboard counts (ActivityCount) against the rows", () => {
  type Chart = (s: Scope, i: ReturnType<typeof dashboardInput.parse>, o?: { source?: "rollup" | "raw" }) => Promise<unknown>;
  const CHARTS: Record<string, Chart> = {
    users: dashboard.dashboardUsers,
    signIns: dashboard.dashboardSignIns,
    failures: dashboard.dashboardFailures,
    codes: dashboard.dashboardCodes,
    errors: dashboard.dashboardErrors,
  };
  /** UTC, whole-hour zones either side, half and quarter hours (India, Nepal), and a DST zone. */
  const ZONES = ["UTC", "Asia/Shanghai", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Chatham"];
  let scopes: { name: string; scope: Scope; tenantId?: string }[];

  /** Every chart, range and zone: the counts answer exactly what counting the rows answers. */
  async function expectCountsMatchRows() {
    for (const { name, scope, tenantId } of scopes)
      for (const days of [7, 30, 90] as const)
        for (const tz of ZONES)
          for (const [chart, call] of Object.entries(CHARTS)) {
            const input = dashboardInput.parse({ days, tz, tenantId });
            const [counts, rows] = [await call(scope, input), await call(scope, input, { source: "raw" })];
            expect({ name, chart, days, tz, answer: counts }).toEqual({ name, chart, days, tz, answer: rows });
          }
  }

  /** LoginSession rows of a tenant per local day, counted here in JS (Intl), not in SQL. */
  async function signInsByDay(tenantId: string, tz: string) {
    const fmt = new Intl.DateTimeFormat("en-CA", { timeZone: tz });
    const byDay = new Map<string, number>();
    for (const r of await db.loginSession.findMany({ where: { tenantId }, select: { createdAt: true } })) {
      const day = fmt.format(r.createdAt);
      byDay.set(day, (byDay.get(day) ?? 0) + 1);
    }
    return byDay;
  }
  const dayTotals = (r: { days: string[]; series: { counts: number[] }[] }) =>
    new Map(r.days.map((d, i) => [d, r.series.reduce((a, s) => a + (s.counts[i] ?? 0), 0)] as const).filter(([, n]) => n !== 0));

  beforeAll(async () => {
    const B = w.tenantB.id;
    const P = w.platform.id;
    // A signed-in context is the scope a dashboard procedure passes its service.
    const scopeOf = async (userId: string, tenant: typeof w.tenantB) => (await w.ctxFor(userId, tenant)) as Scope;
    scopes = [
      { name: "B's administrator", scope: await scopeOf(w.managerB.id, w.tenantB) },
      { name: "operator, every tenant", scope: await scopeOf(w.operator.id, w.platform) },
      { name: "operator, tenant B", scope: await scopeOf(w.operator.id, w.platform), tenantId: B },
    ];
    // Rows a second either side of midnight in UTC, Shanghai, New York and Kolkata, today and
    // 1, 6, 7, 29, 30, 89 and 90 days ago (the ranges' first days and the days before them).
    const midnightUtc = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
    const instants: Date[] = [];
    for (const k of [0, 1, 6, 7, 29, 30, 89, 90])
      for (const offsetMin of [0, -480, 300, -330]) for (const s of [-1, 0, 1]) instants.push(new Date(midnightUtc - k * DAY + offsetMin * 60_000 + s * 1000));
    const past = instants.filter((d) => d.getTime() <= now);
    let i = 0;
    for (const at of past) {
      const tenantId = i % 5 === 4 ? P : B;
      const userId = tenantId === B ? w.plainB.id : w.operator.id;
      i++;
      await db.user.create({ data: { tenantId, userName: `edge${i}`, userNameKey: `edge${i}`, createdAt: at } });
      await db.loginSession.create({
        data: {
          tenantId,
          userId,
          site: "web",
          method: ["password", "sms-code", "wechat"][i % 3]!,
          createdAt: at,
          lastSeenAt: at,
          expiresAt: new Date(now + DAY),
        },
      });
      await db.signInFailure.create({ data: { tenantId, method: "password", code: [12001, 14004, 10005][i % 3]!, createdAt: at } });
      await db.accountLock.create({ data: { tenantId, userId, reason: ["failures", "burst"][i % 2]!, until: at, createdAt: at } });
      await db.outboxMessage.create({
        data: {
          tenantId: i % 7 === 0 ? null : tenantId,
          channel: i % 2 ? "sms" : "email",
          to: "x",
          body: "-",
          provider: "aliyun",
          status: i % 4 ? "sent" : "failed",
          createdAt: at,
        },
      });
    }
  });

  it("answers what counting the rows answers, for every chart, range and zone, today and each midnight included", async () => {
    await expectCountsMatchRows();
  });

  it("gives each day the sign-ins a direct count of the tenant's rows finds, tenant by tenant", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const op = await w.callerFor(w.operator.id, w.platform);
    for (const tz of ["Asia/Shanghai", "Asia/Kolkata"]) {
      const direct = await signInsByDay(w.tenantB.id, tz);
      const r = await admin.dashboard.signIns({ days: 90, tz });
      const inRange = new Map([...direct].filter(([d]) => r.days.includes(d)));
      expect(dayTotals(r)).toEqual(inRange);
      // The platform's rows are its own: B's figures hold none of them, and the other way round.
      const p = await op.dashboard.signIns({ days: 90, tz, tenantId: w.platform.id });
      expect(dayTotals(p)).toEqual(new Map([...(await signInsByDay(w.platform.id, tz))].filter(([d]) => p.days.includes(d))));
    }
  });

  it("keeps the rows' semantics: a deleted user leaves the new users (back when restored); a session in the recycle bin still counts, a purged one no more", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const day = (r: { days: string[] }, k: number) => r.days.indexOf(dayOf(k));
    const user = await db.user.create({ data: { tenantId: w.tenantB.id, userName: "dashsem", userNameKey: "dashsem", createdAt: ago(5) } });
    const before = await admin.dashboard.users({ days: 7, ...UTC });
    await admin.user.delete({ id: user.id });
    const deleted = await admin.dashboard.users({ days: 7, ...UTC });
    expect(deleted.counts[day(deleted, 5)]).toBe(before.counts[day(before, 5)]! - 1);
    await admin.user.recycle({ id: user.id });
    expect(await admin.dashboard.users({ days: 7, ...UTC })).toEqual(before);

    const session = await db.loginSession.create({
      data: { tenantId: w.tenantB.id, userId: user.id, site: "web", method: "wechat", createdAt: ago(4), lastSeenAt: ago(4), expiresAt: ago(3) },
    });
    const wechatOn4 = async () => {
      const r = await admin.dashboard.signIns({ days: 7, ...UTC });
      return r.series.find((s) => s.key === "wechat")!.counts[day(r, 4)];
    };
    const counted = await wechatOn4();
    await admin.session.delete({ id: session.id });
    expect(await wechatOn4()).toBe(counted);
    await admin.session.purge({ id: session.id });
    expect(await wechatOn4()).toBe(counted! - 1);
    await expectCountsMatchRows();
  });

  it("stays equal to the rows when housekeeping deletes old ones and adds the deltas into the counts", async () => {
    const swept = await runHousekeeping(db, { kind: t.kind, retention: { outboxMs: 20 * DAY, sessionMs: 60 * DAY } });
    expect(swept).toMatchObject({ status: "done", counts: { outbox: expect.any(Number) as number } });
    if (swept.status === "done") expect(swept.counts.outbox + swept.counts.sessions + swept.counts.signInFailures).toBeGreaterThan(0);
    // The sweep added every delta into the counts (its own deletions' too).
    expect(swept.status === "done" && swept.counts.activityDeltas).toBeGreaterThan(0);
    expect(await db.activityDelta.count()).toBe(0);
    await expectCountsMatchRows();
    // A count the deletions took to zero is gone, not kept as a zero.
    expect(await db.activityCount.count({ where: { count: { lte: 0 } } })).toBe(0);
  });

  it("reads the counts, not the rows, unless the zone's midnights are not on quarter hours", async () => {
    const B = w.tenantB.id;
    const scope = scopes[0]!.scope;
    // A count with no row behind it shows: the chart read the counts.
    const bucket = new Date(`${dayOf(1)}T06:15:00Z`);
    await db.activityCount.create({ data: { tenantId: B, metric: "signIn", bucket, dimension: "no-such-method", count: 5 } });
    const r = await dashboard.dashboardSignIns(scope, dashboardInput.parse({ days: 7, tz: "Asia/Kolkata" }));
    expect(r.series.find((x) => x.key === "no-such-method")).toMatchObject({ total: 5 });
    // In 1900 Kolkata's midnight was 18:38:50 UTC (+05:21:10): its days are counted from the rows.
    const old = new Date("1900-01-09T06:15:00Z");
    await db.activityCount.create({ data: { tenantId: B, metric: "signIn", bucket: old, dimension: "no-such-method", count: 3 } });
    const opts = (source?: "raw") => ({ now: new Date("1900-01-10T12:00:00Z"), source });
    const utc = await dashboard.dashboardSignIns(scope, dashboardInput.parse({ days: 7, tz: "UTC" }), opts());
    expect(utc.series).toEqual([{ key: "no-such-method", counts: [0, 0, 0, 0, 0, 3, 0], total: 3 }]);
    const kolkata = dashboardInput.parse({ days: 7, tz: "Asia/Kolkata" });
    expect(await dashboard.dashboardSignIns(scope, kolkata, opts())).toEqual(await dashboard.dashboardSignIns(scope, kolkata, opts("raw")));
    expect((await dashboard.dashboardSignIns(scope, kolkata, opts())).total).toBe(0);
    await db.activityCount.deleteMany({ where: { dimension: "no-such-method" } });
  });

  it("counts the rows already there when its migration runs", async () => {
    // Undo the migration (tables, functions and with them the triggers), then run its file again
    // over the rows this file wrote.
    const file = readFileSync(path.join(process.cwd(), "prisma/migrations", MIGRATION, "migration.sql"), "utf8");
    await db.$executeRawUnsafe(`DROP TABLE "ActivityCount", "ActivityDelta"`);
    for (const [, fn] of file.matchAll(/CREATE FUNCTION "(\w+)"/g)) await db.$executeRawUnsafe(`DROP FUNCTION "${fn}" CASCADE`);
    for (const statement of sqlStatements(file)) await db.$executeRawUnsafe(statement);
    expect(await db.activityCount.count()).toBeGreaterThan(0);
    await expectCountsMatchRows();
  });
});

const MIGRATION = "20261201232243_activity_count";

/** A migration file's statements: split at `;` outside `$$ … $$` bodies and comments. */
function sqlStatements(sql: string): string[] {
  const out: string[] = [];
  let current = "";
  let inBody = false;
  for (const line of sql.split("\n")) {
    if (!inBody && line.trimStart().startsWith("--")) continue;
    current += line + "\n";
    inBody = (line.match(/\$\$/g)?.length ?? 0) % 2 === 1 ? !inBody : inBody;
    if (!inBody && line.trimEnd().endsWith(";")) {
      out.push(current.trim().replace(/;$/, ""));
      current = "";
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
