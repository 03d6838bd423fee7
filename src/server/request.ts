import "server-only";
import { env } from "~/env";
import { describeError } from "~/lib/errors";
import { CLIENT_IP_HEADER, FRONT_MARK, trustedHops } from "~/server/http-front.js";
import { LOCALE_COOKIE, pickLocale, readCookie } from "~/i18n/locale";

type HeaderBag = { get(name: string): string | null };

/** How many proxies in front of us are trusted (TRUSTED_PROXY). */
export const proxyHops = () => trustedHops(env.TRUSTED_PROXY);

/** The host the client asked for; X-Forwarded-Host only behind a trusted proxy. */
export function requestHost(h: HeaderBag): string {
  return (proxyHops() > 0 ? h.get("x-forwarded-host")?.split(",")[0]?.trim() : null) || h.get("host") || "";
}

/**
 * The client's address, as server.mjs worked it out (the TCP peer, or N hops into
 * X-Forwarded-For behind TRUSTED_PROXY=N). Without that server in front (a bare `next start`)
 * there is no address we could trust: null, never a header the client wrote.
 */
export function requestIp(h: HeaderBag): string | null {
  if (!(globalThis as Record<symbol, unknown>)[FRONT_MARK]) return null;
  return h.get(CLIENT_IP_HEADER) || null;
}

/** The scheme the client used: server.mjs sets X-Forwarded-Proto from the socket or a trusted proxy. */
export function requestProto(h: HeaderBag): "http" | "https" {
  const front = !!(globalThis as Record<symbol, unknown>)[FRONT_MARK];
  const proto = front || proxyHops() > 0 ? h.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() : null;
  return proto === "https" ? "https" : "http";
}

/** The origin the client used: scheme and host as above. */
export const requestOrigin = (h: HeaderBag) => `${requestProto(h)}://${requestHost(h)}`;

/** 400 for a request path that cannot be percent-decoded, in the REST error shape. */
export function malformedPathResponse(req: Request): Response {
  const d = describeError(10003, pickLocale(readCookie(req.headers.get("cookie"), LOCALE_COOKIE), req.headers.get("accept-language")));
  const body = {
    message: d.description,
    code: "BAD_REQUEST",
    data: { code: "BAD_REQUEST", httpStatus: 400, appCode: d.code, name: d.name, description: d.description, fields: null },
  };
  return Response.json(body, { status: 400, headers: { "cache-control": "no-store" } });
}

/**
 * Cross-site: the browser says so (Sec-Fetch-Site), or the Origin names another host.
 * Calls without either header (curl, servers) are not browsers acting for someone else.
 */
export function isCrossSite(h: HeaderBag, host: string): boolean {
  const site = h.get("sec-fetch-site");
  if (site) return site !== "same-origin" && site !== "none";
  const origin = h.get("origin");
  if (!origin || origin === "null") return !!origin;
  try {
    return new URL(origin).host.toLowerCase() !== host.toLowerCase();
  } catch {
    return true;
  }
}

/** A plain-object view of Headers, for libraries that want one. */
export const headerRecord = (h: Headers) => Object.fromEntries(h.entries());
