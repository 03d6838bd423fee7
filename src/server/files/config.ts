/**
 * Where uploads go. Two modes, one set of libraries (`uploadthing` on the server,
 * `@uploadthing/react` in the console):
 * - **built-in ingest** (the default, and whenever UPLOADTHING_INGEST_URL is set): the route
 *   handler signs upload URLs for `/api/ut-ingest` on this product, which speaks UploadThing's
 *   ingest protocol (route-metadata, HEAD/PUT of the file, callback, callback-result) and keeps
 *   the bytes under DATA_DIR/files. The token (app id + key) is UPLOADTHING_TOKEN when given,
 *   else derived from the server secret so that every instance agrees.
 * - **UploadThing** (UPLOADTHING_TOKEN set, no ingest URL): the libraries talk to UploadThing's
 *   cloud unchanged.
 */
import "server-only";
import { createHmac } from "node:crypto";
import path from "node:path";
import { env } from "~/env";
import { getSecrets } from "~/server/secrets";
import { requestHost, requestProto } from "~/server/request";

export const INGEST_PATH = "/api/ut-ingest";
export const ROUTE_PATH = "/api/uploadthing";

export interface UploadThingKeys {
  apiKey: string;
  appId: string;
  token: string;
}

const encodeToken = (t: { apiKey: string; appId: string; regions: string[] }) => Buffer.from(JSON.stringify(t)).toString("base64");

function decodeToken(token: string): UploadThingKeys {
  const t = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { apiKey: string; appId: string };
  return { apiKey: t.apiKey, appId: t.appId, token };
}

let keys: UploadThingKeys | undefined;
/** The app id and API key the route handler signs with and the built-in ingest checks. */
export function uploadThingKeys(): UploadThingKeys {
  if (keys) return keys;
  if (env.UPLOADTHING_TOKEN) return (keys = decodeToken(env.UPLOADTHING_TOKEN));
  const apiKey = `sk_uc_${createHmac("sha256", getSecrets().authSecret).update("uploadthing-ingest-v1").digest("hex")}`;
  const appId = "usercenter";
  return (keys = { apiKey, appId, token: encodeToken({ apiKey, appId, regions: ["local"] }) });
}

/** True when the bytes stay here (no UploadThing account, or an ingest URL pointing at us). */
export const usesBuiltInIngest = () => !env.UPLOADTHING_TOKEN || !!env.UPLOADTHING_INGEST_URL;

/** How this instance reaches itself: UC_INTERNAL_URL, else loopback on PORT. */
export const internalOrigin = () => (env.UC_INTERNAL_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/$/, "");

/** The origin the browser used for this request (scheme from X-Forwarded-Proto behind a trusted proxy). */
export function publicOrigin(req: Request): string {
  const host = requestHost(req.headers) || new URL(req.url).host;
  return `${requestProto(req.headers)}://${host}`;
}

/**
 * The ingest URL the browser uploads to: UPLOADTHING_INGEST_URL, else this product on the
 * origin the page was loaded from (same origin, so no CORS and the tenant's own host name).
 */
export const ingestUrlFor = (req: Request) => (env.UPLOADTHING_INGEST_URL ?? `${publicOrigin(req)}${INGEST_PATH}`).replace(/\/$/, "");

/** Where the built-in store keeps a tenant's bytes. */
export const filesRoot = () => path.resolve(env.DATA_DIR, "files");
