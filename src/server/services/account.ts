/**
 * Self-service account flows that prove a phone or email with a one-time code: sending codes,
 * signing in by SMS code (registering when the tenant allows it), registration, password reset.
 */
import type { z } from "zod";
import type { Db } from "~/server/db";
import type { Locale } from "~/lib/errors";
import { AppError } from "~/server/errors";
import { DUMMY_HASH, hashPassword, verifyPassword } from "~/server/password";
import { createMessenger, messagingConfig } from "~/server/messaging";
import { checkCode, codeRulesFrom, consumeCode, sendCode, spendCodeTry, type CodeChannel, type VerifyCodeInput } from "~/server/services/codes";
import { createLoginSession } from "~/server/services/session";
import { captchaKey } from "~/server/services/auth";
import { flag, tenantSettings } from "~/server/services/tenant-settings";
import { ensureBuiltInRoles } from "~/server/services/roles";
import { writeAudit } from "~/server/services/audit";
import type { ResolvedTenant } from "~/server/services/host";
import { verifyCaptcha } from "~/server/security/captcha";
import { assertNewPassword, rememberReplacedPassword } from "~/server/services/password-policy";
import { adminLocked, liftFailureLock, recordFailure, recordSuccess, signInLocked } from "~/server/security/throttle";
import { deviceTokenFor, issueDeviceToken, type DeviceCookieValue } from "~/server/security/device-cookie";
import { recordingFailure } from "~/server/security/sign-in-failures";
import { TERMS_VERSION, type registerInput, type resetPasswordInput, type sendCodeInput } from "~/lib/validators/auth";
import { message } from "~/lib/validators/common";

export { captchaKey };

export async function requireCaptcha(db: Db, afs: string | undefined | null) {
  if (!afs || !(await verifyCaptcha(db, captchaKey(), afs))) throw new AppError(14004);
}

const accountByTarget = (db: Db, tenantId: string, channel: CodeChannel, target: string) =>
  db.user.findFirst({
    where: { tenantId, deletedAt: null, ...(channel === "sms" ? { phone: target } : { email: target.toLowerCase() }) },
    select: { id: true, status: true, passwordChangedAt: true },
  });

export interface RequestInfo {
  tenant: ResolvedTenant;
  ip: string | null;
  userAgent: string | null;
  locale: Locale;
  /** The raw Cookie header: a known device's cookie lets its owner past strangers' locks. */
  cookie?: string | null;
}

/** Always the same answer, whether or not an account exists; limits apply either way. */
export async function requestCode(db: Db, req: RequestInfo, input: z.output<typeof sendCodeInput>) {
  await requireCaptcha(db, input.afs);
  const target = input.channel === "email" ? input.target.toLowerCase() : input.target;
  const settings = await tenantSettings(db, req.tenant.id);
  const user = await accountByTarget(db, req.tenant.id, input.channel, target);
  // A login code proves the phone, so only an administrator's lock withholds it (see `signInWithSmsCode`).
  const usable = !!user && user.status === "active" && !(await adminLocked(db, req.tenant.id, user.id));
  // Registration codes go to taken phones and emails too: only their owner, holding the code,
  // then learns that an account has them (see `register`).
  const deliver =
    input.purpose === "register"
      ? true
      : input.purpose === "login"
        ? usable || (!user && input.channel === "sms" && flag(settings, "auth.allowPhoneSignup", true))
        : input.purpose === "reset"
          ? !!user && user.status === "active"
          : true;
  const messenger = createMessenger(db, req.tenant.id, messagingConfig(settings));
  const r = await sendCode(db, messenger, {
    tenantId: req.tenant.id,
    purpose: input.purpose,
    channel: input.channel,
    target,
    ip: req.ip,
    locale: req.locale,
    deliver,
    tenantName: req.tenant.name,
    rules: codeRulesFrom(settings),
  });
  return { sent: true as const, expiresAt: r.expiresAt, resendAfter: r.resendAfter };
}

