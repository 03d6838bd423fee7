/**
 * Brute-force protection for sign-in, kept in `AuthThrottle` rows so every app instance sees the
 * same counters. Two kinds of rows:
 * - `ip:<addr>`: failures in a fixed 10-minute window (captcha after 5, 429 past 50);
 * - `acct:<tenantId>:<userId>`: one counter per account whatever identifier or sign-in variant was
 *   used, with escalating locks;
 * - `dev:<tenantId>:<userId>:<nonce>`: the same counter and locks for one known device of that
 *   account (a browser holding its device cookie, see `device-cookie.ts`): its failures count
 *   there instead of on the account, so strangers' failures never lock it out, nor its the account.
 * Raw SQL passes instants as ISO strings cast to timestamptz so the session time zone never matters.
 */
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import type { PrismaClient } from "~/generated/prisma/client";
import type { DbClient } from "~/server/db";
import { currentLog } from "~/server/log";
import { uuid7 } from "~/server/db/sql";

export interface ThrottleOptions {
  ipWindowMs?: number;
  /** `ipNeedsCaptcha` once the window holds this many failures. */
  ipCaptchaAfter?: number;
  /** `ipBlocked` once the window holds more than this many failures. */
  ipBlockAfter?: number;
  /** Every this-many counted failures locks the account one level higher. */
  failuresPerLock?: number;
  /** Lock length per level (level 1 = 60 s, level 2 = 120 s, …). */
  lockStepMs?: number;
  maxLockMs?: number;
  /** Two counted failures closer than this lock the account for `burstLockMs`. */
  burstMs?: number;
  burstLockMs?: number;
  /** The account counter starts over when its last failure is older than this. */
  resetAfterMs?: number;
}
type Limits = Required<ThrottleOptions>;
type WithNow = ThrottleOptions & { now?: Date };

export const THROTTLE_DEFAULTS: Limits = {
  ipWindowMs: 10 * 60_000,
  ipCaptchaAfter: 5,
  ipBlockAfter: 50,
  failuresPerLock: 5,
  lockStepMs: 60_000,
  maxLockMs: 15 * 60_000,
  burstMs: 1_000,
  burstLockMs: 60_000,
  resetAfterMs: 12 * 3_600_000,
};

/**
 * What the per-IP limits count by: an IPv4 address as it is; an IPv6 address by its /64, since one
 * subscriber is handed a whole /64 and could otherwise take a fresh address per request; no known
 * address at all (a server without server.mjs in front): one shared bucket, so the limits fail
 * closed instead of switching off.
 */
