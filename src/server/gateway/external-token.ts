/**
 * Tokens of another authorization server (an ApiAuthServer a publish configuration names): a JWT
 * signed by a key of that server's JWKS, `iss` its issuer, `aud` naming the API resource, not
 * expired (nor before `nbf`), with an asymmetric algorithm. There is no liveness check (the other
 * server keeps no rows here): such a token lives until it expires.
 *
 * The JWKS is fetched through the outbound guard (outbound-json.ts: public addresses, no
 * redirects, 256 KB, 2.5 s) and kept per JWKS URI for JWKS_TTL_MS; a token naming a key the set
 * lacks refetches it (a key rotation), at most once per JWKS_COOLDOWN_MS, so tokens with made-up
 * `kid`s cannot make us fetch on every call. A fetch that fails keeps the last good set.
 */
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { fetchOutboundJson } from "~/server/security/outbound-json";
import { OUTBOUND_TIMEOUT_MS } from "~/server/security/outbound";

export const JWKS_TTL_MS = 10 * 60_000;
export const JWKS_COOLDOWN_MS = 30_000;
const MAX_SETS = 200;
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

interface CachedSet {
  fetchedAt: number;
  keys: ReturnType<typeof createLocalJWKSet> | null;
  pending: Promise<void> | null;
}
const sets = new Map<string, CachedSet>();

/** Tests: forget every set. */
export const resetExternalJwks = () => sets.clear();

async function load(uri: string, entry: CachedSet) {
  try {
    const body = (await fetchOutboundJson(uri, { timeoutMs: OUTBOUND_TIMEOUT_MS })) as JSONWebKeySet;
    if (body && Array.isArray(body.keys)) entry.keys = createLocalJWKSet(body);
  } catch {
    // The last good set stays; the cooldown below spaces the next try.
  } finally {
    entry.fetchedAt = Date.now();
    entry.pending = null;
  }
}

/** The key set of `uri`, fetched when missing, stale, or (`refresh`) out of its cooldown. */
async function keySet(uri: string, refresh: boolean) {
  let entry = sets.get(uri);
  if (!entry) {
    entry = { fetchedAt: 0, keys: null, pending: null };
    sets.set(uri, entry);
    if (sets.size > MAX_SETS) sets.delete(sets.keys().next().value!);
  }
  const age = Date.now() - entry.fetchedAt;
  if (!entry.keys || age > JWKS_TTL_MS || (refresh && age > JWKS_COOLDOWN_MS)) entry.pending ??= load(uri, entry);
  if (entry.pending && (!entry.keys || refresh)) await entry.pending;
  return entry.keys;
}

export interface ExternalClaims {
  clientId: string;
  scopes: string[];
}

const scopesOf = (p: JWTPayload): string[] => {
  const raw = p.scope ?? p.scp;
  if (typeof raw === "string") return raw.split(" ").filter(Boolean);
  return Array.isArray(raw) ? raw.filter((s): s is string => typeof s === "string" && !!s) : [];
};

/** The caller behind a token of the server `{ issuer, jwksUri }` for `audience`, or null when it is refused. */
export async function verifyExternalToken(server: { issuer: string; jwksUri: string }, token: string, audience: string): Promise<ExternalClaims | null> {
  const attempt = async (refresh: boolean) => {
    const keys = await keySet(server.jwksUri, refresh);
    if (!keys) return null;
    const { payload } = await jwtVerify(token, keys, { issuer: server.issuer, audience, algorithms: ALGORITHMS, requiredClaims: ["exp"] });
    return payload;
  };
  let payload: JWTPayload | null;
  try {
    payload = await attempt(false);
  } catch (e) {
    // A key the cached set lacks: the server may have rotated its keys.
    if ((e as { code?: string }).code !== "ERR_JWKS_NO_MATCHING_KEY") return null;
    try {
      payload = await attempt(true);
    } catch {
      return null;
    }
  }
  if (!payload) return null;
  const clientId = [payload.client_id, payload.azp, payload.sub].find((v): v is string => typeof v === "string" && !!v && v.length <= 200);
  return clientId ? { clientId, scopes: scopesOf(payload) } : null;
}
