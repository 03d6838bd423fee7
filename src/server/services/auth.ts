import type { Db } from "~/server/db";
import { Prisma } from "~/generated/prisma/client";
import { userRolesJson, type RoleJson } from "~/server/db/sql";
import { readRows } from "~/server/db/fast-read";
import { AppError } from "~/server/errors";
import { currentLog } from "~/server/log";
import { DUMMY_HASH, hashDigest, matchingDigest, type PwdForm } from "~/server/password";
import {
  THROTTLE_DEFAULTS,
  accountState,
  acctKey,
  deviceState,
  failuresInWindow,
  ipKey,
  recordFailure,
  recordSuccess,
  unknownAccount,
} from "~/server/security/throttle";
import { deviceTokenFor, issueDeviceToken, type DeviceCookieValue } from "~/server/security/device-cookie";
import { needsRehash } from "~/server/security/passwords";
import { verifyCaptcha } from "~/server/security/captcha";
import { createHmac } from "node:crypto";
import { getSecrets } from "~/server/secrets";
import { createLoginSession, type Site } from "~/server/services/session";
import { recordingFailure } from "~/server/security/sign-in-failures";
import type { ResolvedTenant } from "~/server/services/host";

/** How `ustr` names an account: `+86-158…` a phone, anything with @ an email, else a user name. */
function accountKey(ustr: string): { column: "phone" | "email" | "userNameKey"; value: string } {
  const s = ustr.trim();
  if (/^\+\d{1,4}-\d{4,14}$/.test(s)) return { column: "phone", value: s };
  if (s.includes("@")) return { column: "email", value: s.toLowerCase() };
  return { column: "userNameKey", value: s.toLowerCase() };
}

export function accountWhere(tenantId: string, ustr: string): Prisma.UserWhereInput {
  const { column, value } = accountKey(ustr);
  return { tenantId, [column]: value };
}

interface SignInRow {
  ipFailures: number | null;
  ipWindowStart: Date | null;
  id: string | null;
  status: string | null;
  isOperator: boolean | null;
  passwordHash: string | null;
  passwordChangedAt: Date | null;
  locale: string | null;
  roles: RoleJson[];
  lockedUntil: Date | null;
  failures: number | null;
  lockLevel: number | null;
  byAdmin: boolean | null;
}

/**
 * Everything a password sign-in reads before hashing, in one statement: the IP's failures, the
 * account (not deleted) with its roles, and the account's throttle row (for an unknown name,
 * the row keyed by a hash of it, so both cost the same). Sign-in is the hottest write path and
 * each round trip to the database costs more CPU here than the rest of the request.
 */
async function readSignIn(db: Db, tenantId: string, ustr: string, ip: string) {
  const { column, value } = accountKey(ustr);
  const [row] = await readRows<SignInRow[]>(
    db,
    Prisma.sql`
    WITH u AS (
      SELECT "id", "status"::text AS "status", "isOperator", "passwordHash", "passwordChangedAt", "locale" FROM "User"
      WHERE "tenantId" = ${tenantId}::uuid AND ${Prisma.raw(`"${column}"`)} = ${value} AND "deletedAt" IS NULL
      LIMIT 1
    )
    SELECT ip."failures" AS "ipFailures", ip."windowStart" AS "ipWindowStart",
           u."id"::text AS "id", u."status", u."isOperator", u."passwordHash", u."passwordChangedAt", u."locale",
           ${userRolesJson(Prisma.raw('u."id"'))} AS "roles",
           a."lockedUntil", a."failures", a."lockLevel", a."byAdmin"
    FROM (SELECT 1) AS one
    LEFT JOIN u ON true
    LEFT JOIN "AuthThrottle" ip ON ip."key" = ${ipKey(ip)}
    LEFT JOIN "AuthThrottle" a ON a."key" = COALESCE(${acctKey(tenantId, "")} || u."id"::text, ${acctKey(tenantId, unknownAccount(ustr))})`,
    // One text per account column: each connection plans it once.
    `uc_signin_read_${column}`,
  );
  const now = new Date();
  const user = row?.id
    ? {
        id: row.id,
        status: row.status!,
        isOperator: !!row.isOperator,
        passwordHash: row.passwordHash,
        passwordChangedAt: row.passwordChangedAt && new Date(row.passwordChangedAt),
        locale: row.locale,
        roles: row.roles ?? [],
      }
    : null;
  return {
    ipFailures: row?.ipWindowStart ? failuresInWindow({ failures: row.ipFailures ?? 0, windowStart: new Date(row.ipWindowStart) }, now) : 0,
    user,
    throttle: accountState(
      row && row.failures !== null
        ? { lockedUntil: row.lockedUntil && new Date(row.lockedUntil), failures: row.failures, lockLevel: row.lockLevel ?? 0, byAdmin: !!row.byAdmin }
        : null,
      now,
    ),
  };
}

