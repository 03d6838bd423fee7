/**
 * Fetching an API description by URL for an import: a server-side request to an address a
 * tenant typed, so it goes only to public addresses (the outbound guard checks every connection
 * at connect time, redirects included: a redirect to 169.254.169.254 fails like a direct
 * request), takes at most 10 seconds and 10 MB, and follows at most 3 redirects. The platform
 * operator may let named internal addresses through (UC_OUTBOUND_ALLOW_ADDRESSES).
 */
import "server-only";
import * as http from "node:http";
import * as https from "node:https";
import { AppError } from "~/server/errors";
import { outboundAgent } from "~/server/security/outbound";
import { MAX_API_DOCUMENT_BYTES } from "~/lib/validators/api-publish";
import { msg } from "~/lib/validators/common";

export const FETCH_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;
const field = "source.url";

const refused = (key: Parameters<typeof msg>[0]) => new AppError(300012, { [field]: [msg(key)] });

function get(url: URL, deadline: number, signal?: AbortSignal): Promise<{ redirect: string } | { text: string }> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === "https:" ? https : http;
    const req = mod.get(
      url,
      {
        agent: outboundAgent(url.protocol, MAX_API_DOCUMENT_BYTES + 64 * 1024),
        signal,
        headers: { accept: "application/json, application/yaml, text/yaml, text/plain, */*", "accept-encoding": "identity", "user-agent": "User Center" },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          return resolve({ redirect: res.headers.location });
        }
        if (status !== 200) {
          res.resume();
          return reject(refused("documentFetchStatus"));
        }
        if (Number(res.headers["content-length"] ?? 0) > MAX_API_DOCUMENT_BYTES) {
          req.destroy();
          return reject(new AppError(300013));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_API_DOCUMENT_BYTES) {
            req.destroy();
            reject(new AppError(300013));
          } else chunks.push(c);
        });
        res.on("end", () => {
          try {
            resolve({ text: new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)) });
          } catch {
            reject(new AppError(300002, { source: [msg("invalidText")] }));
          }
        });
        res.on("error", () => reject(refused("documentFetchRefused")));
      },
    );
    const timer = setTimeout(() => req.destroy(Object.assign(new Error("timed out"), { code: "UC_TIMEOUT" })), Math.max(0, deadline - Date.now()));
    req.on("close", () => clearTimeout(timer));
    req.on("error", (e: NodeJS.ErrnoException) =>
      reject(e.code === "UC_TIMEOUT" ? new AppError(300016) : e instanceof AppError ? e : refused("documentFetchRefused")),
    );
  });
}

/** 300012 for an address never fetched whatever it resolves to: not http(s), or with credentials in it (checked again on every redirect). */
export function checkDocumentUrl(address: string | URL): void {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw refused("documentFetchRefused");
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password) throw refused("documentFetchRefused");
}

/**
 * The document at `address` as text, or 300012 (refused or failed), 300013 (too large), 300016
 * (too slow). `signal` (an import job's) stops the request when the job is cancelled.
 */
export async function fetchApiDocument(address: string, signal?: AbortSignal): Promise<string> {
  const deadline = Date.now() + FETCH_TIMEOUT_MS;
  let url = new URL(address);
  for (let hop = 0; ; hop++) {
    checkDocumentUrl(url);
    signal?.throwIfAborted();
    const got = await get(url, deadline, signal);
    if ("text" in got) return got.text;
    if (hop >= MAX_REDIRECTS) throw refused("documentFetchRefused");
    url = new URL(got.redirect, url);
  }
}
