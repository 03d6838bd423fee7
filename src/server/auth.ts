import "server-only";
import { cache } from "react";
import { randomBytes } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { decode } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { db } from "~/server/db";
import { getSecrets } from "~/server/secrets";
import { verifiedCache } from "~/server/security/verified-cache";
import { AppError } from "~/server/errors";
import { hasControlChars, hasLoneSurrogate } from "~/lib/validators/common";
import { signInWithPassword } from "~/server/services/auth";
import { signInWithSmsCode } from "~/server/services/account";
import { WECHAT_STATE_COOKIE, completeWechatRoundTrip, signInWithIdentity } from "~/server/services/wechat-login";
import { cookieLocale, pickLocale } from "~/i18n/locale";
import { phoneSchema } from "~/lib/validators/common";
import { codeSchema } from "~/lib/validators/auth";
import { endLoginSession, loadTenantAndActor, type Actor } from "~/server/services/session";
import { resolveTenant, type ResolvedTenant } from "~/server/services/host";
import { requestHost, requestIp, requestProto } from "~/server/request";
import { LOCALE_COOKIE, isLocale, readCookie } from "~/i18n/locale";
import { describeError } from "~/lib/errors";
import { env } from "~/env";
import { DEVICE_COOKIE, cookieWithDeviceToken, deviceCookieOptions, readDeviceCookies } from "~/server/security/device-cookie";
import { safeRedirectTarget } from "~/lib/safe-redirect";
import type { SessionEndReason } from "~/lib/validators/session";

declare module "next-auth" {
  interface Session {
    sid?: string;
  }
  interface User {
    sid?: string;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
    /** 128 random bits, new at every sign-in: the cookie never repeats, whatever the session id. */
    jti?: string;
  }
}

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** Header values from next-auth's plain-object request headers. */
const bag = (h: Record<string, string | string[] | undefined> | undefined) => ({
  get: (name: string) => {
    const v = h?.[name];
    return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
  },
});

/** Whether the browser reached us over HTTPS (the front server settles the scheme; see request.ts). */
const overHttps = (h: { get(name: string): string | null }) => !!env.NEXTAUTH_URL?.startsWith("https:") || requestProto(h) === "https";

interface SignedIn {
  userId: string;
  sessionId: string;
  locale: string | null;
  /** Password sign-in: the device token this browser keeps (see security/device-cookie.ts). */
  deviceToken?: string;
}

/** After any variant succeeds: remember the user's language (and device), hand next-auth the session id. */
async function signedIn(r: SignedIn, req: { cookie: string | null; secure: boolean }) {
  const jar = await cookies();
  if (r.locale && isLocale(r.locale)) {
    jar.set(LOCALE_COOKIE, r.locale, { path: "/", sameSite: "lax", maxAge: 365 * 86400 });
  }
  if (r.deviceToken) jar.set(DEVICE_COOKIE, cookieWithDeviceToken(readDeviceCookies(req.cookie), r.deviceToken), deviceCookieOptions(req.secure));
  return { id: r.userId, sid: r.sessionId };
}

/** next-auth passes an error's message to the form as `error`: our numeric code. */
const asSignInError = (e: unknown) => (e instanceof AppError ? new Error(String(e.appCode)) : e);

interface VariantRequest {
  tenant: ResolvedTenant;
  ip: string | null;
  userAgent: string | null;
  cookie: string | null;
  locale: "zh-CN" | "en";
}

/** What every sign-in variant shares: the tenant from Host, the request's facts, the outcome. */
async function variant(req: { headers?: Record<string, string | string[] | undefined> }, signIn: (r: VariantRequest) => Promise<SignedIn>) {
  const h = bag(req.headers);
  try {
    const tenant = await resolveTenant(db, requestHost(h));
    if (!tenant) throw new AppError(10007);
    const cookie = h.get("cookie");
    const r = await signIn({
      tenant,
      ip: requestIp(h),
      userAgent: h.get("user-agent"),
      cookie,
      locale: pickLocale(cookieLocale(cookie), h.get("accept-language")),
    });
    return await signedIn(r, { cookie, secure: overHttps(h) });
  } catch (e) {
    throw asSignInError(e);
  }
}

let options: NextAuthOptions | undefined;

