import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";
import { acctKey, deviceKey } from "~/server/security/throttle";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
beforeAll(() => {
  w = t.w;
  db = t.db;
});

const MIN = 60_000;
let seq = 0;
/** What brute-force protection leaves behind: the throttle row that refuses sign-ins, and the lock record. */
async function lockOf(tenantId: string, userId: string, opts: { until?: Date; reason?: string; device?: string } = {}) {
  const until = opts.until ?? new Date(Date.now() + 10 * MIN);
  await db.authThrottle.create({ data: { key: acctKey(tenantId, userId), failures: 5, lockLevel: 1, lockedUntil: until } });
  if (opts.device) await db.authThrottle.create({ data: { key: deviceKey(tenantId, userId, opts.device), failures: 5, lockedUntil: until } });
  return db.accountLock.create({
    data: { tenantId, userId, until, reason: opts.reason ?? "failures", ip: "198.51.100.7", createdAt: new Date(Date.UTC(2026, 5, 1, 0, ++seq)) },
  });
}
const throttleKeys = async (tenantId: string, userId: string) =>
  (await db.authThrottle.findMany({ where: { key: { contains: `${tenantId}:${userId}` } }, select: { key: true } })).map((r) => r.key).sort();

describe("lock.list", () => {
  it("shows a tenant administrator their tenant's locks, newest first, named and marked active or expired", async () => {
    const u1 = await w.makeUser(w.tenantB.id, "locked1", ["user"]);
    const u2 = await db.user.create({ data: { tenantId: w.tenantB.id, phone: "+86-13900000123", nickname: null } });
    const older = await lockOf(w.tenantB.id, u1.id, { until: new Date(Date.now() - MIN) });
    await db.authThrottle.deleteMany({ where: { key: acctKey(w.tenantB.id, u1.id) } });
    const newer = await lockOf(w.tenantB.id, u2.id, { reason: "burst" });
    const foreign = await lockOf(w.platform.id, w.operator.id);

    const admin = await w.callerFor(w.managerB.id);
    const list = await admin.lock.list({});
    expect(list.total).toBe(2);
    expect(list.items.map((l) => l.id)).toEqual([newer.id, older.id]);
    expect(list.items[0]).toEqual({
      id: newer.id,
      tenantId: w.tenantB.id,
      userId: u2.id,
      userName: "+86-13900000123",
      until: newer.until,
      reason: "burst",
      ip: "198.51.100.7",
      createdAt: newer.createdAt,
      active: true,
    });
    expect(list.items[1]).toMatchObject({ userName: "locked1", active: false });
    expect((await admin.lock.list({ userId: u1.id })).items.map((l) => l.id)).toEqual([older.id]);
    expect((await admin.lock.list({ take: 1, skip: 1 })).items.map((l) => l.id)).toEqual([older.id]);
    // Tenant isolation: the platform's lock is not listed, not even when asked for by user.
    expect((await admin.lock.list({ userId: w.operator.id })).total).toBe(0);

    // The operator sees every tenant's.
    const op = await w.callerFor(w.operator.id, w.platform);
    const everything = await op.lock.list({ take: 100 });
    expect(everything.items.map((l) => l.id)).toEqual([foreign.id, newer.id, older.id]);
  });

  it("answers bad input with field errors", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const f = await failure(() => admin.lock.list({ userId: "42", take: 101 }));
    expect(f).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(f.fields!).sort()).toEqual(["take", "userId"]);
  });

  it("needs uc.lock.get: 10002 without it, 10001 anonymous", async () => {
    const plain = await w.callerFor(w.plainB.id);
    expect(await failure(() => plain.lock.list({}))).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
    const anon = await w.callerFor(null);
    expect(await failure(() => anon.lock.list({}))).toMatchObject({ code: 10001, trpc: "UNAUTHORIZED" });
  });
});

