/**
 * What a session's raw User-Agent and IP say to a person: browser, OS and kind of device
 * (ua-parser-js), and where the address is (ip2region's offline database, read from disk on the
 * first lookup and kept for the life of the process: no network call, no per-request cost).
 */
import "server-only";
import { BlockList, isIP } from "node:net";
import UAParser from "ua-parser-js";
import * as ip2regionModule from "ip2region";
import type { IP2RegionResult } from "ip2region";
import type { DeviceType, IpPlace, UserAgentInfo } from "~/lib/validators/session";

const DEVICE_TYPES: Record<string, DeviceType> = { mobile: "mobile", tablet: "tablet" };
// Operating systems that only run on desktops and laptops: a browser there without a device
// type is a computer. Anything else without one (curl, scripts, odd clients) is "other".
const DESKTOP_OS = /^(Windows|Mac OS|macOS|Linux|Ubuntu|Debian|Fedora|Chromium OS|Chrome OS|FreeBSD|OpenBSD|NetBSD|Solaris|Unix)/;

const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(" ") || null;

// User agents repeat (one browser, many sessions): an export of 100 000 sessions parses each
// distinct string once. Bounded, and simply cleared when full.
const uaCache = new Map<string, UserAgentInfo>();
const UA_CACHE_MAX = 2000;

/** Browser, OS, device model and kind of device; null without a User-Agent. */
export function describeUserAgent(ua: string | null | undefined): UserAgentInfo | null {
  if (!ua?.trim()) return null;
  const hit = uaCache.get(ua);
  if (hit) return hit;
  const r = new UAParser(ua).getResult();
  // Non-browser clients (curl/8.4.0, okhttp/4.12, python-requests/2.31) name themselves first.
  const product = r.browser.name ? null : /^([A-Za-z][\w.-]*)\/(\d[\w.]*)/.exec(ua.trim());
  const browser = r.browser.name ? join(r.browser.name, r.browser.major ?? r.browser.version) : product ? `${product[1]} ${product[2]}` : null;
  const os = join(r.os.name, r.os.version);
  const model = r.device.model ? join(r.device.vendor, r.device.model) : null;
  const deviceType: DeviceType = r.device.type
    ? (DEVICE_TYPES[r.device.type] ?? "other")
    : r.os.name && DESKTOP_OS.test(r.os.name) && r.browser.name
      ? "desktop"
      : "other";
  const info = { browser, os, model, deviceType };
  if (uaCache.size >= UA_CACHE_MAX) uaCache.clear();
  uaCache.set(ua, info);
  return info;
}

// Addresses that never leave the local network or the host: no place to look up.
const LOCAL = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const)
  LOCAL.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
] as const)
  LOCAL.addSubnet(net, bits, "ipv6");

type Searcher = { search(ip: string): IP2RegionResult | null };
let searcher: Searcher | null | undefined;

/** The ip2region searcher, created on the first lookup; null (and logged once) if its data cannot be read. */
function ip2region(): Searcher | null {
  if (searcher !== undefined) return searcher;
  // A CommonJS module with `exports.default`: bundlers and Node's ESM loader hand it over differently.
  const mod = ip2regionModule as unknown as { default: unknown };
  const Ctor = ((mod.default as { default?: unknown }).default ?? mod.default) as new () => Searcher;
  try {
    searcher = new Ctor();
  } catch (e) {
    console.error("ip2region: data files unreadable, IP places disabled", e);
    searcher = null;
  }
  return searcher;
}

/**
 * Where an IP address is: `local` for private, loopback and link-local addresses (IPv4 and
 * IPv6); otherwise the database's region ("中国 江苏省 南京市") and carrier. The database is
 * Chinese-language and best for addresses in China. Null for no address or not an address.
 */
export function locateIp(ip: string | null | undefined): IpPlace | null {
  let addr = ip?.trim() ?? "";
  // An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  if (mapped) addr = mapped[1]!;
  const version = isIP(addr);
  if (!version) return null;
  if (LOCAL.check(addr, version === 4 ? "ipv4" : "ipv6")) return { local: true, region: null, isp: null };
  const found = ip2region()?.search(addr);
  if (!found) return { local: false, region: null, isp: null };
  if (found.city === "内网IP") return { local: true, region: null, isp: null };
  const parts = [found.country, found.province, found.city].filter((p, i, all) => p && p !== "0" && all.indexOf(p) === i);
  return { local: false, region: parts.join(" ") || null, isp: found.isp || null };
}