export function getAuthOptions(): NextAuthOptions {
  return (options ??= {
    secret: getSecrets().authSecret,
    // The cookie outlives nothing: each request re-checks the session record (loadActor).
    session: { strategy: "jwt", maxAge: 12 * 3600 },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "password",
        name: "Password",
        credentials: {
          ustr: { label: "Phone, email or user name", type: "text" },
          pwd: { label: "Password", type: "password" },
          afs: { label: "Captcha", type: "text" },
          role: { label: "Role", type: "text" },
        },
        authorize: (credentials, req) =>
          variant(req, async ({ tenant, ip, userAgent, cookie }) => {
            const ustr = credentials?.ustr?.trim() ?? "";
            const pwd = credentials?.pwd ?? "";
            if (!ustr || !pwd || ustr.length > 254 || pwd.length > 128 || hasControlChars(ustr) || hasLoneSurrogate(ustr)) throw new AppError(12001);
            // The forms send the password as typed.
            return signInWithPassword(db, {
              tenant,
              ustr,
              pwd,
              pwdForm: "plain",
              role: credentials?.role || null,
              afs: credentials?.afs || null,
              ip,
              userAgent,
              deviceCookie: readDeviceCookies(cookie),
            });
          }),
      }),
      CredentialsProvider({
        id: "sms-code",
        name: "SMS code",
        credentials: { phone: { label: "Phone", type: "text" }, code: { label: "Code", type: "text" } },
        authorize: (credentials, req) =>
          variant(req, ({ tenant, ip, userAgent, locale, cookie }) => {
            const phone = phoneSchema.safeParse(credentials?.phone);
            const code = codeSchema.safeParse(credentials?.code);
            if (!phone.success || !code.success) throw new AppError(14001);
            return signInWithSmsCode(db, { tenant, ip, userAgent, locale }, phone.data, code.data, readDeviceCookies(cookie));
          }),
      }),
      CredentialsProvider({
        id: "wechat",
        name: "WeChat",
        credentials: { code: { label: "Code", type: "text" }, state: { label: "State", type: "text" } },
        authorize: (credentials, req) =>
          variant(req, async ({ tenant, ip, userAgent, cookie }) => {
            const id = await completeWechatRoundTrip(db, {
              tenant,
              cookie: readCookie(cookie, WECHAT_STATE_COOKIE),
              state: credentials?.state ?? "",
              code: credentials?.code ?? "",
            });
            if (id.cookie.mode !== "login") throw new AppError(12007);
            return signInWithIdentity(db, tenant, { provider: "wechat", ...id }, { ip, userAgent }, true);
          }),
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.sid) {
          token.sid = user.sid;
          token.jti = randomBytes(16).toString("base64url");
        }
        return token;
      },
      session({ session, token }) {
        session.sid = token.sid;
        return session;
      },
      // Where next-auth sends the browser after signing in or out: only somewhere on this origin.
      redirect({ url, baseUrl }) {
        return new URL(safeRedirectTarget(url, baseUrl), baseUrl).href;
      },
    },
    events: {
      async signOut({ token }) {
        if (token?.sid) await endLoginSession(db, token.sid);
      },
    },
  });
}

/** The login-session id inside a next-auth cookie, or null. */
export async function sessionIdFromCookieHeader(cookieHeader: string | null): Promise<string | null> {
  for (const name of SESSION_COOKIES) {
    const raw = readCookie(cookieHeader, name);
    if (!raw) continue;
    const sid = await rememberCookie(raw, async () => {
      const jwt = await decode({ token: raw, secret: getSecrets().authSecret }).catch(() => null);
      // next-auth always sets exp; one without it is answered but not remembered.
      return jwt?.sid ? { value: jwt.sid, exp: typeof jwt.exp === "number" ? jwt.exp : 0 } : null;
    });
    if (sid) return sid;
  }
  return null;
}

/** Decrypted session cookies (see verifiedCache): the session row is still read on every request. */
const rememberCookie = verifiedCache({ max: 10_000, ttlMs: 5 * 60_000 });

/**
 * For server components: the tenant behind this host and the signed-in actor, if any — read in
 * one statement, and once per request however many layouts and pages ask (React's `cache`) —
 * and, when the cookie names a session that is over, why (`ended`).
 */
export const getRequestIdentity = cache(
  async (): Promise<{ tenant: ResolvedTenant | null; actor: Actor | null; host: string; ended: SessionEndReason | null }> => {
    const h = await headers();
    const host = requestHost(h);
    const sid = await sessionIdFromCookieHeader(h.get("cookie"));
    if (!sid) return { tenant: await resolveTenant(db, host), actor: null, host, ended: null };
    const { tenant, actor, ended } = await loadTenantAndActor(db, host, sid);
    return { tenant, actor: tenant ? actor : null, host, ended: tenant ? ended : null };
  },
);

export const signInErrorMessage = (code: string | undefined, locale: "zh-CN" | "en") => describeError(Number(code) || 12001, locale).description;
