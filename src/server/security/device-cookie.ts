/**
 * OWASP's "device cookie" defence against lockouts: a successful password sign-in leaves the
 * browser a token naming tenant + account + a random nonce, signed with a key derived from the
 * server secret. Failures from a browser that presents a valid token for the account it names
 * count on that device's own throttle row, so a lock raised by strangers does not keep the
 * owner's known browsers out; a device that keeps failing is locked on its own. A token that is
 * forged, for another tenant or another account counts as no token at all.
 *
 * One cookie holds the tokens of the last few accounts signed in on this browser:
 * `<tenantId>.<userId>.<nonce>.<hmac>` joined by `~`.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { getSecrets } from "~/server/secrets";

export const DEVICE_COOKIE = "uc_device";
/** A year: a device stays known as long as it signs in now and then. */
export const DEVICE_COOKIE_MAX_AGE = 365 * 86400;
/** Accounts remembered per browser; the oldest drops off. */
const MAX_TOKENS = 5;
/** Anything longer is not ours (and is not parsed). */
const MAX_COOKIE_LENGTH = 2000;

const TOKEN = /^([0-9a-f-]{36})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

const key = () => createHmac("sha256", getSecrets().authSecret).update("uc-device-cookie-v1").digest();
const sign = (tenantId: string, userId: string, nonce: string) => createHmac("sha256", key()).update(`${tenantId}\n${userId}\n${nonce}`).digest();

export interface DeviceToken {
  tenantId: string;
  userId: string;
  nonce: string;
  token: string;
}

/** A new token for this account on this browser. */
export function issueDeviceToken(tenantId: string, userId: string): string {
  const nonce = randomBytes(16).toString("base64url");
  return `${tenantId}.${userId}.${nonce}.${sign(tenantId, userId, nonce).toString("base64url")}`;
}

/** The tokens in a cookie value (or a JSON API field) whose signature holds; the rest are ignored. */
export function validDeviceTokens(value: string | null | undefined): DeviceToken[] {
  if (!value || value.length > MAX_COOKIE_LENGTH) return [];
  const out: DeviceToken[] = [];
  for (const token of value.split("~").slice(0, MAX_TOKENS)) {
    const m = TOKEN.exec(token);
    if (!m) continue;
    const [, tenantId, userId, nonce, mac] = m as unknown as [string, string, string, string, string];
    const given = Buffer.from(mac, "base64url");
    const expected = sign(tenantId, userId, nonce);
    if (given.length === expected.length && timingSafeEqual(given, expected)) out.push({ tenantId, userId, nonce, token });
  }
  return out;
}

/** This account's device token in `value`, if the browser holds a valid one. */
export const deviceTokenFor = (value: string | null | undefined, tenantId: string, userId: string) =>
  validDeviceTokens(value).find((t) => t.tenantId === tenantId && t.userId === userId) ?? null;

/** The cookie value after a sign-in with `token`: it first, then the other valid ones, at most five. */
export function cookieWithDeviceToken(value: string | null | undefined, token: string): string {
  const [tenantId, userId] = token.split(".");
  const others = validDeviceTokens(value).filter((t) => !(t.tenantId === tenantId && t.userId === userId));
  return [token, ...others.map((t) => t.token)].slice(0, MAX_TOKENS).join("~");
}

/** Cookie attributes: script cannot read it, cross-site requests do not carry it, HTTPS only when served so. */
export const deviceCookieOptions = (secure: boolean) => ({ httpOnly: true, sameSite: "lax" as const, path: "/", maxAge: DEVICE_COOKIE_MAX_AGE, secure });
