/**
 * A tenant's identity resources as its provider's `scopes` and `claims` (oidc-provider fixes both
 * when a Provider is made, so provider.ts makes the tenant's providers again when they change).
 *
 * The standard scopes (openid, profile, email, phone, address) always exist and always release the
 * OIDC standard claims from the user's fields (account.ts); any further claim a tenant lists on a
 * standard resource, and every claim of its own resources, is a *custom* claim: its value comes
 * from the user's claims (UserClaim rows of that type; several values make an array) or else from
 * the user's custom properties (a key of that name). The library releases a claim only when a
 * granted scope lists it, in the ID token and at userinfo alike.
 */
import type { Db } from "~/server/db";
import { OIDC_CLAIMS } from "~/server/oidc/account";

/** RFC 6749 §3.3 scope-token characters. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,200}$/;
/** Names a custom claim may never take: the token's own (JWT, OIDC Core §2, RFC 9068) and those the provider sets. */
const RESERVED_CLAIMS = new Set([
  "iss",
  "sub",
  "aud",
  "exp",
  "nbf",
  "iat",
  "jti",
  "nonce",
  "at_hash",
  "c_hash",
  "s_hash",
  "azp",
  "auth_time",
  "acr",
  "amr",
  "sid",
  "cnf",
  "scope",
  "client_id",
  "typ",
  "kid",
  "alg",
]);
/** Scopes with meaning of their own to the provider: a tenant's resource of that name adds nothing. */
const PROVIDER_SCOPES = new Set(["openid", "offline_access"]);
export { STANDARD_SCOPES } from "~/lib/oidc-scopes";
import { STANDARD_SCOPES } from "~/lib/oidc-scopes";

export interface IdentityConfig {
  /** Every identity scope the provider serves (openid and offline_access included). */
  scopes: string[];
  /** oidc-provider's `claims`: scope → claim names, and claims that are always there (null). */
  claims: Record<string, string[] | null>;
  /** Claim names whose values come from the user's claims and properties (not from user fields). */
  customClaims: string[];
  /** Compared with a later load to tell whether the provider must be made again. */
  stamp: string;
}

const standardClaims = new Set(
  Object.values(OIDC_CLAIMS)
    .filter((v): v is string[] => Array.isArray(v))
    .flat(),
);

export function identityConfigFrom(rows: { name: string; claims: string[] }[]): IdentityConfig {
  const claims: Record<string, string[] | null> = {};
  for (const [k, v] of Object.entries(OIDC_CLAIMS)) claims[k] = v ? [...v] : null;
  const custom = new Set<string>();
  const sorted = [...rows].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const r of sorted) {
    if (!SCOPE_TOKEN.test(r.name) || r.name === "offline_access") continue;
    const standard = (STANDARD_SCOPES as readonly string[]).includes(r.name);
    const list = standard ? claims[r.name]! : [];
    for (const c of r.claims) {
      // A standard claim name on a custom resource keeps its standard value (from the user's fields).
      if (!c || c.length > 100 || RESERVED_CLAIMS.has(c) || list.includes(c)) continue;
      list.push(c);
      if (!standardClaims.has(c)) custom.add(c);
    }
    if (!standard && !PROVIDER_SCOPES.has(r.name)) claims[r.name] = list;
  }
  const scopes = ["openid", "offline_access", ...Object.keys(claims).filter((k) => Array.isArray(claims[k]) && !PROVIDER_SCOPES.has(k))];
  return { scopes, claims, customClaims: [...custom].sort(), stamp: JSON.stringify(claims) };
}

/** The tenant's identity resources, read now. */
export async function loadIdentityConfig(db: Db, tenantId: string): Promise<IdentityConfig> {
  const rows = await db.identityResource.findMany({ where: { tenantId }, select: { name: true, claims: true } });
  return identityConfigFrom(rows);
}
