/**
 * WeChat sign-in: website QR login (Open Platform OAuth 2.0, `snsapi_login`) and mini-program
 * `wx.login()` codes. Identities are linked to users through ExternalLogin (openid per app, and
 * unionid across a company's apps). The `state` is 128+ random bits in an HMAC-signed, httpOnly
 * cookie, single use and at most 15 minutes old; a used state or code is refused.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "~/server/db";
import { AppError } from "~/server/errors";
import { getSecrets } from "~/server/secrets";
import { code2Session, exchangeCode, fetchUserInfo, qrAuthorizeUrl, WechatError } from "~/server/wechat/client";
import { flag, tenantSettings } from "~/server/services/tenant-settings";
import { createLoginSession, type Site } from "~/server/services/session";
import { ensureBuiltInRoles } from "~/server/services/roles";
import { adminLocked } from "~/server/security/throttle";
import type { ResolvedTenant } from "~/server/services/host";
import { recordingFailure } from "~/server/security/sign-in-failures";
import { safeRedirectTarget } from "~/lib/safe-redirect";

export const WECHAT_STATE_COOKIE = "uc_wx_state";
const STATE_TTL_MS = 15 * 60_000;
const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** 32 base62 characters: about 190 bits, in the only alphabet WeChat documents for `state`. */
function newState(): string {
  return [...randomBytes(32)].map((b) => BASE62[b % 62]).join("");
}

interface StateCookie {
  state: string;
  tenantId: string;
  mode: "login" | "bind";
  userId?: string;
  callbackUrl: string;
  exp: number;
}

const sign = (body: string) => createHmac("sha256", getSecrets().authSecret).update(`wx-state\n${body}`).digest("base64url");

function sealState(c: StateCookie): string {
  const body = Buffer.from(JSON.stringify(c)).toString("base64url");
  return `${body}.${sign(body)}`;
}

function openState(cookie: string | undefined): StateCookie | null {
  if (!cookie) return null;
  const [body, mac] = cookie.split(".");
  if (!body || !mac) return null;
  const expected = Buffer.from(sign(body));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    return JSON.parse(Buffer.from(body, "base64url").toString()) as StateCookie;
  } catch {
    return null;
  }
}

/** Which flow a callback belongs to, for the page that receives it (the cookie is verified again later). */
export function stateMode(cookie: string | undefined): { mode: "login" | "bind"; callbackUrl: string } | null {
  const c = openState(cookie);
  return c ? { mode: c.mode, callbackUrl: c.callbackUrl } : null;
}

const nonceId = (kind: string, value: string) => createHash("sha256").update(`${kind}\n${value}`).digest("hex");

/** Insert-or-fail: true the first time a value is seen, on any instance. */
async function claimOnce(db: Db, kind: string, value: string, ttlMs: number): Promise<boolean> {
  const n = await db.$executeRaw`INSERT INTO "UsedNonce" ("id", "kind", "expiresAt", "createdAt")
    VALUES (${nonceId(kind, value)}, ${kind}, ${new Date(Date.now() + ttlMs)}, now()) ON CONFLICT ("id") DO NOTHING`;
  return n === 1;
}

function appOf(settings: Record<string, string>, kind: "wechat" | "miniprogram") {
  const appId = settings[`${kind}.appId`];
  const secret = settings[`${kind}.appSecret`];
  if (!appId || !secret) throw new AppError(12006);
  return { appId, secret };
}

/** Where to send the browser, and the cookie that binds the round trip to it. */
export async function startWechatLogin(db: Db, opts: { tenant: ResolvedTenant; origin: string; mode: "login" | "bind"; userId?: string; callbackUrl: string }) {
  const { appId } = appOf(await tenantSettings(db, opts.tenant.id), "wechat");
  const state = newState();
  const cookie = sealState({
    state,
    tenantId: opts.tenant.id,
    mode: opts.mode,
    userId: opts.userId,
    callbackUrl: safeRedirectTarget(opts.callbackUrl, opts.origin),
    exp: Date.now() + STATE_TTL_MS,
  });
  const url = qrAuthorizeUrl({ appId, redirectUri: `${opts.origin}/login/wechat`, state });
  return { url, cookie, maxAgeSeconds: STATE_TTL_MS / 1000 };
}

