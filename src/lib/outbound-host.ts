/**
 * Which addresses the server may reach on a tenant's behalf: the one place that says so. The
 * server fetches URLs a tenant administrator typed (a client's JWKS URI, its back-channel logout
 * URI); pointed at an internal address they would make the server a proxy into its own network
 * (SSRF): 10.0.0.1, the cloud metadata service at 169.254.169.254, the database on ::1.
 *
 * Only public unicast addresses pass: ipaddr.js names every special range (loopback, RFC 1918
 * private, link-local, CGNAT 100.64/10, ULA fc00::/7, unspecified, broadcast, multicast,
 * documentation, reserved, and the IPv6 ranges that embed an IPv4 address: NAT64, 6to4, Teredo),
 * and all of them are refused; an IPv4-mapped IPv6 address is judged as the IPv4 address it is.
 *
 * Used twice: by the client validator on IP-literal hosts (lib/validators/client.ts, so the
 * console says so at registration; it runs in the browser too, hence no node:net here), and by
 * the provider's fetches on every address a name resolves to (server/security/outbound.ts, where
 * DNS rebinding is caught).
 */
import ipaddr from "ipaddr.js";

/** Whether `ip` (IPv4 or IPv6 text, no brackets) is a public unicast address. Anything else, or not an address: false. */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  return ipaddr.process(ip).range() === "unicast";
}

/** A URL's `hostname` as a bare name or address: brackets off an IPv6 literal, a trailing dot off a name, lower case. */
export function bareHost(hostname: string): string {
  const h = hostname.toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) return h.slice(1, -1);
  return h.endsWith(".") ? h.slice(0, -1) : h;
}

/** Whether `host` is an IP address in its usual form (as URL.hostname and DNS answers give it) rather than a name. */
export function isIpLiteral(host: string): boolean {
  const h = bareHost(host);
  return ipaddr.IPv4.isValidFourPartDecimal(h) || ipaddr.IPv6.isValid(h);
}

/**
 * Whether a URL's host is refused before anything is resolved: an IP literal that is not public,
 * or `localhost` and its subdomains (RFC 6761: always loopback). A name that resolves to a private
 * address is caught when it is fetched, not here.
 */
export function isBlockedLiteralHost(hostname: string): boolean {
  const h = bareHost(hostname);
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  return isIpLiteral(h) && !isPublicAddress(h);
}