export function ipBucket(ip: string | null | undefined): string {
  if (!ip) return "unknown";
  if (isIP(ip) !== 6) return ip;
  const [head = "", tail] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
export const ipKey = (ip: string | null | undefined) => `ip:${ipBucket(ip)}`;
export const acctKey = (tenantId: string, userId: string) => `acct:${tenantId}:${userId}`;
export const deviceKey = (tenantId: string, userId: string, nonce: string) => `dev:${tenantId}:${userId}:${nonce}`;

/**
 * Stands in for the user id when an identifier matches no account, so an unknown name costs the
 * same reads and writes as a known one (and answers in the same time). Never a user id: it
 * starts with `?`.
 */
export const unknownAccount = (ustr: string) => `?${createHash("sha256").update(ustr.trim().toLowerCase()).digest("hex").slice(0, 32)}`;

/** Failures from `ip` in the current window (0 once the window has passed). */
export async function ipFailures(db: PrismaClient, ip: string, opts: WithNow = {}): Promise<number> {
  const { ipWindowMs } = { ...THROTTLE_DEFAULTS, ...opts };
  const now = opts.now ?? new Date();
  const row = await db.authThrottle.findUnique({ where: { key: ipKey(ip) }, select: { failures: true, windowStart: true } });
  return failuresInWindow(row, now, ipWindowMs);
}

/** An IP row's failures while its window is open, else 0. */
export const failuresInWindow = (row: { failures: number; windowStart: Date } | null, now: Date, windowMs = THROTTLE_DEFAULTS.ipWindowMs) =>
  row && now.getTime() - row.windowStart.getTime() < windowMs ? row.failures : 0;

export async function ipNeedsCaptcha(db: PrismaClient, ip: string, opts: WithNow = {}): Promise<boolean> {
  return (await ipFailures(db, ip, opts)) >= (opts.ipCaptchaAfter ?? THROTTLE_DEFAULTS.ipCaptchaAfter);
}

/** The caller answers 429 before any password hash is computed, so a flood costs us little. */
export async function ipBlocked(db: PrismaClient, ip: string, opts: WithNow = {}): Promise<boolean> {
  return (await ipFailures(db, ip, opts)) > (opts.ipBlockAfter ?? THROTTLE_DEFAULTS.ipBlockAfter);
}

export async function accountLockedUntil(db: DbClient, tenantId: string, userId: string, opts: { now?: Date } = {}): Promise<Date | null> {
  const now = opts.now ?? new Date();
  const row = await db.authThrottle.findUnique({ where: { key: acctKey(tenantId, userId) }, select: { lockedUntil: true } });
  return row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
}

/**
 * Whether an administrator's lock on the account is running. Sign-ins that prove the person some
 * other way than a password (a WeChat or mini-program code) answer to this lock alone: a lock
 * raised by password guesses says nothing about them, and would let strangers keep the owner out.
 */
export async function adminLocked(db: PrismaClient, tenantId: string, userId: string, now = new Date()): Promise<boolean> {
  const row = await db.authThrottle.findUnique({ where: { key: acctKey(tenantId, userId) }, select: { lockedUntil: true, byAdmin: true } });
  return !!row?.byAdmin && !!row.lockedUntil && row.lockedUntil > now;
}

/**
 * An account (or device) row read as: its lock, if still running; whether an administrator set
 * that lock (it then binds known devices too); whether a success has failures to reset.
 */
export const accountState = (row: { lockedUntil: Date | null; failures: number; lockLevel: number; byAdmin?: boolean } | null, now: Date) => {
  const lockedUntil = row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
  return { lockedUntil, byAdmin: !!lockedUntil && !!row?.byAdmin, counting: !!row && (row.failures > 0 || row.lockLevel > 0) };
};

/**
 * Whether a sign-in of `userId` is refused by a lock right now: from a known device (the nonce of
 * its device cookie), that device's own lock or an administrator's; otherwise the account's.
 */
export async function signInLocked(db: PrismaClient, tenantId: string, userId: string, device: string | null | undefined, now = new Date()): Promise<boolean> {
  const keys = [acctKey(tenantId, userId), ...(device ? [deviceKey(tenantId, userId, device)] : [])];
  const rows = await db.authThrottle.findMany({ where: { key: { in: keys } }, select: { key: true, lockedUntil: true, byAdmin: true } });
  const running = (key: string) => rows.find((r) => r.key === key && r.lockedUntil && r.lockedUntil > now);
  const account = running(keys[0]!);
  return device ? !!running(keys[1]!) || !!account?.byAdmin : !!account;
}

/** A known device's row (none yet: it never failed). */
export async function deviceState(db: PrismaClient, tenantId: string, userId: string, nonce: string, now = new Date()) {
  const row = await db.authThrottle.findUnique({
    where: { key: deviceKey(tenantId, userId, nonce) },
    select: { lockedUntil: true, failures: true, lockLevel: true },
  });
  return accountState(row, now);
}

export interface FailureInput {
  tenantId: string;
  /** null when the identifier matched no account: only the IP counts, unless `unknown` is given. */
  userId: string | null;
  /** `unknownAccount(ustr)` for an unmatched identifier: counted like an account, never locked on record. */
  unknown?: string;
  /** The nonce of `userId`'s device cookie the browser presented: its row counts, not the account's. */
  device?: string | null;
  ip: string;
  now?: Date;
}

/** Counts a failed sign-in; returns the account's lock if it is (now or already) locked. */
export async function recordFailure(db: PrismaClient, input: FailureInput, options: ThrottleOptions = {}): Promise<{ lockedUntil: Date | null }> {
  const o: Limits = { ...THROTTLE_DEFAULTS, ...options };
  const now = input.now ?? new Date();
  await countIpFailure(db, input.ip, now, o);
  const account = input.userId ?? input.unknown;
  if (!account) return { lockedUntil: null };
  if (input.userId && input.device) {
    return countAccountFailure(
      db,
      { tenantId: input.tenantId, userId: input.userId, ip: input.ip, key: deviceKey(input.tenantId, input.userId, input.device) },
      now,
      o,
    );
  }
  return countAccountFailure(db, { tenantId: input.tenantId, userId: account, ip: input.ip }, now, o);
}

const countIpFailure = (db: PrismaClient, ip: string, now: Date, o: Limits) => countInWindow(db, ipKey(ip), o.ipWindowMs, now);

/**
 * Adds one to `key`'s count in its fixed window of `windowMs` (a new window opens once the last
 * has passed) and answers the count and when the window closes: the shared window behind the
 * per-IP sign-in limit and the gateway's request limit. One statement, so racing instances each
 * add theirs (the row lock ON CONFLICT takes serialises them); the right-hand sides of SET read
 * the row as it was before this update.
 */
export async function countInWindow(db: DbClient, key: string, windowMs: number, now = new Date()): Promise<{ count: number; resetAt: Date }> {
  const at = now.toISOString();
  const windowOpenedAfter = new Date(now.getTime() - windowMs).toISOString();
  const [row] = await db.$queryRaw<{ failures: number; windowStart: Date }[]>`
    INSERT INTO "AuthThrottle" ("key", "failures", "windowStart", "lastFailureAt", "updatedAt")
    VALUES (${key}, 1, ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz)
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN "AuthThrottle"."windowStart" > ${windowOpenedAfter}::timestamptz
                        THEN "AuthThrottle"."failures" + 1 ELSE 1 END,
      "windowStart" = CASE WHEN "AuthThrottle"."windowStart" > ${windowOpenedAfter}::timestamptz
                           THEN "AuthThrottle"."windowStart" ELSE ${at}::timestamptz END,
      "lastFailureAt" = ${at}::timestamptz,
      "updatedAt" = ${at}::timestamptz
    RETURNING "failures", "windowStart"`;
  return { count: row?.failures ?? 1, resetAt: new Date((row?.windowStart ?? now).getTime() + windowMs) };
}

const NIL_UUID = "00000000-0000-0000-0000-000000000000";

interface AccountRow {
  failures: number;
  lastFailureAt: Date | null;
  lockedUntil: Date | null;
  lockLevel: number;
}

/** The rules need the previous row, so it is read and written under `SELECT … FOR UPDATE`. */
function countAccountFailure(
  db: PrismaClient,
  a: { tenantId: string; userId: string; ip: string; key?: string },
  now: Date,
  o: Limits,
): Promise<{ lockedUntil: Date | null }> {
  const key = a.key ?? acctKey(a.tenantId, a.userId);
  const at = now.toISOString();
  return db.$transaction(async (tx) => {
    // Make sure there is a row to lock; a plain read-then-create would race.
    await tx.$executeRaw`INSERT INTO "AuthThrottle" ("key", "updatedAt") VALUES (${key}, ${at}::timestamptz) ON CONFLICT ("key") DO NOTHING`;
    const [row] = await tx.$queryRaw<AccountRow[]>`
      SELECT "failures", "lastFailureAt", "lockedUntil", "lockLevel" FROM "AuthThrottle" WHERE "key" = ${key} FOR UPDATE`;
    if (!row) throw new Error(`AuthThrottle row ${key} vanished`);
    // Guesses against a locked account are refused anyway; counting them would let an attacker
    // keep a victim locked out ever longer.
    if (row.lockedUntil && row.lockedUntil > now) return { lockedUntil: row.lockedUntil };

    // `abs`: instances' clocks may disagree slightly; a failure "before" the last one is still close.
    const sinceLast = row.lastFailureAt ? Math.abs(now.getTime() - row.lastFailureAt.getTime()) : Infinity;
    const fresh = sinceLast <= o.resetAfterMs;
    const failures = (fresh ? row.failures : 0) + 1;
    let lockLevel = fresh ? row.lockLevel : 0;
    let lockMs = 0;
    let reason = "";
    if (failures % o.failuresPerLock === 0) {
      lockLevel += 1;
      lockMs = Math.min(lockLevel * o.lockStepMs, o.maxLockMs);
      reason = "failures";
    }
    if (sinceLast < o.burstMs && o.burstLockMs > lockMs) {
      lockMs = o.burstLockMs;
      reason = "burst";
    }
    const lockedUntil = lockMs > 0 ? new Date(now.getTime() + lockMs) : null;
    await tx.authThrottle.update({ where: { key }, data: { failures, lockLevel, lastFailureAt: now, lockedUntil, byAdmin: false } });
    if (lockedUntil) {
      // A lock is listed in AccountLock for a real account. An unknown name runs the very same
      // INSERT, which writes nothing (`WHERE false`), and logs its own line: the failure that
      // raises a lock costs the same round trips for both, so its time tells them apart no more
      // than its answer does. A device's own lock is listed too (one of the owner's browsers is
      // failing), as "device".
      const known = !a.userId.startsWith("?");
      const why = a.key ? "device" : reason;
      await tx.$executeRaw`
        INSERT INTO "AccountLock" ("id", "tenantId", "userId", "until", "reason", "ip", "createdAt")
        SELECT ${uuid7(new Date())}::uuid, ${a.tenantId}::uuid, ${known ? a.userId : NIL_UUID}::uuid, ${lockedUntil.toISOString()}::timestamptz, ${why}, ${a.ip}, now()
        WHERE ${known}`;
      currentLog().warn(
        {
          event: known ? "account.locked" : "unknown.locked",
          tenantId: a.tenantId,
          userId: known ? a.userId : null,
          until: lockedUntil,
          reason: why,
          ip: a.ip || null,
        },
        known ? "account locked" : "unknown account name locked",
      );
    }
    return { lockedUntil };
  });
}

/**
 * A correct password starts the account's counter over (a running lock is left to expire). The
 * IP counter is deliberately kept: an attacker holding one valid account could otherwise clear
 * it after every few guesses at other accounts.
 */
export async function recordSuccess(db: PrismaClient, input: { tenantId: string; userId: string; ip: string; device?: string | null }): Promise<void> {
  // From a known device, only that device's counter: the account's (strangers') stays.
  await db.authThrottle.updateMany({
    where: { key: input.device ? deviceKey(input.tenantId, input.userId, input.device) : acctKey(input.tenantId, input.userId) },
    data: { failures: 0, lockLevel: 0, lastFailureAt: null },
  });
}

/**
 * A password reset proven by a code: the account's counter starts over and a lock raised by
 * failures is lifted; an administrator's lock stays until it runs out or is lifted by one.
 */
export async function liftFailureLock(db: PrismaClient, input: { tenantId: string; userId: string }): Promise<void> {
  await db.authThrottle.updateMany({
    where: { key: acctKey(input.tenantId, input.userId), byAdmin: false },
    data: { failures: 0, lockLevel: 0, lastFailureAt: null, lockedUntil: null },
  });
}

/** Operators: lift the lock and forget the failures of the account and of its devices. `AccountLock` history stays. */
export async function unlockAccount(db: DbClient, tenantId: string, userId: string): Promise<void> {
  await db.authThrottle.deleteMany({ where: { OR: [{ key: acctKey(tenantId, userId) }, { key: { startsWith: deviceKey(tenantId, userId, "") } }] } });
  // The lock records stay as history, ended now: the console's list must not call them active.
  const now = new Date();
  await db.accountLock.updateMany({ where: { tenantId, userId, until: { gt: now } }, data: { until: now } });
}

/** Administrators: lock an account until `until` (reason "admin"), recorded like the automatic locks. */
export async function lockAccountUntil(db: DbClient, input: { tenantId: string; userId: string; until: Date; ip: string | null }): Promise<void> {
  const key = acctKey(input.tenantId, input.userId);
  await db.authThrottle.upsert({
    where: { key },
    create: { key, lockedUntil: input.until, byAdmin: true },
    update: { lockedUntil: input.until, byAdmin: true },
  });
  await db.accountLock.create({ data: { tenantId: input.tenantId, userId: input.userId, until: input.until, reason: "admin", ip: input.ip } });
}
