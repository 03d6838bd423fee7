import { db } from "~/server/db";
import { resolveTenant } from "~/server/services/host";
import { jsonLogin } from "~/server/services/login-api";
import { currentLog, withRequestLog } from "~/server/log";
import { requestHost, requestIp } from "~/server/request";
import { LOCALE_COOKIE, pickLocale, readCookie } from "~/i18n/locale";
import { readDeviceCookies } from "~/server/security/device-cookie";

export const dynamic = "force-dynamic";

/** POST /api/v1/login/<operation>: seed 003's JSON login, answering a bearer token. */
export async function POST(req: Request, { params }: { params: Promise<{ operation: string }> }) {
  return withRequestLog(req, () => login(req, params));
}

async function login(req: Request, params: Promise<{ operation: string }>) {
  const { operation } = await params;
  const h = req.headers;
  const body: unknown = await req.json().catch(() => null);
  const envelope = await jsonLogin(db, {
    operation,
    body,
    tenant: await resolveTenant(db, requestHost(h)),
    locale: pickLocale(readCookie(h.get("cookie"), LOCALE_COOKIE), h.get("accept-language")),
    ip: requestIp(h),
    userAgent: h.get("user-agent"),
    deviceCookie: readDeviceCookies(h.get("cookie")),
  });
  currentLog().info({ operation, status: envelope.status, appCode: envelope.error, userId: envelope.result?.id ?? null }, "JSON login");
  return Response.json(envelope, { status: envelope.status, headers: { "cache-control": "no-store" } });
}
