import "server-only";
import { db as defaultDb, type Db } from "~/server/db";
import { createContextInner, type Context } from "~/server/api/trpc";
import { sessionIdFromCookieHeader } from "~/server/auth";
import { resolveTenant } from "~/server/services/host";
import { loadActor, type Actor } from "~/server/services/session";
import { bearerKind, verifySessionToken } from "~/server/services/tokens";
import { loadClientActor } from "~/server/services/client";
import { isCrossSite, requestHost, requestIp } from "~/server/request";
import { LOCALE_COOKIE, pickLocale, readCookie } from "~/i18n/locale";

/**
 * The HTTP context for tRPC and the REST mirror: tenant from Host, actor from a bearer token
 * (when an Authorization header is sent, it alone decides) or else the session cookie.
 */
export async function createContext(req: Request, db: Db = defaultDb): Promise<Context> {
  const h = req.headers;
  const host = requestHost(h);
  const tenant = await resolveTenant(db, host);
  const cookie = h.get("cookie");
  const bearer = /^Bearer\s+(\S+)$/i.exec(h.get("authorization") ?? "")?.[1];
  let actor: Actor | null = null;
  let via: Context["via"] = null;
  if (tenant && bearer && bearerKind(bearer) === "client") {
    actor = await loadClientActor(db, bearer, tenant.id);
    via = "bearer";
  } else if (tenant && bearer) {
    const claims = await verifySessionToken(db, bearer);
    actor = claims ? await loadActor(db, claims.sessionId, tenant.id) : null;
    via = "bearer";
  } else if (tenant) {
    const sid = await sessionIdFromCookieHeader(cookie);
    actor = sid ? await loadActor(db, sid, tenant.id) : null;
    via = "cookie";
  }
  return createContextInner({
    db,
    tenant,
    host,
    actor,
    via: actor ? via : null,
    crossSite: isCrossSite(h, host),
    locale: pickLocale(readCookie(cookie, LOCALE_COOKIE), h.get("accept-language")),
    ip: requestIp(h),
    userAgent: h.get("user-agent"),
    cookie,
  });
}
