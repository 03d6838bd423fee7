/**
 * What the front server (server.mjs) decides about a request before Next sees it: the client's
 * address, the scheme, the request id, whether the path can be decoded at all. Plain JavaScript
 * with Node built-ins only, because server.mjs imports it without a build step; the app reads
 * the results through `~/server/request`.
 */
import { randomUUID } from "node:crypto";
import { isIP } from "node:net";

/** The header that carries the client address to the app; any copy a client sends is dropped. */
export const CLIENT_IP_HEADER = "x-uc-client-ip";
/** Set on globalThis by server.mjs: only then does the app believe CLIENT_IP_HEADER. */
export const FRONT_MARK = Symbol.for("user-center.front-server");
/** Where server.mjs sends a request whose path does not decode (that route answers 400). */
export const MALFORMED_PATH_ROUTE = "/api/malformed-path";

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * TRUSTED_PROXY as a number of proxy hops: "0" (none, the default), "1", "2", … Anything else
 * counts as no trusted proxy.
 * @param {string | undefined} value
 */
export function trustedHops(value) {
  return value && /^\d{1,2}$/.test(value.trim()) ? Number(value.trim()) : 0;
}

/**
 * One address as a proxy or a socket writes it, in canonical form; null unless it is an IP.
 * Accepts "1.2.3.4", "1.2.3.4:5678", "[::1]:80", "::ffff:1.2.3.4" (IPv4 on a dual-stack socket).
 * @param {string | null | undefined} raw
 * @returns {string | null}
 */
export function normalizeIp(raw) {
  let s = (raw ?? "").trim();
  if (!s || s.length > 64) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1] ?? "";
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
  if (mapped) s = mapped[1] ?? "";
  const kind = isIP(s);
  if (kind === 4) return s;
  if (kind === 6) return s.toLowerCase();
  return null;
}

/**
 * The client's address. No trusted proxy: the TCP peer, whatever the client sends. With N
 * trusted proxies: the address N hops from the right of X-Forwarded-For (the peer is the
 * nearest proxy; each proxy appends the address it saw). When the header is shorter than N, or
 * the entry there is not an address, the request did not come through the proxies as declared:
 * the peer's address is used, so nothing the client wrote is believed.
 * @param {{ peer: string | null | undefined, forwardedFor: string | string[] | null | undefined, hops: number }} req
 * @returns {string | null}
 */
export function clientAddress({ peer, forwardedFor, hops }) {
  const peerIp = normalizeIp(peer);
  if (hops <= 0) return peerIp;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const entries = header.length > 4096 ? [] : header.split(",");
  if (!header.trim() || entries.length < hops) return peerIp;
  return normalizeIp(entries[entries.length - hops]) ?? peerIp;
}

/**
 * The request's id: a proxy's X-Request-Id when that proxy is trusted and the value is tame,
 * else a new UUID.
 * @param {string | string[] | undefined} sent
 * @param {number} hops
 */
export function requestId(sent, hops) {
  const v = Array.isArray(sent) ? sent[0] : sent;
  return hops > 0 && v && REQUEST_ID_RE.test(v) ? v : randomUUID();
}

/**
 * False when the path part of a request target cannot be percent-decoded ("/api/trpc/%ff"):
 * every router after us would throw on it.
 * @param {string | undefined} url
 */