describe("lock.unlock", () => {
  it("lifts the account's lock and its devices' locks, forgets the failures, and writes an audit entry", async () => {
    const u = await w.makeUser(w.tenantB.id, "unlockme", ["user"]);
    const other = await w.makeUser(w.tenantB.id, "staylocked", ["user"]);
    await lockOf(w.tenantB.id, u.id, { device: "nonce-1" });
    await lockOf(w.tenantB.id, other.id);
    expect(await throttleKeys(w.tenantB.id, u.id)).toEqual([acctKey(w.tenantB.id, u.id), deviceKey(w.tenantB.id, u.id, "nonce-1")]);

    const admin = await w.callerFor(w.managerB.id, w.tenantB, { ip: "192.0.2.44", userAgent: "Vitest/lock" });
    expect(await admin.lock.unlock({ userId: u.id })).toEqual({ ok: true });
    expect(await throttleKeys(w.tenantB.id, u.id)).toEqual([]);
    expect(await throttleKeys(w.tenantB.id, other.id)).toEqual([acctKey(w.tenantB.id, other.id)]);
    // The list no longer shows the lifted lock as active (its record stays, ended now); the other one is untouched.
    expect((await admin.lock.list({ userId: u.id })).items.map((l) => l.active)).toEqual([false]);
    expect((await admin.lock.list({ userId: other.id })).items.map((l) => l.active)).toEqual([true]);
    const audit = await db.auditLog.findMany({ where: { action: "lock.unlock", recordId: u.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ tenantId: w.tenantB.id, actorId: w.managerB.id, ip: "192.0.2.44", userAgent: "Vitest/lock" });
    // Unlocking an account that is not locked is fine, and audited too.
    expect(await admin.lock.unlock({ userId: u.id })).toEqual({ ok: true });
    expect(await db.auditLog.count({ where: { action: "lock.unlock", recordId: u.id } })).toBe(2);
  });

  it("cannot touch another tenant's user: 10004, their lock stays, no audit entry", async () => {
    const a = await w.makeUser(w.platform.id, "platformlocked", ["user"]);
    await lockOf(w.platform.id, a.id);
    const admin = await w.callerFor(w.managerB.id);
    expect(await failure(() => admin.lock.unlock({ userId: a.id }))).toMatchObject({ code: 10004, trpc: "NOT_FOUND" });
    expect(await failure(() => admin.lock.unlock({ userId: "00000000-0000-4000-8000-000000000000" }))).toMatchObject({ code: 10004 });
    expect(await throttleKeys(w.platform.id, a.id)).toEqual([acctKey(w.platform.id, a.id)]);
    expect(await db.auditLog.count({ where: { action: "lock.unlock", recordId: a.id } })).toBe(0);
    // The operator may lift any tenant's.
    const op = await w.callerFor(w.operator.id, w.platform);
    expect(await op.lock.unlock({ userId: a.id })).toEqual({ ok: true });
    expect(await throttleKeys(w.platform.id, a.id)).toEqual([]);
    expect(await db.auditLog.findFirstOrThrow({ where: { action: "lock.unlock", recordId: a.id } })).toMatchObject({
      tenantId: w.platform.id,
      actorId: w.operator.id,
    });
  });

  it("answers a bad user id with a field error; needs uc.lock.unlock (10002), anonymous 10001", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const f = await failure(() => admin.lock.unlock({ userId: "not-a-uuid" }));
    expect(f).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(f.fields!)).toEqual(["userId"]);

    const u = await w.makeUser(w.tenantB.id, "lockedforplain", ["user"]);
    await lockOf(w.tenantB.id, u.id);
    // A role that may list locks but not lift them.
    const role = await db.role.create({ data: { tenantId: w.tenantB.id, name: "lock-viewer", permissions: ["uc.lock.get"] } });
    const viewer = await db.user.create({
      data: { tenantId: w.tenantB.id, userName: "lockviewer", userNameKey: "lockviewer", roles: { create: [{ roleId: role.id }] } },
    });
    const v = await w.callerFor(viewer.id);
    expect((await v.lock.list({ userId: u.id })).total).toBe(1);
    expect(await failure(() => v.lock.unlock({ userId: u.id }))).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
    const plain = await w.callerFor(w.plainB.id);
    expect(await failure(() => plain.lock.unlock({ userId: u.id }))).toMatchObject({ code: 10002 });
    const anon = await w.callerFor(null);
    expect(await failure(() => anon.lock.unlock({ userId: u.id }))).toMatchObject({ code: 10001 });
    expect(await throttleKeys(w.tenantB.id, u.id)).toEqual([acctKey(w.tenantB.id, u.id)]);
    expect(await db.auditLog.count({ where: { action: "lock.unlock", recordId: u.id } })).toBe(0);
  });
});
