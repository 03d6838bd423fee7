import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";
import { signInWithPassword } from "~/server/services/auth";

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
