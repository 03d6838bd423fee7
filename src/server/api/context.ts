import "server-only";
import { db } from "~/server/db";
import { createContextInner, type Context } from "~/server/api/trpc";
import { sessionIdFromCookieHeader } from "~/server/auth";
import { resolveTenant } from "~/server/services/host";
import { loadActor } from "~/server/services/session";
import { isCrossSite, requestHost, requestIp } from "~/server/request";
import { LOCALE_COOKIE, pickLocale, readCookie } from "~/i18n/locale";

/** The HTTP context for tRPC and the REST mirror: tenant from Host, actor from cookie. */
export async function createContext(req: Request): Promise<Context> {
  const h = req.headers;
  const host = requestHost(h);
  const tenant = await resolveTenant(db, host);
  const cookie = h.get("cookie");
  const sid = tenant ? await sessionIdFromCookieHeader(cookie) : null;
  const actor = sid && tenant ? await loadActor(db, sid, tenant.id) : null;
  return createContextInner({
    db,
    tenant,
    host,
    actor,
    via: actor ? "cookie" : null,
    crossSite: isCrossSite(h, host),
    locale: pickLocale(readCookie(cookie, LOCALE_COOKIE), h.get("accept-language")),
    ip: requestIp(h),
    userAgent: h.get("user-agent"),
  });
}
