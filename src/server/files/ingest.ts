/**
 * The built-in ingest server: what `uploadthing` (server and client libraries, v7) expects from
 * UploadThing's ingest hosts, served by this product at /api/ut-ingest so that uploads work with
 * no UploadThing account.
 *
 *   route handler ── POST /route-metadata {fileKeys, metadata, callbackUrl, …}  (x-uploadthing-api-key)
 *   browser       ── HEAD /<key>  → x-ut-range-start
 *   browser       ── PUT  /<key>?expires&x-ut-*&signature=hmac-sha256=…  (multipart "file")
 *        ingest   ── POST <callbackUrl>?slug=…  uploadthing-hook: callback, x-uploadthing-signature
 *   route handler ── POST /callback-result {fileKey, callbackData}  (runs onUploadComplete first)
 *        ingest   ── answers the PUT {url, appUrl, ufsUrl, fileHash, serverData}
 *
 * State between the steps lives in UploadIntent rows, so any instance can take any step.
 */
import "server-only";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Db } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import { INGEST_PATH, ingestUrlFor, internalOrigin, uploadThingKeys } from "~/server/files/config";
import { rm } from "node:fs/promises";
import { FILE_KEY_RE, localFileUrl, localPath, writeLocal } from "~/server/files/store";
import { MAX_BYTES, FILE_KINDS } from "~/server/files/validate";

/** Presigned URLs live an hour (uploadthing's default); intents a little longer. */
const INTENT_TTL_MS = 2 * 3600_000;
/** No route takes more than this, whatever a URL declares. */
const HARD_LIMIT = Math.max(...FILE_KINDS.map((k) => MAX_BYTES[k]));

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "cache-control": "no-store" } });
/** The client library reads a 2xx JSON body with `error` as a failed upload, and shows the message. */
const refuse = (message: string, status = 200) => json({ error: message }, status);

export const signHmac = (payload: string, secret: string) => `hmac-sha256=${createHmac("sha256", secret).update(payload).digest("hex")}`;

function sameSecret(a: string | null, b: string): boolean {
  if (!a) return false;
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
}

const metadataBody = z.object({
  fileKeys: z.array(z.string().regex(FILE_KEY_RE)).min(1).max(50),
  metadata: z.record(z.string(), z.unknown()),
  isDev: z.boolean().optional(),
  callbackUrl: z.url(),
  callbackSlug: z.string().min(1).max(64),
  awaitServerData: z.boolean().default(true),
});

const callbackResultBody = z.object({ fileKey: z.string(), callbackData: z.unknown().optional(), error: z.string().optional() });

export async function handleIngest(db: Db, req: Request, segments: string[]): Promise<Response> {
  const [first, ...rest] = segments;
  if (!first || rest.length) return json({ error: "Not found" }, 404);
  if (req.method === "POST" && first === "route-metadata") return routeMetadata(db, req);
  if (req.method === "POST" && first === "callback-result") return callbackResult(db, req);
  if (!FILE_KEY_RE.test(first)) return json({ error: "Not found" }, 404);
  // No resumable uploads: every upload starts at byte 0.
  if (req.method === "HEAD") return new Response(null, { status: 200, headers: { "x-ut-range-start": "0", "cache-control": "no-store" } });
  if (req.method === "PUT") return put(db, req, first);
  return json({ error: "Method not allowed" }, 405);
}

async function routeMetadata(db: Db, req: Request) {
  if (!sameSecret(req.headers.get("x-uploadthing-api-key"), uploadThingKeys().apiKey)) return json({ error: "Invalid API key" }, 401);
  const body = metadataBody.safeParse(await req.json().catch(() => null));
  if (!body.success) return json({ error: "Invalid body" }, 400);
  const { fileKeys, metadata, callbackUrl, callbackSlug, awaitServerData } = body.data;
  const expiresAt = new Date(Date.now() + INTENT_TTL_MS);
  await db.$transaction([
    db.uploadIntent.deleteMany({ where: { expiresAt: { lt: new Date() } } }),
    db.uploadIntent.createMany({
      data: fileKeys.map((fileKey) => ({ fileKey, slug: callbackSlug, metadata: metadata as Prisma.InputJsonValue, callbackUrl, awaitServerData, expiresAt })),
      skipDuplicates: true,
    }),
  ]);
  return json({ ok: true });
}