async function createEndUser(
  db: Db,
  tenantId: string,
  data: {
    phone: string;
    email?: string | null;
    userName?: string | null;
    nickname?: string | null;
    passwordHash?: string | null;
    terms: boolean;
    /** The email was proven by a code too (registration asks for one); the phone always is. */
    emailProven?: boolean;
  },
) {
  const now = new Date();
  await ensureBuiltInRoles(db, tenantId);
  const role = await db.role.findUniqueOrThrow({ where: { tenantId_name: { tenantId, name: "user" } }, select: { id: true } });
  try {
    return await db.user.create({
      data: {
        tenantId,
        phone: data.phone,
        phoneVerifiedAt: now,
        email: data.email || null,
        emailVerifiedAt: data.email && data.emailProven ? now : null,
        userName: data.userName || null,
        userNameKey: data.userName ? data.userName.toLowerCase() : null,
        nickname: data.nickname || null,
        passwordHash: data.passwordHash ?? null,
        passwordChangedAt: data.passwordHash ? new Date() : null,
        termsVersion: data.terms ? TERMS_VERSION : null,
        termsAcceptedAt: data.terms ? new Date() : null,
        roles: { create: [{ roleId: role.id }] },
      },
      select: { id: true },
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new AppError(14005);
    throw e;
  }
}

/**
 * Codes first: until the caller proves they hold the phone (and the email) every refusal is the
 * same 14001, whether or not an account has them. Then a taken phone or email is told to its
 * proven owner, and a taken user name (the one thing a registration form may reveal), each as a
 * field error; the codes are used up only when the account is created, and every such refusal
 * uses one of their 5 tries.
 */
export async function register(db: Db, req: RequestInfo, input: z.output<typeof registerInput>) {
  await requireCaptcha(db, input.afs);
  const tenantId = req.tenant.id;
  const settings = await tenantSettings(db, tenantId);
  if (!flag(settings, "auth.allowSignup", true)) throw new AppError(14007);
  await assertNewPassword(db, { tenantId, password: input.password, locale: req.locale });
  const email = input.email || null;
  const userNameKey = input.userName ? input.userName.toLowerCase() : null;
  const codes: VerifyCodeInput[] = [
    { tenantId, purpose: "register", channel: "sms", target: input.phone, code: input.phoneCode },
    ...(email ? [{ tenantId, purpose: "register" as const, channel: "email" as const, target: email, code: input.emailCode ?? "" }] : []),
  ];
  const checked: { id: string }[] = [];
  for (const c of codes) checked.push(await checkCode(db, c));
  const taken = await db.user.findMany({
    where: { tenantId, OR: [{ phone: input.phone }, ...(email ? [{ email }] : []), ...(userNameKey ? [{ userNameKey }] : [])] },
    select: { phone: true, email: true, userNameKey: true },
  });
  const fields: Record<string, string[]> = {};
  if (taken.some((u) => u.phone === input.phone)) fields.phone = [message("phoneTaken", req.locale)];
  if (email && taken.some((u) => u.email === email)) fields.email = [message("emailTaken", req.locale)];
  if (userNameKey && taken.some((u) => u.userNameKey === userNameKey)) fields.userName = [message("userNameTaken", req.locale)];
  if (Object.keys(fields).length) {
    // Each such answer uses a try of the codes, so one code cannot test user names without end.
    for (const c of checked) await spendCodeTry(db, c);
    throw new AppError(14005, fields);
  }
  for (const c of codes) await consumeCode(db, c);
  const user = await createEndUser(db, tenantId, {
    phone: input.phone,
    email,
    userName: input.userName || null,
    nickname: input.nickname || null,
    passwordHash: await hashPassword(input.password),
    terms: true,
    emailProven: !!email,
  });
  const after = { phone: input.phone, email: input.email || undefined, userName: input.userName || undefined };
  await writeAudit(db, { actorId: user.id, tenantId, ip: req.ip, userAgent: req.userAgent }, "user.register", user.id, undefined, after);
  return { id: user.id };
}

/**
 * The user chose this password themselves: stored, the replaced hash remembered for the reuse
 * rule, an administrator's "change it first" cleared, and their sessions ended (all, or all but this one).
 */
async function setOwnPassword(db: Db, userId: string, password: string, opts: { endSessions: "all" } | { endSessions: "others"; keep: string }) {
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    const { passwordHash: replaced } = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
    await rememberReplacedPassword(tx, userId, replaced);
    await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: new Date(), mustChangePassword: false } });
    await tx.loginSession.updateMany({
      where: { userId, state: { in: ["active", "frozen"] }, ...(opts.endSessions === "others" ? { id: { not: opts.keep } } : {}) },
      data: { state: "ended", endedAt: new Date() },
    });
  });
}

