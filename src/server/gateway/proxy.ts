/**
 * The gateway's upstream leg: the caller's request streamed to the backend and the backend's
 * answer streamed back, on Node's own request and response (no Web streams in between, no
 * buffering, no decompression: `content-encoding` and `content-length` go through as the backend
 * wrote them). Every connection goes through the outbound guard (security/outbound.ts): backend
 * URLs are typed by tenant administrators.
 */
import * as http from "node:http";
import * as https from "node:https";
import { API_CSP, CLIENT_IP_HEADER } from "~/server/http-front.js";
import { gatewayAgents } from "~/server/security/outbound";

/** RFC 9110 §7.6.1 hop-by-hop fields, and those we never pass whichever way. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
/** Never sent upstream: the caller's credentials and our cookies (the gateway is for tokens), what only we set, what Node answered already. */
const NOT_UPSTREAM = new Set(["authorization", "cookie", "host", "expect", "forwarded", "x-forwarded-port", CLIENT_IP_HEADER]);
/** Never sent back: a backend must not set cookies on the tenant's host (sessions live there). */
const NOT_DOWNSTREAM = new Set(["set-cookie"]);

/** The header map without hop-by-hop fields (and those `Connection` names) and without `drop`. */
export function endToEnd(headers: http.IncomingHttpHeaders, drop: Set<string>): http.OutgoingHttpHeaders {
  // Most calls name nothing in Connection but keep-alive: no set to build then (this runs twice a call).
  const connection = headers.connection;
  const named = connection && connection.toLowerCase() !== "keep-alive" && connection.toLowerCase() !== "close" ? connectionNames(connection) : null;
  const out: http.OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || drop.has(name) || name.startsWith("proxy-") || named?.has(name)) continue;
    out[name] = value;
  }
  return out;
}

const connectionNames = (connection: string) =>
  new Set(
    connection
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );

export type UpstreamFailure = "unreachable" | "timeout" | "too-large";

export interface ForwardOptions {
  backendUrl: URL;
  /** The path after the API's gateway prefix (and version segment), with the query, as the caller wrote it. */
  rest: string;
  forwarded: { for: string | null; proto: string; host: string };
  timeoutMs: number;
  maxBody: number;
  /** Called instead of an answer when the backend cannot give one (nothing has been written yet). */
  fail: (why: UpstreamFailure) => void;
  /** Called once the backend's status is known (before its body). */
  answered?: (status: number) => void;
}

const TIMEOUT = Symbol("timeout");
const TOO_LARGE = Symbol("too-large");

/** Streams `req` to the backend and its answer to `res`; resolves when the exchange is over. */
export function forward(req: http.IncomingMessage, res: http.ServerResponse, o: ForwardOptions): Promise<void> {
  const headers = endToEnd(req.headers, NOT_UPSTREAM);
  if (o.forwarded.for) headers["x-forwarded-for"] = o.forwarded.for;
  headers["x-forwarded-proto"] = o.forwarded.proto;
  headers["x-forwarded-host"] = o.forwarded.host;
  // A chunked request stays chunked (Node writes it so with no content-length).
  const base = o.backendUrl.pathname.replace(/\/+$/, "");
  const secure = o.backendUrl.protocol === "https:";
  return new Promise<void>((resolve) => {
    let settled = false;
    const done = () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    const upstream = (secure ? https : http).request({
      protocol: o.backendUrl.protocol,
      hostname: o.backendUrl.hostname.replace(/^\[|\]$/g, ""),
      port: o.backendUrl.port || (secure ? 443 : 80),
      method: req.method,
      path: `${base}${o.rest}` || "/",
      headers,
      agent: secure ? gatewayAgents.https : gatewayAgents.http,
      servername: secure ? o.backendUrl.hostname : undefined,
    });
    // Idle time on the backend's socket (connecting, waiting for the answer, or mid-stream).
    upstream.setTimeout(o.timeoutMs, () => upstream.destroy(Object.assign(new Error("upstream timed out"), { [TIMEOUT]: true })));
    upstream.on("response", (answer) => {
      o.answered?.(answer.statusCode ?? 502);
      const back = endToEnd(answer.headers, NOT_DOWNSTREAM);
      // The answer is served from the tenant's own origin, where its console and sign-in pages
      // live: whatever the backend sends is data there, never a document that runs.
      back["content-security-policy"] = API_CSP;
      back["x-content-type-options"] = "nosniff";
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, back);
      answer.pipe(res);
      answer.on("error", () => res.destroy());
      answer.on("end", done);
    });
    upstream.on("error", (e) => {
      if (!res.headersSent)
        o.fail(
          (e as unknown as Record<symbol, unknown>)[TOO_LARGE] ? "too-large" : (e as unknown as Record<symbol, unknown>)[TIMEOUT] ? "timeout" : "unreachable",
        );
      else res.destroy();
      done();
    });
    // The caller went away: so does the backend call.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
      done();
    });

    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > o.maxBody) {
      upstream.destroy(Object.assign(new Error("request body too large"), { [TOO_LARGE]: true }));
      req.resume();
      return;
    }
    if (!req.headers["content-length"] && !req.headers["transfer-encoding"]) {
      upstream.end();
      return;
    }
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > o.maxBody) {
        req.unpipe(upstream);
        upstream.destroy(Object.assign(new Error("request body too large"), { [TOO_LARGE]: true }));
        req.resume();
      }
    });
    req.on("aborted", () => upstream.destroy());
    req.pipe(upstream);
  });
}
