import type { Db } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import { AppError } from "~/server/errors";
import { dummyHash, hashDigest, matchingDigest } from "~/server/password";
import { THROTTLE_DEFAULTS, accountThrottle, ipFailures, recordFailure, recordSuccess, unknownAccount } from "~/server/security/throttle";
import { needsRehash } from "~/server/security/passwords";
import { verifyCaptcha } from "~/server/security/captcha";
import { createHmac } from "node:crypto";
import { getSecrets } from "~/server/secrets";
import { createLoginSession, type Site } from "~/server/services/session";
import type { ResolvedTenant } from "~/server/services/host";

/** How `ustr` names an account: `+86-158…` a phone, anything with @ an email, else a user name. */
export function accountWhere(tenantId: string, ustr: string): Prisma.UserWhereInput {
  const s = ustr.trim();
  if (/^\+\d{1,4}-\d{4,14}$/.test(s)) return { tenantId, phone: s };
  if (s.includes("@")) return { tenantId, email: s.toLowerCase() };
  return { tenantId, userNameKey: s.toLowerCase() };
}

export interface PasswordSignIn {
  tenant: ResolvedTenant;
  ustr: string;
  pwd: string;
  role?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  deviceId?: string | null;
  /** The console the caller signs in to: `platform` needs an operator, `admin` an administrator. */
  requireSite?: Exclude<Site, "web">;
  /** Captcha payload; required once this IP has failed 5 times in 10 minutes. */
  afs?: string | null;
}

/** The ALTCHA HMAC key, derived from the server secret so every instance agrees. */
export const captchaKey = () => createHmac("sha256", getSecrets().authSecret).update("altcha-v1").digest("hex");

/**
 * Verifies a password and opens a login session. Unknown accounts still cost one hash, and
 * every failure answers the same 12001, so the answer never tells whether an account exists.
 */
export async function signInWithPassword(db: Db, input: PasswordSignIn) {
  const ip = input.ip ?? "";
  // Past 50 failures from this address: refuse before any password hash is computed.
  const failures = ip ? await ipFailures(db, ip) : 0;
  if (failures > THROTTLE_DEFAULTS.ipBlockAfter) throw new AppError(10005);
  if (failures >= THROTTLE_DEFAULTS.ipCaptchaAfter && !(input.afs && (await verifyCaptcha(db, captchaKey(), input.afs)))) {
    throw new AppError(14004);
  }
  const user = await db.user.findFirst({
    where: { ...accountWhere(input.tenant.id, input.ustr), deletedAt: null },
    select: {
      id: true,
      status: true,
      isOperator: true,
      passwordHash: true,
      locale: true,
      roles: { select: { role: { select: { name: true, permissions: true } } } },
    },
  });
  const digest = await matchingDigest(user?.passwordHash ?? (await dummyHash()), input.pwd);
  const ok = digest !== null;
  // Locked, unknown and wrong answers are the same 12001, after the same hash work.
  // Unknown names read and write a throttle row of their own, so they cost what known ones do.
  const unknown = user ? undefined : unknownAccount(input.ustr);
  const throttle = await accountThrottle(db, input.tenant.id, user?.id ?? unknown!);
  if (!user || !user.passwordHash || !ok || user.status !== "active" || throttle.lockedUntil) {
    await recordFailure(db, { tenantId: input.tenant.id, userId: user?.id ?? null, unknown, ip });
    throw new AppError(12001);
  }
  // Nothing to reset when this account never failed.
  if (throttle.counting) await recordSuccess(db, { tenantId: input.tenant.id, userId: user.id, ip });
  if (digest && needsRehash(user.passwordHash)) {
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashDigest(digest) } });
  }
  if (!user.isOperator && input.tenant.status !== "enabled") throw new AppError(10008);

  const roles = user.roles.map((r) => r.role);
  if (input.role && !user.isOperator && !roles.some((r) => r.name === input.role)) throw new AppError(12002);
  const acting = input.role ? roles.filter((r) => r.name === input.role) : roles;
  const site: Site = user.isOperator
    ? "platform"
    : acting.some((r) => r.permissions.some((p) => !p.startsWith("uc.me.")))
      ? "admin"
      : "web";

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
    expiresAt: session.expiresAt,
    locale: user.locale,
    roles: user.isOperator ? ["operator", ...acting.map((r) => r.name)] : acting.map((r) => r.name),
    permissions: user.isOperator ? ["uc.all"] : [...new Set(acting.flatMap((r) => r.permissions))],
  };
}