async function callbackResult(db: Db, req: Request) {
  if (!sameSecret(req.headers.get("x-uploadthing-api-key"), uploadThingKeys().apiKey)) return json({ error: "Invalid API key" }, 401);
  const body = callbackResultBody.safeParse(await req.json().catch(() => null));
  if (!body.success) return json({ error: "Invalid body" }, 400);
  const { fileKey, callbackData, error } = body.data;
  await db.uploadIntent.updateMany({
    where: { fileKey },
    data: { callbackData: (callbackData ?? null) as Prisma.InputJsonValue, callbackError: error ?? null },
  });
  return json({ ok: true });
}

/** The URL as signed: everything before the trailing `&signature=`, on the ingest URL the browser was given. */
function checkSignature(req: Request, key: string): URLSearchParams | null {
  const raw = new URL(req.url);
  const query = raw.search.slice(1);
  const m = /(?:^|&)signature=([^&]*)$/.exec(query);
  if (!m) return null;
  const unsigned = query.slice(0, m.index);
  const signature = decodeURIComponent(m[1]!);
  const expected = signHmac(`${ingestUrlFor(req)}/${key}?${unsigned}`, uploadThingKeys().apiKey);
  if (!sameSecret(signature, expected)) return null;
  const params = new URLSearchParams(unsigned);
  if (Number(params.get("expires")) < Date.now()) return null;
  if (params.get("x-ut-identifier") !== uploadThingKeys().appId) return null;
  return params;
}

/** generateSignedURL encodes each value once before URLSearchParams encodes it again. */
const param = (p: URLSearchParams, name: string) => {
  const v = p.get(name);
  return v === null ? null : decodeURIComponent(v);
};

async function put(db: Db, req: Request, key: string) {
  const params = checkSignature(req, key);
  if (!params) return refuse("Invalid or expired upload URL", 403);
  const declared = Number(param(params, "x-ut-file-size"));
  const length = Number(req.headers.get("content-length") ?? 0);
  if (!Number.isFinite(declared) || declared > HARD_LIMIT || length > HARD_LIMIT + 64 * 1024) return refuse("File too large", 413);
  if (!/^bytes=0-/.test(req.headers.get("range") ?? "bytes=0-")) return refuse("Resuming uploads is not supported", 416);

  // Claimed in one statement: a replayed or concurrent PUT of the same URL finds nothing to take.
  const now = new Date();
  const claimed = await db.uploadIntent.updateMany({ where: { fileKey: key, claimedAt: null, expiresAt: { gt: now } }, data: { claimedAt: now } });
  const intent = claimed.count === 1 ? await db.uploadIntent.findUnique({ where: { fileKey: key } }) : null;
  if (!intent) return refuse("Unknown upload", 404);
  const metadata = intent.metadata as Record<string, unknown>;
  const tenantId = String(metadata.tenantId ?? "");

  const form = await req.formData().catch(() => null);
  const file = form?.get("file");
  if (!(file instanceof Blob)) return refuse("No file in the request", 400);
  if (file.size > declared) return refuse("File larger than declared", 413);
  const bytes = Buffer.from(await file.arrayBuffer());
  const fileHash = createHash("sha256").update(bytes).digest("hex");
  await writeLocal(tenantId, key, bytes);

  const url = localFileUrl(key);
  const uploaded = {
    name: param(params, "x-ut-file-name") ?? "file",
    size: bytes.length,
    type: param(params, "x-ut-file-type") ?? "application/octet-stream",
    customId: param(params, "x-ut-custom-id"),
    key,
    url,
    appUrl: url,
    ufsUrl: url,
    fileHash,
  };
  const payload = JSON.stringify({ status: "uploaded", file: uploaded, origin: `${internalOrigin()}${INGEST_PATH}`, metadata });
  const callback = new URL(intent.callbackUrl);
  if (!callback.searchParams.has("slug")) callback.searchParams.set("slug", intent.slug);
  const answered = await fetch(callback, {
    method: "POST",
    headers: { "content-type": "application/json", "uploadthing-hook": "callback", "x-uploadthing-signature": signHmac(payload, uploadThingKeys().apiKey) },
    body: payload,
  }).catch(() => null);
  const done = await db.uploadIntent.delete({ where: { fileKey: key } }).catch(() => null);
  // Our onUploadComplete always answers an object, so a missing result means it did not finish.
  if (!answered?.ok || (intent.awaitServerData && (done?.callbackData == null || done.callbackError))) {
    // Whatever onUploadComplete stored it removes itself; the bytes go here.
    await rm(localPath(tenantId, key), { force: true }).catch(() => undefined);
    return refuse(done?.callbackError ?? "The upload could not be completed", 200);
  }
  return json({ url, appUrl: url, ufsUrl: url, fileHash, serverData: done?.callbackData ?? null });
}
