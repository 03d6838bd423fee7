import "server-only";
import { db as defaultDb, type Db } from "~/server/db";
import { createContextInner, type Context } from "~/server/api/trpc";
import { sessionIdFromCookieHeader } from "~/server/auth";
import { resolveTenant, type ResolvedTenant } from "~/server/services/host";
import { loadTenantAndActor, type Actor } from "~/server/services/session";
import { bearerKind, verifySessionToken } from "~/server/services/tokens";
import { loadTenantAndClientActor } from "~/server/services/client";
import { loadTenantAndOidcActor } from "~/server/oidc/api-token";
import { isCrossSite, requestHost, requestIp, requestOrigin } from "~/server/request";
import { cookieLocale, pickLocale } from "~/i18n/locale";
import { requestIdFrom, requestLog } from "~/server/log";

/**
 * The HTTP context for tRPC and the REST mirror: tenant from Host, actor from a bearer token
 * (when an Authorization header is sent, it alone decides) or else the session cookie. Only the
 * request's headers count, so a server-rendered page builds its calls' context from its own
 * request's headers with this very function (src/trpc/server.tsx).
 */
export async function createContext(req: { headers: Headers }, db: Db = defaultDb): Promise<Context> {
  const h = req.headers;
  const host = requestHost(h);
  const cookie = h.get("cookie");
  const bearer = /^Bearer\s+(\S+)$/i.exec(h.get("authorization") ?? "")?.[1];
  const kind = bearer ? bearerKind(bearer) : null;
  const clientToken = kind === "client" ? bearer! : null;
  // An access token of the tenant's OpenID Provider for our API (a user through an app, or client credentials).
  const oidcToken = kind === "oidc" ? bearer! : null;
  // The session a user token or the cookie names (when an Authorization header is sent, it alone decides).
  const sessionId =
    clientToken || oidcToken ? null : bearer ? ((await verifySessionToken(db, bearer))?.sessionId ?? null) : await sessionIdFromCookieHeader(cookie);
  const via: Context["via"] = bearer ? "bearer" : "cookie";
  let tenant: ResolvedTenant | null;
  let actor: Actor | null = null;
  if (sessionId) {
    ({ tenant, actor } = await loadTenantAndActor(db, host, sessionId));
  } else if (clientToken) {
    ({ tenant, actor } = await loadTenantAndClientActor(db, host, clientToken));
  } else if (oidcToken) {
    ({ tenant, actor } = await loadTenantAndOidcActor(db, host, requestOrigin(h), oidcToken));
  } else {
    tenant = await resolveTenant(db, host);
  }
  const ip = requestIp(h);
  const userAgent = h.get("user-agent");
  // The request id comes from `x-request-id` (set by the server in front of Next), else a new one.
  const reqId = requestIdFrom(h);
  return createContextInner({
    db,
    tenant,
    host,
    origin: requestOrigin(h),
    actor,
    via: actor ? via : null,
    crossSite: isCrossSite(h, host),
    locale: pickLocale(cookieLocale(cookie), h.get("accept-language")),
    ip,
    userAgent,
    cookie,
    log: requestLog({
      reqId,
      tenantId: tenant?.id,
      userId: actor && !actor.client ? actor.userId : null,
      clientId: actor?.client?.clientId ?? actor?.app?.clientId ?? null,
    }),
    audit: { ip, userAgent, reqId },
  });
}
