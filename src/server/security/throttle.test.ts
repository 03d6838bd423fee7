import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "~/generated/prisma/client";
import { createTestDb } from "~/test/db";
import {
  accountLockedUntil,
  ipBlocked,
  ipBucket,
  ipFailures,
  ipKey,
  ipNeedsCaptcha,
  recordFailure,
  recordSuccess,
  unknownAccount,
  unlockAccount,
} from "./throttle";

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ db, cleanup } = await createTestDb());
});
afterAll(() => cleanup());

const T0 = Date.parse("2026-03-01T08:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms);
const S = 1_000;
const MIN = 60 * S;
const HOUR = 60 * MIN;

/** A fresh account and IP per test: the database is shared by the whole file. */
function account() {
  const tenantId = randomUUID();
  const userId = randomUUID();
  const ip = `10.0.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}-${randomUUID()}`;
  const fail = (now: Date) => recordFailure(db, { tenantId, userId, ip, now });
  const row = () => db.authThrottle.findUnique({ where: { key: `acct:${tenantId}:${userId}` } });
  const locks = () => db.accountLock.findMany({ where: { tenantId, userId }, orderBy: { until: "asc" } });
  return { tenantId, userId, ip, fail, row, locks };
}

describe("IP counter", () => {
  it("asks for a captcha after 5 failures and blocks past 50, within a 10-minute window", async () => {
    const { tenantId, ip } = account();
    const fail = (now: Date) => recordFailure(db, { tenantId, userId: null, ip, now });
    for (let i = 0; i < 4; i++) await fail(at(i * S));
    expect(await ipNeedsCaptcha(db, ip, { now: at(5 * S) })).toBe(false);
    await fail(at(4 * S));
    expect(await ipNeedsCaptcha(db, ip, { now: at(5 * S) })).toBe(true);
    for (let i = 5; i < 50; i++) await fail(at(i * S));
    expect(await ipFailures(db, ip, { now: at(60 * S) })).toBe(50);
    expect(await ipBlocked(db, ip, { now: at(60 * S) })).toBe(false);
    await fail(at(55 * S));
    expect(await ipBlocked(db, ip, { now: at(60 * S) })).toBe(true);
    // The window opened at T0; 10 minutes later everything is forgotten…
    expect(await ipBlocked(db, ip, { now: at(10 * MIN) })).toBe(false);
    expect(await ipNeedsCaptcha(db, ip, { now: at(10 * MIN) })).toBe(false);
    // …and the next failure starts a new window at 1.
    await fail(at(10 * MIN + S));
    expect(await ipFailures(db, ip, { now: at(10 * MIN + 2 * S) })).toBe(1);
    // Unknown accounts leave no account rows.
    expect(await db.authThrottle.count({ where: { key: { startsWith: `acct:${tenantId}:` } } })).toBe(0);
  });

  it("counts every one of 10 concurrent failures", async () => {
    const { tenantId, ip } = account();
    await Promise.all(Array.from({ length: 10 }, () => recordFailure(db, { tenantId, userId: null, ip, now: at(0) })));
    expect(await ipFailures(db, ip, { now: at(S) })).toBe(10);
  });

  it("also counts failures against known accounts, even while they are locked", async () => {
    const a = account();
    for (let i = 0; i < 8; i++) await a.fail(at(i * 2 * S));
    expect(await ipFailures(db, a.ip, { now: at(20 * S) })).toBe(8);
    expect((await a.row())?.failures).toBe(5);
  });
});

describe("IP buckets", () => {
  it("count IPv6 addresses by their /64, IPv4 addresses one by one, and no address as one bucket", () => {
    expect(ipBucket("2001:db8:1:2::a")).toBe("2001:db8:1:2::/64");
    expect(ipBucket("2001:0db8:0001:0002:ffff:0:0:1")).toBe("2001:db8:1:2::/64");
    expect(ipBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(ipBucket("::1")).toBe("0:0:0:0::/64");
    expect(ipBucket("fe80:1:2:3:4:5:6:7")).toBe("fe80:1:2:3::/64");
    expect(ipBucket("203.0.113.9")).toBe("203.0.113.9");
    expect(ipBucket(null)).toBe("unknown");
    expect(ipBucket("")).toBe("unknown");
    // What the sign-in reads and what a failure writes are one key, with or without an address.
    expect(ipKey(null)).toBe(ipKey(""));
  });

  it("a new IPv6 address per request in one /64 still trips the captcha and the block", async () => {
    const { tenantId } = account();
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:7`;
    for (let i = 0; i < 51; i++) await recordFailure(db, { tenantId, userId: null, ip: `${prefix}::${(i + 1).toString(16)}`, now: at(i * S) });
    expect(await ipNeedsCaptcha(db, `${prefix}::ffff`, { now: at(60 * S) })).toBe(true);
    expect(await ipBlocked(db, `${prefix}::ffff`, { now: at(60 * S) })).toBe(true);
    // The next /64 is someone else.
    expect(await ipNeedsCaptcha(db, `${prefix.slice(0, -1)}8::1`, { now: at(60 * S) })).toBe(false);
  });

  it("requests whose address is unknown share one bucket, so the limits fail closed", async () => {
    const { tenantId } = account();
    for (let i = 0; i < 5; i++) await recordFailure(db, { tenantId, userId: null, ip: "", now: at(i * S) });
    expect(await ipNeedsCaptcha(db, "", { now: at(6 * S) })).toBe(true);
  });
});

describe("account counter", () => {
  it("locks for 60 s on the 5th failure and writes an AccountLock row", async () => {
    const a = account();
    for (let i = 0; i < 4; i++) expect((await a.fail(at(i * 2 * S))).lockedUntil).toBeNull();
    const { lockedUntil } = await a.fail(at(8 * S));
    expect(lockedUntil).toEqual(at(8 * S + MIN));
    expect(await accountLockedUntil(db, a.tenantId, a.userId, { now: at(30 * S) })).toEqual(at(8 * S + MIN));
    expect(await accountLockedUntil(db, a.tenantId, a.userId, { now: at(8 * S + MIN) })).toBeNull();
    const locks = await a.locks();
    expect(locks).toHaveLength(1);
    expect(locks[0]).toMatchObject({ until: at(8 * S + MIN), reason: "failures", ip: a.ip });
  });

  it("runs the same statements for an unknown name as for an account at the failure that locks, and lists only the account's lock", async () => {
    /** The database calls made inside transactions, in order: raw statements and model calls. */
    const calls: string[] = [];
    const watch = <T extends object>(target: T, prefix = ""): T =>
      new Proxy(target, {
        get(t, prop, recv) {
          const v = Reflect.get(t, prop, recv) as unknown;
          if (typeof prop !== "string") return v;
          if (typeof v === "function") {
            return (...args: unknown[]) => {
              calls.push(`${prefix}${prop}`);
              return (v as (...a: unknown[]) => unknown).apply(t, args);
            };
          }
          return v && typeof v === "object" && !prefix ? watch(v as object, `${prop}.`) : v;
        },
      });
    const counting = new Proxy(db, {
      get(t, prop, recv) {
        if (prop === "$transaction") return (fn: (tx: PrismaClient) => Promise<unknown>) => t.$transaction((tx) => fn(watch(tx as PrismaClient)));
        return Reflect.get(t, prop, recv) as unknown;
      },
    });
    const traceOfLockingFailure = async (userId: string | null, unknown?: string) => {
      const tenantId = randomUUID();
      const ip = `10.1.0.1-${randomUUID()}`;
      for (let i = 0; i < 4; i++) await recordFailure(db, { tenantId, userId, unknown, ip, now: at(i * 2 * S) });
      calls.length = 0;
      const { lockedUntil } = await recordFailure(counting, { tenantId, userId, unknown, ip, now: at(8 * S) });
      expect(lockedUntil).toEqual(at(8 * S + MIN));
      return { trace: [...calls], locks: await db.accountLock.count({ where: { tenantId } }) };
    };
    const known = await traceOfLockingFailure(randomUUID());
    const unknown = await traceOfLockingFailure(null, unknownAccount("nobody-at-all"));
    expect(unknown.trace).toEqual(known.trace);
    expect(known.trace.length).toBeGreaterThanOrEqual(4);
    expect({ known: known.locks, unknown: unknown.locks }).toEqual({ known: 1, unknown: 0 });
  });

  it("does not count failures while locked", async () => {
    const a = account();
    for (let i = 0; i < 5; i++) await a.fail(at(i * 2 * S));
    const until = at(8 * S + MIN);
    for (let i = 0; i < 10; i++) expect((await a.fail(at(20 * S + i * 2 * S))).lockedUntil).toEqual(until);
    expect(await a.row()).toMatchObject({ failures: 5, lockLevel: 1, lastFailureAt: at(8 * S) });
    expect(await a.locks()).toHaveLength(1);
    // After the lock, four more failures do not lock; the fifth does, one level higher.
    for (let i = 0; i < 4; i++) expect((await a.fail(at(2 * MIN + i * 2 * S))).lockedUntil).toBeNull();
    expect((await a.fail(at(3 * MIN))).lockedUntil).toEqual(at(3 * MIN + 2 * MIN));
  });

  it("adds 60 s per further 5 failures, capped at 15 minutes", async () => {
    const a = account();
    let now = 0;
    const lengths: number[] = [];
    for (let level = 1; level <= 17; level++) {
      let until: Date | null = null;
      for (let i = 0; i < 5; i++) {
        ({ lockedUntil: until } = await a.fail(at(now)));
        now += 2 * S;
      }
      if (!until) throw new Error(`no lock at level ${level}`);
      lengths.push((until.getTime() - (T0 + now - 2 * S)) / MIN);
      now = until.getTime() - T0;
    }
    expect(lengths).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15, 15]);
    expect(await a.locks()).toHaveLength(17);
  });

  it("locks for 60 s when two failures come less than 1 s apart", async () => {
    const a = account();
    expect((await a.fail(at(0))).lockedUntil).toBeNull();
    expect((await a.fail(at(S))).lockedUntil).toBeNull(); // exactly 1 s: not a burst
    expect((await a.fail(at(S + 999))).lockedUntil).toEqual(at(S + 999 + MIN));
    expect(await a.row()).toMatchObject({ failures: 3, lockLevel: 0 });
    const locks = await a.locks();
    expect(locks).toHaveLength(1);
    expect(locks[0]?.reason).toBe("burst");
  });

  it("serialises concurrent failures: of 10 at once, the 2nd burst-locks and the rest do not count", async () => {
    const a = account();
    await Promise.all(Array.from({ length: 10 }, () => a.fail(at(0))));
    expect(await a.row()).toMatchObject({ failures: 2, lockedUntil: at(MIN) });
    expect(await a.locks()).toHaveLength(1);
  });

  it("loses none of 10 concurrent failures when the timing rules are relaxed", async () => {
    const a = account();
    const relaxed = { burstMs: 0, failuresPerLock: 1_000 };
    await Promise.all(Array.from({ length: 10 }, () => recordFailure(db, { tenantId: a.tenantId, userId: a.userId, ip: a.ip, now: at(0) }, relaxed)));
    expect((await a.row())?.failures).toBe(10);
  });

  it("starts over after a success", async () => {
    const a = account();
    for (let i = 0; i < 4; i++) await a.fail(at(i * 2 * S));
    await recordSuccess(db, { tenantId: a.tenantId, userId: a.userId, ip: a.ip });
    expect(await a.row()).toMatchObject({ failures: 0, lockLevel: 0, lastFailureAt: null });
    for (let i = 0; i < 4; i++) expect((await a.fail(at(20 * S + i * 2 * S))).lockedUntil).toBeNull();
    expect((await a.fail(at(40 * S))).lockedUntil).toEqual(at(40 * S + MIN));
  });

  it("starts over (count and level) when the last failure is more than 12 h old", async () => {
    const a = account();
    // Two locks: level 2.
    for (let i = 0; i < 5; i++) await a.fail(at(i * 2 * S));
    for (let i = 0; i < 5; i++) await a.fail(at(2 * MIN + i * 2 * S));
    expect(await a.row()).toMatchObject({ failures: 10, lockLevel: 2 });
    const last = 2 * MIN + 8 * S;
    // Exactly 12 h later the count still stands…
    await a.fail(at(last + 12 * HOUR));
    expect((await a.row())?.failures).toBe(11);
    // …12 h and a bit after that one, it starts over.
    await a.fail(at(last + 24 * HOUR + S));
    expect(await a.row()).toMatchObject({ failures: 1, lockLevel: 0 });
    let now = last + 24 * HOUR + 3 * S;
    for (let i = 0; i < 3; i++, now += 2 * S) await a.fail(at(now));
    expect((await a.fail(at(now))).lockedUntil).toEqual(at(now + MIN)); // level 1 again: 60 s
  });

  it("is lifted by an operator, keeping the lock history", async () => {
    const a = account();
    for (let i = 0; i < 5; i++) await a.fail(at(i * 2 * S));
    expect(await accountLockedUntil(db, a.tenantId, a.userId, { now: at(10 * S) })).not.toBeNull();
    await unlockAccount(db, a.tenantId, a.userId);
    expect(await accountLockedUntil(db, a.tenantId, a.userId, { now: at(10 * S) })).toBeNull();
    expect(await a.row()).toBeNull();
    expect(await a.locks()).toHaveLength(1);
    expect((await a.fail(at(12 * S))).lockedUntil).toBeNull();
  });

  it("keeps accounts apart", async () => {
    const a = account();
    const b = account();
    for (let i = 0; i < 5; i++) await a.fail(at(i * 2 * S));
    expect(await accountLockedUntil(db, b.tenantId, b.userId, { now: at(10 * S) })).toBeNull();
    expect(await accountLockedUntil(db, a.tenantId, b.userId, { now: at(10 * S) })).toBeNull();
  });
});
