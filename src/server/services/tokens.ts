/**
 * Bearer tokens: ES256 JWTs signed with keys kept in the database (private halves encrypted),
 * so every instance signs and verifies alike, and published as a JWKS for other programs.
 * A session token names its login-session record (`sid`); verifying it is only half the check:
 * the context then loads that record, so an ended or frozen session fails at once.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { SignJWT, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK } from "jose";
import type { Db, DbClient } from "~/server/db";
import { decryptSecret, encryptSecret } from "~/server/crypto";
import { advisoryXactLock } from "~/server/db/sql";
import { readRows } from "~/server/db/fast-read";
import { Prisma } from "~/generated/prisma/client";
import { verifiedCache } from "~/server/security/verified-cache";

const ALG = "ES256";
/**
 * Retired keys stay published this long: longer than any token they signed can live (console
 * sessions 12 h; client tokens at most CLIENT_TOKEN_MAX_SECONDS; a retired key may still sign for
 * up to CACHE_MS on an instance that has not yet noticed the rotation).
 */
export const PUBLISH_RETIRED_MS = 13 * 3600_000;
/** The longest lifetime a client may ask for: kept under PUBLISH_RETIRED_MS. */
export const CLIENT_TOKEN_MAX_SECONDS = 12 * 3600;
const CACHE_MS = 60_000;

type VerifyKey = Awaited<ReturnType<typeof importJWK>>;
let active: { kid: string; key: VerifyKey; at: number } | undefined;
const publicKeys = new Map<string, VerifyKey>();

/**
 * The issuer names the tenant (`urn:user-center:tenant:<id>`): stable across host renames, and
 * one tenant's tokens never pass for another's. Client tokens use the same issuer.
 */
export const tokenIssuer = (tenantId: string) => `urn:user-center:tenant:${tenantId}`;
/** The audience of client-credentials tokens: this platform's API (/api/v1 and tRPC). */
export const CLIENT_TOKEN_AUDIENCE = "urn:user-center:api";

async function createKey(db: DbClient) {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: "sig" };
  await db.signingKey.create({
    data: { id: kid, alg: ALG, publicJwk, privateJwk: encryptSecret(JSON.stringify(await exportJWK(privateKey))) },
  });
  return kid;
}

/** Creating and rotating keys take this lock, so instances doing it at once make one active key. */
const KEY_LOCK = "user-center:signing-key";
const KEY_TX = { maxWait: 30_000, timeout: 30_000 };

/**
 * The active signing key's id, created when there is none: run at start-up (seed and server
 * start), so the JWKS is published from the first start and not only after the first token.
 */
export async function ensureSigningKey(db: Db): Promise<string> {
  // A key, once there, stays until a rotation retires it in the same transaction that adds the
  // next: one plain read answers every start after the first.
  const [active] = await readRows<{ id: string }[]>(db, Prisma.sql`SELECT "id" FROM "SigningKey" WHERE "retiredAt" IS NULL ORDER BY "createdAt" DESC LIMIT 1`);
  if (active) return active.id;
  return db.$transaction(async (tx) => {
    await advisoryXactLock(tx, KEY_LOCK);
    const row = await tx.signingKey.findFirst({ where: { retiredAt: null }, orderBy: { createdAt: "desc" }, select: { id: true } });
    return row?.id ?? createKey(tx);
  }, KEY_TX);
}

async function signingKey(db: Db) {
  if (active && Date.now() - active.at < CACHE_MS) return active;
  let row = await db.signingKey.findFirst({ where: { retiredAt: null }, orderBy: { createdAt: "desc" } });
  if (!row) {
    await ensureSigningKey(db);
    row = await db.signingKey.findFirstOrThrow({ where: { retiredAt: null }, orderBy: { createdAt: "desc" } });
  }
  const key = await importJWK(JSON.parse(decryptSecret(row.privateJwk)) as JWK, ALG);
  active = { kid: row.id, key, at: Date.now() };
  return active;
}

/** Starts signing with a new key; the old one stays published until its tokens have expired. */
export async function rotateSigningKey(db: Db) {
  const kid = await db.$transaction(async (tx) => {
    await advisoryXactLock(tx, KEY_LOCK);
    await tx.signingKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: new Date() } });
    return createKey(tx);
  }, KEY_TX);
  active = undefined;
  return kid;
}

export async function publicJwks(db: Db): Promise<{ keys: JWK[] }> {
  const rows = await db.signingKey.findMany({
    where: { OR: [{ retiredAt: null }, { retiredAt: { gt: new Date(Date.now() - PUBLISH_RETIRED_MS) } }] },
    orderBy: { createdAt: "desc" },
    select: { publicJwk: true },
  });
  return { keys: rows.map((r) => r.publicJwk as JWK) };
}

export interface SessionTokenClaims {
  sessionId: string;
  userId: string;
  tenantId: string;
  expiresAt: Date;
}

export async function signSessionToken(db: Db, c: SessionTokenClaims): Promise<string> {
  const { kid, key } = await signingKey(db);
  return (
    new SignJWT({ sid: c.sessionId, tid: c.tenantId, typ: "session" })
      .setProtectedHeader({ alg: ALG, kid, typ: "JWT" })
      .setSubject(c.userId)
      .setIssuer(tokenIssuer(c.tenantId))
      .setIssuedAt()
      // 128 random bits: no two tokens alike, whatever the (time-ordered) session id.
      .setJti(randomBytes(16).toString("base64url"))
      .setExpirationTime(Math.floor(c.expiresAt.getTime() / 1000))
      .sign(key)
  );
}

