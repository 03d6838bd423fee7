/**
 * The JSON login API for mini-programs and apps that cannot hold cookies, answering in seed
 * 003's envelope `{ status, apid, apis, error, reason, message, result }`.
 */
import { translator } from "~/i18n/catalog";
import { randomUUID } from "node:crypto";
import type { Db } from "~/server/db";
import { AppError } from "~/server/errors";
import { describeError, type Locale } from "~/lib/errors";
import { fieldErrors, message } from "~/lib/validators/common";
import { LOGIN_OPERATIONS, PHONE_RE, jsonLoginInput, miniprogramLoginInput, type LoginOperation } from "~/lib/validators/login";
import { miniprogramIdentity, signInWithIdentity, wechatIdentityFromAppCode } from "~/server/services/wechat-login";
import { signInWithPassword } from "~/server/services/auth";
import { signSessionToken } from "~/server/services/tokens";
import type { ResolvedTenant } from "~/server/services/host";
import type { DeviceCookieValue } from "~/server/security/device-cookie";

export interface Envelope {
  status: number;
  apid: string;
  apis: string;
  error: number;
  reason: string;
  message: string;
  result: { id: string; token: string; expire: string; roles: string[]; rules: string[]; deviceToken?: string } | null;
  fields?: Record<string, string[]>;
  /** AddAoginr: whether a user is linked to this mini-program identity. */
  exists?: boolean;
}

const isOperation = (op: string): op is LoginOperation => Object.hasOwn(LOGIN_OPERATIONS, op);

function failure(apis: string, code: number, locale: Locale, fields?: Record<string, string[]>): Envelope {
  const d = describeError(code, locale);
  return { status: d.status, apid: randomUUID(), apis, error: d.code, reason: d.name, message: d.description, result: null, ...(fields ? { fields } : {}) };
}

function success(apis: string, locale: Locale, result: NonNullable<Envelope["result"]>, extra: Partial<Envelope> = {}): Envelope {
  return { status: 200, apid: randomUUID(), apis, error: 0, reason: "success", message: translator(locale, "serverText")("success"), result, ...extra };
}

export interface JsonLoginRequest {
  operation: string;
  body: unknown;
  tenant: ResolvedTenant | null;
  locale: Locale;
  ip: string | null;
  userAgent: string | null;
  /** The request's device cookie, if a browser-based client holds one; `deviceToken` in the body wins. */
  deviceCookie?: DeviceCookieValue;
}

export async function jsonLogin(db: Db, req: JsonLoginRequest): Promise<Envelope> {
  const { operation: apis, locale } = req;
  if (apis === "AddAoginr" || apis === "AddWoginx" || apis === "AddWoginr") return wechatLogin(db, req, apis);
  if (!isOperation(apis)) return failure(apis, 12004, locale);
  if (!req.tenant) return failure(apis, 10007, locale);
  const parsed = jsonLoginInput.safeParse(req.body);
  if (!parsed.success) return failure(apis, 10003, locale, fieldErrors(parsed.error, locale));
  const input = parsed.data;
  const { site, by } = LOGIN_OPERATIONS[apis];
  const kind = PHONE_RE.test(input.ustr) ? "phone" : input.ustr.includes("@") ? "email" : "name";
  if (by && kind !== by) {
    const key = by === "phone" ? "invalidPhone" : by === "email" ? "invalidEmail" : "invalidUserName";
    return failure(apis, 10003, locale, { ustr: [message(key, locale)] });
  }
  try {
    const r = await signInWithPassword(db, {
      tenant: req.tenant,
      ustr: input.ustr,
      pwd: input.pwd,
      // The schema admits only 32-hex (lowercased): this API always sends the digest.
      pwdForm: "md5",
      role: input.role || null,
      ip: req.ip,
      userAgent: req.userAgent,
      deviceId: input.deviceId,
      afs: input.afs,
      requireSite: site ?? undefined,
      deviceCookie: input.deviceToken ?? req.deviceCookie ?? null,
    });
    const token = await signSessionToken(db, { sessionId: r.sessionId, userId: r.userId, tenantId: req.tenant.id, expiresAt: r.expiresAt });
    return success(apis, locale, { id: r.userId, token, expire: r.expiresAt.toISOString(), roles: r.roles, rules: r.permissions, deviceToken: r.deviceToken });
  } catch (e) {
    if (e instanceof AppError) return failure(apis, e.appCode, locale);
    throw e;
  }
}

/**
 * A code from WeChat in `ustr`: a mini-program's wx.login() code (AddAoginr) or a website QR
 * code the app obtained itself (AddWoginx / AddWoginr). Tells whether a user is linked, and
 * signs them in if so; x needs a platform operator, r an administrator.
 */
async function wechatLogin(db: Db, req: JsonLoginRequest, apis: "AddAoginr" | "AddWoginx" | "AddWoginr"): Promise<Envelope> {
  const { locale } = req;
  if (!req.tenant) return failure(apis, 10007, locale);
  const parsed = miniprogramLoginInput.safeParse(req.body);
  if (!parsed.success) return failure(apis, 10003, locale, fieldErrors(parsed.error, locale));
  try {
    const id =
      apis === "AddAoginr"
        ? await miniprogramIdentity(db, req.tenant.id, parsed.data.ustr)
        : await wechatIdentityFromAppCode(db, req.tenant.id, parsed.data.ustr);
    const r = await signInWithIdentity(
      db,
      req.tenant,
      id,
      { ip: req.ip, userAgent: req.userAgent },
      false,
      apis === "AddWoginx" ? "platform" : apis === "AddWoginr" ? "admin" : undefined,
    );
    const token = await signSessionToken(db, { sessionId: r.sessionId, userId: r.userId, tenantId: req.tenant.id, expiresAt: r.expiresAt });
    const actor = await db.user.findUniqueOrThrow({
      where: { id: r.userId },
      select: { roles: { select: { role: { select: { name: true, permissions: true } } } } },
    });
    const roles = actor.roles.map((x) => x.role);
    const result = {
      id: r.userId,
      token,
      expire: r.expiresAt.toISOString(),
      roles: roles.map((x) => x.name),
      rules: [...new Set(roles.flatMap((x) => x.permissions))],
    };
    return success(apis, locale, result, { exists: true });
  } catch (e) {
    if (e instanceof AppError) return { ...failure(apis, e.appCode, locale), exists: e.appCode === 12005 ? false : undefined };
    throw e;
  }
}