/** Trades a website-login code for the identity (single use here as at WeChat). */
async function identityFromCode(db: Db, tenantId: string, code: string) {
  if (!(await claimOnce(db, "wechat-code", code, STATE_TTL_MS))) throw new AppError(12007);
  const { appId, secret } = appOf(await tenantSettings(db, tenantId), "wechat");
  try {
    const token = await exchangeCode({ appId, secret, code });
    const info = await fetchUserInfo({ accessToken: token.accessToken, openid: token.openid }).catch(() => null);
    return { openid: token.openid, unionid: token.unionid ?? info?.unionid, nickname: info?.nickname, avatar: info?.headimgurl };
  } catch (e) {
    if (e instanceof WechatError) throw new AppError(e.errcode === 40029 || e.errcode === 40163 ? 12007 : 12008);
    throw e;
  }
}

/**
 * For apps (seed 003's AddWoginx / AddWoginr): the app ran the QR round trip itself and
 * checked its own `state`; we take the code it got.
 */
export async function wechatIdentityFromAppCode(db: Db, tenantId: string, code: string): Promise<Identity> {
  return { provider: "wechat", ...(await identityFromCode(db, tenantId, code)) };
}

/** Checks the state against its cookie (and uses it up), then trades the code for the identity. */
export async function completeWechatRoundTrip(db: Db, opts: { tenant: ResolvedTenant; cookie: string | undefined; state: string; code: string }) {
  const c = openState(opts.cookie);
  if (!c || c.tenantId !== opts.tenant.id || c.exp < Date.now()) throw new AppError(12007);
  const a = Buffer.from(c.state);
  const b = Buffer.from(opts.state);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError(12007);
  if (!(await claimOnce(db, "wechat-state", c.state, STATE_TTL_MS))) throw new AppError(12007);
  return { cookie: c, ...(await identityFromCode(db, opts.tenant.id, opts.code)) };
}

interface Identity {
  provider: "wechat" | "miniprogram";
  openid: string;
  unionid?: string;
  nickname?: string;
  avatar?: string;
}

/** The user linked to this identity: by openid for this provider, else by unionid across providers. */
async function linkedUser(db: Db, tenantId: string, id: Identity) {
  const byOpenid = await db.externalLogin.findUnique({
    where: { tenantId_provider_providerKey: { tenantId, provider: id.provider, providerKey: id.openid } },
    select: { userId: true },
  });
  if (byOpenid) return byOpenid.userId;
  if (!id.unionid) return null;
  const byUnion = await db.externalLogin.findFirst({ where: { tenantId, unionId: id.unionid }, select: { userId: true } });
  if (byUnion) {
    // Same person, another app of the same company: remember this app's openid too.
    await db.externalLogin.create({
      data: { tenantId, userId: byUnion.userId, provider: id.provider, providerKey: id.openid, unionId: id.unionid, nickname: id.nickname, avatar: id.avatar },
    });
  }
  return byUnion?.userId ?? null;
}

async function openSession(
  db: Db,
  tenant: ResolvedTenant,
  userId: string,
  method: string,
  req: { ip: string | null; userAgent: string | null },
  requireSite?: Exclude<Site, "web">,
) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { status: true, deletedAt: true, locale: true, isOperator: true, roles: { select: { role: { select: { permissions: true } } } } },
  });
  // The WeChat code already proves who this is: only an administrator's lock refuses it, never
  // one raised by password failures (which anyone who knows the phone can cause).
  if (!user || user.status !== "active" || user.deletedAt || (await adminLocked(db, tenant.id, userId))) throw new AppError(12001);
  const admin = user.roles.some((r) => r.role.permissions.some((p) => !p.startsWith("uc.me.")));
  const site: Site = user.isOperator ? "platform" : admin ? "admin" : "web";
  if (requireSite === "platform" && site !== "platform") throw new AppError(12003);
  if (requireSite === "admin" && site === "web") throw new AppError(12003);
  const s = await createLoginSession(db, { tenantId: tenant.id, userId, site, method, ip: req.ip, userAgent: req.userAgent });
  return { userId, sessionId: s.id, expiresAt: s.expiresAt, locale: user.locale };
}

