/**
 * OWASP's "device cookie" defence against lockouts: a successful password sign-in leaves the
 * browser a token naming tenant + account + a random nonce, signed with a key derived from the
 * server secret. Failures from a browser that presents a valid token for the account it names
 * count on that device's own throttle row, so a lock raised by strangers does not keep the
 * owner's known browsers out; a device that keeps failing is locked on its own. A token that is
 * forged, for another tenant or another account counts as no token at all.
 *
 * One cookie holds the tokens of the last few accounts signed in on this browser:
 * `<tenantId>.<userId>.<nonce>.<issuedAtMs>.<hmac>` joined by `~`. The issue time is signed: a
 * token older than `DEVICE_TOKEN_MAX_AGE_MS`, or than the account's last password change (set,
 * change, reset), counts as none, so a new password also forgets the devices that knew the old.
 * Every cookie of that name is read (a sibling subdomain can set one that shadows ours), and any
 * valid token in any of them is kept.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { getSecrets } from "~/server/secrets";

export const DEVICE_COOKIE = "uc_device";
/** How long a device token counts from its issue; the browser then gets a new one at its next sign-in. */
export const DEVICE_TOKEN_MAX_AGE_MS = 180 * 86_400_000;
export const DEVICE_COOKIE_MAX_AGE = DEVICE_TOKEN_MAX_AGE_MS / 1000;
/** Accounts remembered per browser; the oldest drops off. */
const MAX_TOKENS = 5;
/** Anything longer is not ours (and is not parsed). */
const MAX_COOKIE_LENGTH = 2000;
/** Cookies of our name read from one header (ours plus any shadowing ones). */
const MAX_COOKIES = 10;
/** Instances' clocks may disagree a little. */
const CLOCK_SKEW_MS = 5 * 60_000;

const TOKEN = /^([0-9a-f-]{36})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{22})\.([0-9]{13})\.([A-Za-z0-9_-]{43})$/;

const key = () => createHmac("sha256", getSecrets().authSecret).update("uc-device-cookie-v2").digest();
const sign = (tenantId: string, userId: string, nonce: string, issuedAt: string) =>
  createHmac("sha256", key()).update(`${tenantId}\n${userId}\n${nonce}\n${issuedAt}`).digest();

export interface DeviceToken {
  tenantId: string;
  userId: string;
  nonce: string;
  issuedAt: Date;
  token: string;
}

/** A cookie value, the values of every cookie of our name, or a JSON API field. */
export type DeviceCookieValue = string | readonly string[] | null | undefined;

/** A new token for this account on this browser. */
export function issueDeviceToken(tenantId: string, userId: string, now = new Date()): string {
  const nonce = randomBytes(16).toString("base64url");
  const issuedAt = String(now.getTime()).padStart(13, "0");
  return `${tenantId}.${userId}.${nonce}.${issuedAt}.${sign(tenantId, userId, nonce, issuedAt).toString("base64url")}`;
}

/** Every value of the device cookie in a Cookie header, in order (a shadowing cookie never hides ours). */
export function readDeviceCookies(header: string | null | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i <= 0 || part.slice(0, i).trim() !== DEVICE_COOKIE) continue;
    const raw = part.slice(i + 1).trim();
    try {
      out.push(decodeURIComponent(raw));
    } catch {
      out.push(raw);
    }
    if (out.length >= MAX_COOKIES) break;
  }
  return out;
}

/** The tokens in the value(s) whose signature holds and that are not too old; the rest are ignored. */
export function validDeviceTokens(value: DeviceCookieValue, now = new Date()): DeviceToken[] {
  const values = typeof value === "string" ? [value] : (value ?? []);
  const out: DeviceToken[] = [];
  for (const v of values.slice(0, MAX_COOKIES)) {
    if (!v || v.length > MAX_COOKIE_LENGTH) continue;
    for (const token of v.split("~").slice(0, MAX_TOKENS)) {
      const m = TOKEN.exec(token);
      if (!m) continue;
      const [, tenantId, userId, nonce, issued, mac] = m as unknown as [string, string, string, string, string, string];
      const given = Buffer.from(mac, "base64url");
      const expected = sign(tenantId, userId, nonce, issued);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) continue;
      const issuedAt = new Date(Number(issued));
      const age = now.getTime() - issuedAt.getTime();
      if (age > DEVICE_TOKEN_MAX_AGE_MS || age < -CLOCK_SKEW_MS) continue;
      if (!out.some((t) => t.token === token)) out.push({ tenantId, userId, nonce, issuedAt, token });
    }
  }
  return out;
}

/**
 * This account's device token in `value`, if the browser holds a valid one issued after the
 * account's password last changed (a token from before then counts as none).
 */
export const deviceTokenFor = (value: DeviceCookieValue, tenantId: string, userId: string, passwordChangedAt?: Date | null, now = new Date()) =>
  validDeviceTokens(value, now).find((t) => t.tenantId === tenantId && t.userId === userId && !(passwordChangedAt && t.issuedAt < passwordChangedAt)) ?? null;

/** The cookie value after a sign-in with `token`: it first, then the other valid ones, at most five. */
export function cookieWithDeviceToken(value: DeviceCookieValue, token: string): string {
  const [tenantId, userId] = token.split(".");
  const others = validDeviceTokens(value).filter((t) => !(t.tenantId === tenantId && t.userId === userId));
  return [token, ...others.map((t) => t.token)].slice(0, MAX_TOKENS).join("~");
}

/** Cookie attributes: script cannot read it, cross-site requests do not carry it, HTTPS only when served so. */
export const deviceCookieOptions = (secure: boolean) => ({ httpOnly: true, sameSite: "lax" as const, path: "/", maxAge: DEVICE_COOKIE_MAX_AGE, secure });