export function decodablePath(url) {
  const path = (url ?? "/").split("?", 1)[0] ?? "";
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The scheme the client used: https when our socket is TLS, or when a trusted proxy says so
 * (first X-Forwarded-Proto entry); otherwise http.
 * @param {{ encrypted: boolean, forwardedProto: string | string[] | undefined, hops: number }} req
 */
export function clientProto({ encrypted, forwardedProto, hops }) {
  if (encrypted) return "https";
  return hops > 0 && fromRight(forwardedProto, hops)?.toLowerCase() === "https" ? "https" : "http";
}

/**
 * The entry a list header (X-Forwarded-Host, X-Forwarded-Proto) holds N hops from the right, by
 * the rule X-Forwarded-For follows: a proxy that appends instead of overwriting leaves the
 * client's own entries on the left, and those are never believed. Null when it is not there.
 * @param {string | string[] | null | undefined} value
 * @param {number} hops
 * @returns {string | null}
 */
export function fromRight(value, hops) {
  const header = Array.isArray(value) ? value.join(",") : (value ?? "");
  if (hops <= 0 || !header.trim() || header.length > 4096) return null;
  const entries = header.split(",");
  if (entries.length < hops) return null;
  return entries[entries.length - hops]?.trim() || null;
}

/** Headers no client may set for the app, whatever the proxy setting. */
const ALWAYS_DROPPED = [CLIENT_IP_HEADER, "x-real-ip", "x-request-id"];
/** Headers only a trusted proxy may set. */
const PROXY_ONLY = ["x-forwarded-host", "x-forwarded-port", "forwarded"];

/**
 * Rewrites a Node request's headers in place for the app: CLIENT_IP_HEADER and X-Forwarded-For
 * carry exactly the client address, X-Forwarded-Proto the scheme, X-Request-Id the id. Answers
 * what the response needs to know.
 * @param {import("node:http").IncomingMessage} req
 * @param {number} hops
 */
export function prepareRequest(req, hops) {
  const h = req.headers;
  const ip = clientAddress({ peer: req.socket?.remoteAddress, forwardedFor: h["x-forwarded-for"], hops });
  const proto = clientProto({ encrypted: !!(/** @type {{ encrypted?: boolean }} */ (req.socket)?.encrypted), forwardedProto: h["x-forwarded-proto"], hops });
  const id = requestId(h["x-request-id"], hops);
  for (const name of ALWAYS_DROPPED) delete h[name];
  if (hops <= 0) for (const name of PROXY_ONLY) delete h[name];
  else {
    // The tenant comes from X-Forwarded-Host: one entry, the trusted proxy's, or none.
    const host = fromRight(h["x-forwarded-host"], hops);
    if (host) h["x-forwarded-host"] = host;
    else delete h["x-forwarded-host"];
  }
  delete h["x-forwarded-for"];
  if (ip) {
    h[CLIENT_IP_HEADER] = ip;
    h["x-forwarded-for"] = ip;
  }
  h["x-forwarded-proto"] = proto;
  h["x-request-id"] = id;
  return { ip, proto, requestId: id, decodable: decodablePath(req.url) };
}

/**
 * Headers for every response, pages and API alike (a page's Content-Security-Policy comes from
 * src/proxy.ts, which knows its nonce). HSTS only when the client came over HTTPS.
 * @param {"http" | "https"} proto
 * @param {string} [url] the request target
 * @returns {Record<string, string>}
 */
export function responseHeaders(proto, url = "/") {
  return {
    // API answers are data, never documents: nothing loads or runs, nobody frames them. (Next
    // keeps a header set here over a route's own, so this is also the stored files' sandbox.)
    // The same for every path src/proxy.ts leaves out (static files), so that no answer, not even
    // the 404 page under such a prefix, goes out without a policy.
    ...(outsidePageProxy(requestPath(url)) ? { "content-security-policy": API_CSP } : {}),
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": PERMISSIONS_POLICY,
    // Consoles and sign-in pages are for their users, not for search engines (robots.txt too).
    "x-robots-tag": "noindex, nofollow",
    ...(proto === "https" ? { "strict-transport-security": "max-age=31536000; includeSubDomains" } : {}),
  };
}

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/**
 * The path of a request target, also of an absolute-form one (`GET http://host/api/x`).
 * @param {string} url
 */
export function requestPath(url) {
  try {
    return new URL(url || "/", "http://target.invalid").pathname;
  } catch {
    return "/";
  }
}

/** The prefixes src/proxy.ts's matcher leaves out: the API and static files. Keep the two in step. */
export const NOT_PAGES = ["/api/", "/_next/static/", "/_next/image", "/favicon.ico", "/robots.txt", "/logo.svg"];

/** @param {string} path */
export const outsidePageProxy = (path) => NOT_PAGES.some((p) => path === p || path.startsWith(p));

export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "usb=()",
].join(", ");

/**
 * Set on globalThis by the app once it is ready (src/server/api/http.ts): picks the handler of
 * the two API endpoints (/api/v1 and /api/trpc) for a path and method, or null for everything Next
 * routes itself. server.mjs then calls that handler without Next's router in between. `oidc`
 * serves the tenants' OpenID Providers (src/server/oidc/handler.ts) on Node's own request and
 * response, for the paths `isOidcPath` names; `gateway` the published APIs under /gateway/
 * (src/server/gateway/handler.ts), the same way.
 * @typedef {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => Promise<void>} NodeHandler
 * @typedef {{ pick(path: string, method: string): ((req: Request) => Promise<Response>) | null, oidc?: NodeHandler, gateway?: NodeHandler }} FastApi
 */
export const FAST_API = Symbol.for("user-center.fast-api");