export interface PasswordSignIn {
  tenant: ResolvedTenant;
  ustr: string;
  pwd: string;
  /** How the channel sends `pwd`: as typed (our forms; the default) or as MD5 hex (the JSON API). */
  pwdForm?: PwdForm;
  role?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  deviceId?: string | null;
  /** The console the caller signs in to: `platform` needs an operator, `admin` an administrator. */
  requireSite?: Exclude<Site, "web">;
  /** Captcha payload; required once this IP has failed 5 times in 10 minutes. */
  afs?: string | null;
  /** The browser's device cookie (or the JSON API's `deviceToken`): its valid token for this account makes it a known device. */
  deviceCookie?: DeviceCookieValue;
}

/** The ALTCHA HMAC key, derived from the server secret so every instance agrees. */
export const captchaKey = () => createHmac("sha256", getSecrets().authSecret).update("altcha-v1").digest("hex");

/**
 * Verifies a password and opens a login session. Unknown accounts still cost one hash, and
 * every failure answers the same 12001, so the answer never tells whether an account exists.
 * A known device (a valid device token for this account) is throttled on its own row: the
 * account's lock, raised by whoever guessed, does not keep it out, unless an administrator set
 * it. The result's `deviceToken` is what the browser should hold from now on.
 */
export function signInWithPassword(db: Db, input: PasswordSignIn) {
  return recordingFailure(db, input.tenant.id, "password", () => passwordSignIn(db, input));
}

async function passwordSignIn(db: Db, input: PasswordSignIn) {
  const ip = input.ip ?? "";
  const { ipFailures, user, throttle } = await readSignIn(db, input.tenant.id, input.ustr, ip);
  // Past 50 failures from this address: refuse before any password hash is computed.
  if (ipFailures > THROTTLE_DEFAULTS.ipBlockAfter) throw new AppError(10005);
  if (ipFailures >= THROTTLE_DEFAULTS.ipCaptchaAfter && !(input.afs && (await verifyCaptcha(db, captchaKey(), input.afs)))) {
    throw new AppError(14004);
  }
  // Exactly one verification whatever the account's state, before that state decides anything:
  // locked, disabled, unknown, right and wrong all cost the same hash work.
  const device = user ? deviceTokenFor(input.deviceCookie, input.tenant.id, user.id, user.passwordChangedAt) : null;
  const [digest, deviceThrottle] = await Promise.all([
    matchingDigest(user?.passwordHash ?? DUMMY_HASH, input.pwd, input.pwdForm ?? "plain"),
    device && user ? deviceState(db, input.tenant.id, user.id, device.nonce) : null,
  ]);
  const ok = digest !== null;
  // A known device answers to its own lock, and to an administrator's; strangers to the account's.
  const locked = deviceThrottle ? !!deviceThrottle.lockedUntil || throttle.byAdmin : !!throttle.lockedUntil;
  // Locked, unknown and wrong answers are the same 12001, after the same hash work.
  // Unknown names read and write a throttle row of their own, so they cost what known ones do.
  if (!user || !user.passwordHash || !ok || user.status !== "active" || locked) {
    await recordFailure(db, {
      tenantId: input.tenant.id,
      userId: user?.id ?? null,
      unknown: user ? undefined : unknownAccount(input.ustr),
      device: device?.nonce,
      ip,
    });
    currentLog().warn(
      { event: "signin.failed", method: "password", tenantId: input.tenant.id, userId: user?.id ?? null, device: !!device, ip: ip || null },
      "password sign-in failed",
    );
    throw new AppError(12001);
  }
  // Nothing to reset when this account (or device) never failed.
  if ((deviceThrottle ?? throttle).counting) await recordSuccess(db, { tenantId: input.tenant.id, userId: user.id, ip, device: device?.nonce });
  if (digest && needsRehash(user.passwordHash)) {
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashDigest(digest) } });
  }
  if (!user.isOperator && input.tenant.status !== "enabled") throw new AppError(10008);

  const roles = user.roles;
  if (input.role && !user.isOperator && !roles.some((r) => r.name === input.role)) throw new AppError(12002);
  const acting = input.role ? roles.filter((r) => r.name === input.role) : roles;
  const site: Site = user.isOperator ? "platform" : acting.some((r) => r.permissions.some((p) => !p.startsWith("uc.me."))) ? "admin" : "web";

  if (input.requireSite === "platform" && site !== "platform") throw new AppError(12003);
  if (input.requireSite === "admin" && site === "web") throw new AppError(12003);

  const session = await createLoginSession(db, {
    tenantId: input.tenant.id,
    userId: user.id,
    site,
    method: "password",
    actingRole: input.role ?? null,
    ip: input.ip,
    userAgent: input.userAgent,
    deviceId: input.deviceId,
  });
  return {
    userId: user.id,
    sessionId: session.id,
    deviceToken: device?.token ?? issueDeviceToken(input.tenant.id, user.id),
    expiresAt: session.expiresAt,
    locale: user.locale,
    roles: user.isOperator ? ["operator", ...acting.map((r) => r.name)] : acting.map((r) => r.name),
    permissions: user.isOperator ? ["uc.all"] : [...new Set(acting.flatMap((r) => r.permissions))],
  };
}