/** The public key of one of our signing keys (retired ones while still published), or null. */
export async function verifyKey(db: Db, kid: string): Promise<VerifyKey | null> {
  const cached = publicKeys.get(kid);
  if (cached) return cached;
  const row = await db.signingKey.findUnique({ where: { id: kid }, select: { publicJwk: true, retiredAt: true } });
  if (!row || (row.retiredAt && row.retiredAt.getTime() < Date.now() - PUBLISH_RETIRED_MS)) return null;
  const key = await importJWK(row.publicJwk as JWK, ALG);
  publicKeys.set(kid, key);
  return key;
}

/** Verified tokens, by kind: see verifiedCache. */
const rememberSession = verifiedCache({ max: 10_000, ttlMs: 5 * 60_000 });
const rememberClient = verifiedCache({ max: 10_000, ttlMs: 5 * 60_000 });

/** The session a bearer token names, or null for anything forged, expired or malformed. */
export function verifySessionToken(db: Db, token: string): Promise<{ sessionId: string; userId: string; tenantId: string } | null> {
  return rememberSession(token, () => checkSessionToken(db, token));
}

async function checkSessionToken(db: Db, token: string) {
  try {
    const { kid, alg } = decodeProtectedHeader(token);
    if (alg !== ALG || !kid) return null;
    const key = await verifyKey(db, kid);
    if (!key) return null;
    const { payload } = await jwtVerify(token, key, { algorithms: [ALG] });
    if (payload.typ !== "session" || typeof payload.sid !== "string" || typeof payload.tid !== "string" || !payload.sub) return null;
    if (payload.iss !== tokenIssuer(payload.tid)) return null;
    if (typeof payload.exp !== "number") return null;
    return { value: { sessionId: payload.sid, userId: payload.sub, tenantId: payload.tid }, exp: payload.exp };
  } catch {
    return null;
  }
}

export interface ClientTokenClaims {
  /** OAuthClient row id (internal). */
  id: string;
  /** The public client_id. */
  clientId: string;
  tenantId: string;
  scopes: string[];
  lifetimeSeconds: number;
}

/** A client-credentials access token (RFC 6749 §4.4); `sub` and `client_id` are the public client id. */
export async function signClientToken(db: Db, c: ClientTokenClaims): Promise<{ token: string; expiresIn: number; jti: string }> {
  const { kid, key } = await signingKey(db);
  const now = Math.floor(Date.now() / 1000);
  const jti = randomBytes(16).toString("hex");
  const token = await new SignJWT({ typ: "client", client_id: c.clientId, tid: c.tenantId, cid: c.id, scope: c.scopes.join(" ") })
    .setProtectedHeader({ alg: ALG, kid, typ: "at+jwt" })
    .setSubject(c.clientId)
    .setIssuer(tokenIssuer(c.tenantId))
    .setAudience(CLIENT_TOKEN_AUDIENCE)
    .setIssuedAt(now)
    .setJti(jti)
    .setExpirationTime(now + c.lifetimeSeconds)
    .sign(key);
  return { token, expiresIn: c.lifetimeSeconds, jti };
}

export interface VerifiedClientToken {
  id: string;
  clientId: string;
  tenantId: string;
  scopes: string[];
}

/**
 * Which kind of bearer token this is, without verifying it (the verifiers do that): our client
 * and session tokens say so in `typ`; an access token of a tenant's OpenID Provider has none and
 * its issuer is the provider's origin (src/server/oidc/api-token.ts).
 */
export function bearerKind(token: string): "client" | "session" | "oidc" {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { typ?: unknown; iss?: unknown };
    if (payload.typ === "client") return "client";
    if (payload.typ === undefined && typeof payload.iss === "string" && /^https?:\/\//.test(payload.iss)) return "oidc";
    return "session";
  } catch {
    return "session";
  }
}

/** The client a client token names, or null for anything forged, expired or malformed. */
export function verifyClientToken(db: Db, token: string): Promise<VerifiedClientToken | null> {
  return rememberClient(token, () => checkClientToken(db, token));
}

async function checkClientToken(db: Db, token: string): Promise<{ value: VerifiedClientToken; exp: number } | null> {
  try {
    const { kid, alg } = decodeProtectedHeader(token);
    if (alg !== ALG || !kid) return null;
    const key = await verifyKey(db, kid);
    if (!key) return null;
    const { payload } = await jwtVerify(token, key, { algorithms: [ALG], audience: CLIENT_TOKEN_AUDIENCE });
    if (payload.typ !== "client" || typeof payload.tid !== "string" || typeof payload.cid !== "string") return null;
    if (typeof payload.client_id !== "string" || payload.sub !== payload.client_id) return null;
    if (payload.iss !== tokenIssuer(payload.tid)) return null;
    if (typeof payload.exp !== "number") return null;
    const scope = typeof payload.scope === "string" ? payload.scope : "";
    return { value: { id: payload.cid, clientId: payload.client_id, tenantId: payload.tid, scopes: scope.split(" ").filter(Boolean) }, exp: payload.exp };
  } catch {
    return null;
  }
}
