import "server-only";
import { env } from "~/env";

type HeaderBag = { get(name: string): string | null };

/** The host the client asked for; X-Forwarded-Host only behind a trusted proxy. */
export function requestHost(h: HeaderBag): string {
  return (env.TRUSTED_PROXY === "1" ? h.get("x-forwarded-host")?.split(",")[0]?.trim() : null) ?? h.get("host") ?? "";
}

export function requestIp(h: HeaderBag): string | null {
  const ip = h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip") || null;
  // IPv4 clients of a dual-stack socket show up as ::ffff:a.b.c.d.
  return ip?.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1") ?? null;
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