/** Sets a new password after a code; every session of that user ends, the lock is lifted. */
export async function resetPassword(db: Db, req: RequestInfo, input: z.output<typeof resetPasswordInput>) {
  await assertNewPassword(db, { tenantId: req.tenant.id, password: input.password, locale: req.locale });
  const target = input.channel === "email" ? input.target.toLowerCase() : input.target;
  await consumeCode(db, { tenantId: req.tenant.id, purpose: "reset", channel: input.channel, target, code: input.code });
  const user = await accountByTarget(db, req.tenant.id, input.channel, target);
  if (!user || user.status !== "active") throw new AppError(14001);
  // Reuse is judged only once the code proved the owner (before, it would tell anyone an account's old passwords).
  await assertNewPassword(db, { tenantId: req.tenant.id, userId: user.id, password: input.password, locale: req.locale });
  await setOwnPassword(db, user.id, input.password, { endSessions: "all" });
  await markContactProven(db, user.id, input.channel === "sms" ? "phone" : "email", target);
  // The code proved the owner: a lock raised by failures is lifted (an administrator's stays).
  await recordSuccess(db, { tenantId: req.tenant.id, userId: user.id, ip: req.ip ?? "" });
  await liftFailureLock(db, { tenantId: req.tenant.id, userId: user.id });
  // Anonymous: the account is named by the phone or email the code went to.
  const named = { channel: input.channel, account: input.target };
  await writeAudit(db, { actorId: null, tenantId: req.tenant.id, ip: req.ip, userAgent: req.userAgent }, "user.resetPassword", null, undefined, named);
  return { ok: true as const };
}

/**
 * Phone + SMS code: signs in, or registers first when the tenant allows sign-up by phone. The
 * code proves the phone (and has its own limits: 5 tries, sends per hour and day), so only an
 * administrator's lock refuses it: a lock raised by password failures, which anyone who knows the
 * phone can cause, must not keep its owner out (the same code could reset the password anyway).
 * The result's `deviceToken` is what the browser keeps for later password sign-ins.
 */
export function signInWithSmsCode(db: Db, req: RequestInfo, phone: string, code: string, deviceCookie?: DeviceCookieValue) {
  return recordingFailure(db, req.tenant.id, "sms-code", () => smsCodeSignIn(db, req, phone, code, deviceCookie));
}

async function smsCodeSignIn(db: Db, req: RequestInfo, phone: string, code: string, deviceCookie?: DeviceCookieValue) {
  await consumeCode(db, { tenantId: req.tenant.id, purpose: "login", channel: "sms", target: phone, code });
  let user = await db.user.findFirst({
    where: { tenantId: req.tenant.id, phone, deletedAt: null },
    select: { id: true, status: true, locale: true, passwordChangedAt: true },
  });
  if (!user) {
    const settings = await tenantSettings(db, req.tenant.id);
    if (!flag(settings, "auth.allowPhoneSignup", true)) throw new AppError(12001);
    const created = await createEndUser(db, req.tenant.id, { phone, terms: false });
    user = { id: created.id, status: "active", locale: null, passwordChangedAt: null };
  }
  if (user.status !== "active") throw new AppError(12001);
  await markContactProven(db, user.id, "phone", phone);
  const device = deviceTokenFor(deviceCookie, req.tenant.id, user.id, user.passwordChangedAt);
  if (await adminLocked(db, req.tenant.id, user.id)) throw new AppError(12001);
  const session = await createLoginSession(db, {
    tenantId: req.tenant.id,
    userId: user.id,
    site: "web",
    method: "sms-code",
    ip: req.ip,
    userAgent: req.userAgent,
  });
  await recordSuccess(db, { tenantId: req.tenant.id, userId: user.id, ip: req.ip ?? "", device: device?.nonce });
  return { userId: user.id, sessionId: session.id, locale: user.locale, deviceToken: device?.token ?? issueDeviceToken(req.tenant.id, user.id) };
}

