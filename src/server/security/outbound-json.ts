/**
 * A small JSON document from an address a tenant typed (an authorization server's discovery
 * document, its JWKS): through the outbound guard (public addresses only, checked at connect
 * time: outbound.ts), no redirects, at most `maxBytes` on the wire and `timeoutMs` in all.
 *
 * Only `https:`. Plain `http:` is allowed to an IP literal the platform operator lets through
 * (UC_OUTBOUND_ALLOW_ADDRESSES: loopback test servers), never to a name.
 */
import "server-only";
import * as http from "node:http";
import * as https from "node:https";
import { bareHost } from "~/lib/outbound-host";
import { MAX_RESPONSE_BYTES, allowedAddresses, outboundAgent } from "~/server/security/outbound";

export type OutboundJsonFailure = "refused" | "status" | "too-large" | "timeout" | "not-json";

export class OutboundJsonError extends Error {
  constructor(readonly reason: OutboundJsonFailure) {
    super(`outbound JSON fetch failed: ${reason}`);
  }
}

/** Whether `url` may be fetched at all: https, or http to an allowed IP literal; no user info. */
export function fetchableUrl(url: URL): boolean {
  if (url.username || url.password) return false;
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && allowedAddresses().has(bareHost(url.hostname));
}

export function fetchOutboundJson(address: string, opts: { maxBytes?: number; timeoutMs: number }): Promise<unknown> {
  const maxBytes = opts.maxBytes ?? MAX_RESPONSE_BYTES;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return Promise.reject(new OutboundJsonError("refused"));
  }
  if (!fetchableUrl(url)) return Promise.reject(new OutboundJsonError("refused"));
  return new Promise((resolve, reject) => {
    const mod = url.protocol === "https:" ? https : http;
    const req = mod.get(
      url,
      {
        // The agent cuts the connection past the bound (headers included); the body is counted here too.
        agent: outboundAgent(url.protocol, maxBytes + 16 * 1024),
        headers: { accept: "application/json, application/jwk-set+json", "accept-encoding": "identity", "user-agent": "User Center" },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new OutboundJsonError("status"));
        }
        if (Number(res.headers["content-length"] ?? 0) > maxBytes) {
          req.destroy();
          return reject(new OutboundJsonError("too-large"));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            req.destroy();
            reject(new OutboundJsonError("too-large"));
          } else chunks.push(c);
        });
        res.on("end", () => {
          try {
            resolve(JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks))));
          } catch {
            reject(new OutboundJsonError("not-json"));
          }
        });
        res.on("error", () => reject(new OutboundJsonError("refused")));
      },
    );
    const timer = setTimeout(() => req.destroy(Object.assign(new Error("timed out"), { code: "UC_TIMEOUT" })), opts.timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("error", (e: NodeJS.ErrnoException) =>
      reject(e instanceof OutboundJsonError ? e : new OutboundJsonError(e.code === "UC_TIMEOUT" ? "timeout" : "refused")),
    );
  });
}