/** Signs in the user linked to this identity, creating one when the tenant allows it. */
export function signInWithIdentity(
  db: Db,
  tenant: ResolvedTenant,
  id: Identity,
  req: { ip: string | null; userAgent: string | null },
  allowCreate: boolean,
  requireSite?: Exclude<Site, "web">,
) {
  return recordingFailure(db, tenant.id, id.provider, () => identitySignIn(db, tenant, id, req, allowCreate, requireSite));
}

async function identitySignIn(
  db: Db,
  tenant: ResolvedTenant,
  id: Identity,
  req: { ip: string | null; userAgent: string | null },
  allowCreate: boolean,
  requireSite?: Exclude<Site, "web">,
) {
  let userId = await linkedUser(db, tenant.id, id);
  if (!userId) {
    const settings = await tenantSettings(db, tenant.id);
    if (!allowCreate || !flag(settings, "auth.allowWechatSignup", false)) throw new AppError(12005);
    await ensureBuiltInRoles(db, tenant.id);
    const role = await db.role.findUniqueOrThrow({ where: { tenantId_name: { tenantId: tenant.id, name: "user" } }, select: { id: true } });
    const user = await db.user.create({
      data: {
        tenantId: tenant.id,
        nickname: id.nickname ?? null,
        avatar: id.avatar ?? null,
        roles: { create: [{ roleId: role.id }] },
        externalLogins: {
          create: [{ tenantId: tenant.id, provider: id.provider, providerKey: id.openid, unionId: id.unionid, nickname: id.nickname, avatar: id.avatar }],
        },
      },
      select: { id: true },
    });
    userId = user.id;
  }
  return openSession(db, tenant, userId, id.provider, req, requireSite);
}

/** Links an identity to a signed-in user; refused when it already belongs to someone else. */
export async function bindIdentity(db: Db, tenantId: string, userId: string, id: Identity) {
  const owner = await linkedUser(db, tenantId, id);
  if (owner && owner !== userId) throw new AppError(12009);
  if (owner === userId) return;
  await db.externalLogin.create({
    data: { tenantId, userId, provider: id.provider, providerKey: id.openid, unionId: id.unionid, nickname: id.nickname, avatar: id.avatar },
  });
}

/** `wx.login()` code → openid/unionid. The session_key never leaves this function. */
export async function miniprogramIdentity(db: Db, tenantId: string, jsCode: string): Promise<Identity> {
  const { appId, secret } = appOf(await tenantSettings(db, tenantId), "miniprogram");
  if (!(await claimOnce(db, "wechat-code", `mp:${jsCode}`, STATE_TTL_MS))) throw new AppError(12007);
  try {
    const s = await code2Session({ appId, secret, jsCode });
    return { provider: "miniprogram", openid: s.openid, unionid: s.unionid };
  } catch (e) {
    if (e instanceof WechatError) throw new AppError(e.errcode === 40029 || e.errcode === 40163 ? 12007 : 12008);
    throw e;
  }
}

/** Unlinks, but never leaves the account without a way in. */
export async function unbindIdentity(db: Db, tenantId: string, userId: string, provider: "wechat" | "miniprogram") {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { passwordHash: true, phone: true, externalLogins: { select: { id: true, provider: true } } },
  });
  const others = user.externalLogins.filter((l) => l.provider !== provider);
  if (!user.passwordHash && !user.phone && others.length === 0) throw new AppError(12010);
  await db.externalLogin.deleteMany({ where: { tenantId, userId, provider } });
}