/**
 * Needs the current password; the caller's other sessions end. Wrong guesses count on the
 * account like sign-in failures (a stolen session cookie must not allow brute force), and while
 * the account is locked every answer is the wrong-password one, after the same hash work.
 */
export async function changePassword(
  db: Db,
  actor: { userId: string; sessionId: string },
  input: { current: string; password: string },
  locale: Locale,
  ip: string | null = null,
) {
  const user = await db.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { tenantId: true, passwordHash: true } });
  // One verification whether or not a password is set (against the dummy when none is), locked or not.
  const [matches, locked] = await Promise.all([
    verifyPassword(user.passwordHash ?? DUMMY_HASH, input.current),
    signInLocked(db, user.tenantId, actor.userId, null),
  ]);
  if (!user.passwordHash || !matches || locked) {
    await recordFailure(db, { tenantId: user.tenantId, userId: actor.userId, ip: ip ?? "" });
    throw new AppError(12001, { current: [message("currentPasswordWrong", locale)] });
  }
  await assertNewPassword(db, { tenantId: user.tenantId, userId: actor.userId, password: input.password, locale });
  await setOwnPassword(db, actor.userId, input.password, { endSessions: "others", keep: actor.sessionId });
  // The right password starts the account's counter over, as a sign-in does.
  await recordSuccess(db, { tenantId: user.tenantId, userId: actor.userId, ip: ip ?? "" });
  return { ok: true as const };
}

type ContactKind = "phone" | "email";

/**
 * A code sent to `value` proved the user holds it: the OIDC `*_verified` claims come from here.
 * Only while it is still the account's phone or email (the row is matched on it), so a proof never
 * lands on an address that changed in between; the first proof since the last change is kept.
 */
async function markContactProven(db: Db, userId: string, kind: ContactKind, value: string) {
  const now = new Date();
  await db.user.updateMany({
    where: kind === "phone" ? { id: userId, phone: value, phoneVerifiedAt: null } : { id: userId, email: value, emailVerifiedAt: null },
    data: kind === "phone" ? { phoneVerifiedAt: now } : { emailVerifiedAt: now },
  });
}

/** Binds (or changes) the phone or email, proven by a `bind` code sent to that very target. */
export async function bindContact(db: Db, tenantId: string, userId: string, kind: ContactKind, target: string, code: string) {
  const value = kind === "email" ? target.toLowerCase() : target;
  // The code first, so that only the target's owner learns whether another account has it.
  const proof: VerifyCodeInput = { tenantId, purpose: "bind", channel: kind === "phone" ? "sms" : "email", target: value, code };
  await checkCode(db, proof);
  const taken = await db.user.findFirst({
    where: { tenantId, id: { not: userId }, ...(kind === "phone" ? { phone: value } : { email: value }) },
    select: { id: true },
  });
  if (taken) throw new AppError(14005);
  await consumeCode(db, proof);
  try {
    const now = new Date();
    await db.user.update({ where: { id: userId }, data: kind === "phone" ? { phone: value, phoneVerifiedAt: now } : { email: value, emailVerifiedAt: now } });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new AppError(14005);
    throw e;
  }
  return { ok: true as const };
}

/** Removes the phone or email unless the account would be left with no way in. */
export async function unbindContact(db: Db, userId: string, kind: ContactKind) {
  const u = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { phone: true, email: true, userName: true, passwordHash: true, _count: { select: { externalLogins: true } } },
  });
  const after = { ...u, [kind]: null };
  const passwordWayIn = !!u.passwordHash && !!(after.phone || after.email || after.userName);
  const wayIn = passwordWayIn || !!after.phone || u._count.externalLogins > 0;
  if (!wayIn) throw new AppError(12010);
  await db.user.update({ where: { id: userId }, data: kind === "phone" ? { phone: null, phoneVerifiedAt: null } : { email: null, emailVerifiedAt: null } });
  return { ok: true as const };
}