/**
 * Called by the app's instrumentation once the instance has checked its keys and published the
 * handlers above (src/instrumentation.ts). Next's production server starts that hook in its
 * constructor and `prepare()` does not wait for it, so a server that listened at once would send
 * its first requests through Next's router — each loading its route's own copy of the API's
 * modules — while the hook is still running. server.mjs listens once this is called, and calls
 * the `warmed` it is handed once the sign-in page has been rendered the first time: the app's
 * background work (job runner, housekeeping) waits for that, off the start's critical path.
 * @typedef {{ warmed: () => void }} AppReady
 */
export const APP_READY = Symbol.for("user-center.app-ready");

/**
 * A promise settled when the app calls `globalThis[APP_READY]`.
 * @returns {Promise<AppReady>}
 */
export function appReadySignal() {
  return new Promise((resolve) => {
    /** @type {Record<symbol, unknown>} */ (globalThis)[APP_READY] = resolve;
  });
}

/** Where the OpenID Provider answers: its discovery document and everything under /oidc/. */
export const OIDC_DISCOVERY_PATH = "/.well-known/openid-configuration";

/** @param {string} path */
export const isOidcPath = (path) => path === OIDC_DISCOVERY_PATH || path === "/oidc" || path.startsWith("/oidc/");

/**
 * The OpenID Provider's handler when this request is for it and the app has published it, else null.
 * @param {string} path
 */
export function oidcHandler(path) {
  const api = /** @type {FastApi | undefined} */ (/** @type {Record<symbol, unknown>} */ (globalThis)[FAST_API]);
  return api?.oidc && isOidcPath(path) ? api.oidc : null;
}

/** Where the published APIs answer (src/server/gateway/handler.ts). */
export const GATEWAY_PATH_PREFIX = "/gateway/";

/**
 * The gateway's handler when this request is for it and the app has published it, else null.
 * @param {string} path
 */
export function gatewayHandler(path) {
  const api = /** @type {FastApi | undefined} */ (/** @type {Record<symbol, unknown>} */ (globalThis)[FAST_API]);
  return api?.gateway && path.startsWith(GATEWAY_PATH_PREFIX) ? api.gateway : null;
}

/** The largest request body the API endpoints read (a 15,000,000-character base64 upload fits). */
export const MAX_API_BODY = 16 * 1024 * 1024;

/**
 * The fast API handler for this request, or null (Next handles it).
 * @param {import("node:http").IncomingMessage} req
 * @param {string} path
 */
export function fastApiHandler(req, path) {
  const api = /** @type {FastApi | undefined} */ (/** @type {Record<symbol, unknown>} */ (globalThis)[FAST_API]);
  return api ? api.pick(path, req.method ?? "GET") : null;
}

const HOST_RE = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/;

/**
 * Reads the body, up to `limit` bytes: null past it (the rest is not read).
 * @param {import("node:http").IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<Buffer | null>}
 */
function readBody(req, limit) {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on("data", (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Runs a fetch-style handler for a Node request: the request as a web Request (the body read
 * first, at most MAX_API_BODY bytes, else 413 with code 10013), the Response written back with
 * its status, headers (every Set-Cookie) and body, streamed when it streams.
 * @param {(req: Request) => Promise<Response>} handler
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 * @param {"http" | "https"} proto
 * @param {number} [limit] the body cap (tests set a small one)
 */
export async function serveFetch(handler, req, res, proto, limit = MAX_API_BODY) {
  const method = req.method ?? "GET";
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const host = req.headers.host && HOST_RE.test(req.headers.host) ? req.headers.host : "invalid.invalid";
  /** @type {Buffer | null | undefined} */
  let body;
  if (method !== "GET" && method !== "HEAD") {
    body = await readBody(req, limit);
    if (body === null) {
      res.writeHead(413, { "content-type": "application/json", "cache-control": "no-store", connection: "close" });
      res.end(
        JSON.stringify({ message: "Request body too large", code: "PAYLOAD_TOO_LARGE", data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413, appCode: 10013 } }),
      );
      return;
    }
  }
  const response = await handler(new Request(`${proto}://${host}${req.url}`, { method, headers, body }));
  res.statusCode = response.status;
  for (const [name, value] of response.headers) if (name !== "set-cookie") res.setHeader(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader("set-cookie", cookies);
  if (!response.body || method === "HEAD") {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.write(value)) await new Promise((resolve) => res.once("drain", resolve));
  }
  res.end();
}
