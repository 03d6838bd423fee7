/**
 * The tenant's OAuth clients as oidc-provider sees them: read from our `OAuthClient` table on
 * every use (the library caches only the validated form of identical metadata), so a disabled
 * client, a disabled tenant or an owner who lost their account stops at once.
 *
 * Types and authentication: the client's type decides (column `clientType`), never whether it
 * happens to have secret rows. SPA and native apps are public (`none`, PKCE only; native apps
 * are `application_type: native`, so loopback and private-use scheme redirects follow RFC 8252);
 * machine clients get client credentials only (on /oidc/token, and on /api/oauth/token as before); a
 * web app authenticates as its `tokenEndpointAuthMethod` column says: `client_secret_basic`,
 * `client_secret_post`, or `private_key_jwt` with the keys at its `jwks_uri`. A web app never
 * becomes public: a stray `none` on one is read as `client_secret_basic`.
 *
 * Secrets: we keep only each secret's SHA-256 (shown once at creation), so the library cannot
 * compare a presented secret itself. A web app using a secret is registered with a placeholder
 * `client_secret` that is never compared and never used as a key (no HS* algorithm is enabled
 * anywhere: see `enabledJWA` in provider.ts), and the provider's `compareClientSecret` is
 * replaced by `verifyClientSecret` below: the presented secret's SHA-256 against every live
 * secret of the client, in constant time, as /api/oauth/token does. With no live secret it
 * cannot authenticate at all (confidential fails closed).
 *
 * Lifetimes and consent travel as extra metadata the provider reads (`uc_id_token_lifetime`,
 * `uc_refresh_absolute`, `uc_refresh_idle`, `uc_consent_required`); `logo_uri` is absolute (a
 * file of our library is named on the issuer's origin); a back-channel logout URI is registered
 * with `backchannel_logout_session_required`, so every logout token names the session (`sid`).
 */
import { randomBytes } from "node:crypto";
import type { ClientMetadata } from "oidc-provider";
import { Prisma } from "~/generated/prisma/client";
import { readRows } from "~/server/db/fast-read";
import { currentLoginLink } from "~/server/oidc/adapter";
import type { Db } from "~/server/db";
import { hasControlChars, hasLoneSurrogate, isSafeUrl } from "~/lib/validators/common";
import { withTryRedirect } from "~/server/oidc/try-redirect";
import { STANDARD_SCOPES } from "~/server/oidc/identity";
import { matchSecret, ownerColumns, ownerGrants, type OwnerRow } from "~/server/services/client";

/** Never compared (verifyClientSecret decides) and never a key; random per process all the same. */
const PLACEHOLDER_SECRET = `uc-hashed-secret-${randomBytes(24).toString("base64url")}`;

/** Grant types of our clients that the provider serves (client credentials also stay on /api/oauth/token). */
const PROVIDER_GRANTS = new Set(["authorization_code", "refresh_token", "client_credentials"]);

interface ClientRow extends OwnerRow {
  id: string;
  clientId: string;
  name: string;
  clientType: "web" | "spa" | "native" | "machine";
  tokenEndpointAuthMethod: "client_secret_basic" | "client_secret_post" | "private_key_jwt" | "none";
  jwksUri: string | null;
  idTokenLifetime: number;
  refreshTokenAbsoluteLifetime: number;
  refreshTokenIdleLifetime: number;
  consentRequired: boolean;
  backchannelLogoutUri: string | null;
  logoUri: string | null;
  grantTypes: string[];
  scopes: string[];
  redirectUris: string[];
  postLogoutRedirectUris: string[] | null;
  corsOrigins: string[];
  tokenLifetime: number;
  /** Every secret row, expired ones too (json: expiresAt as text). */
  secrets: { id: string; hash: string; expiresAt: string | null }[];
}

type SecretRow = { id: string; hash: string; expiresAt: Date | null };
/**
 * The secrets read with a client, by the request that read them (its LoginLink, adapter.ts) and
 * the client's row id: the token endpoint finds the client and then checks the presented secret,
 * and the check uses what the same statement returned instead of asking again. Another request
 * reads both anew.
 */
const secretsRead = new WeakMap<object, Map<string, SecretRow[]>>();

const validId = (id: string) => !!id && id.length <= 64 && !hasControlChars(id) && !hasLoneSurrogate(id);

/** The provider's `token_endpoint_auth_method` of a client: by its type, and fail closed. */
function authMethodOf(c: Pick<ClientRow, "clientType" | "tokenEndpointAuthMethod">) {
  if (c.clientType === "spa" || c.clientType === "native") return "none";
  return c.tokenEndpointAuthMethod === "none" ? "client_secret_basic" : c.tokenEndpointAuthMethod;
}

/** A logo the consent page may show: https as is, a file of our library on the issuer's origin. */
function absoluteLogo(logo: string | null, issuer: string | undefined): string | undefined {
  if (!logo || !isSafeUrl(logo)) return undefined;
  if (logo.startsWith("https://")) return logo;
  return issuer ? new URL(logo, issuer).href : undefined;
}

/** A provider's scopes when the caller does not say: the standard ones and offline_access. */
const DEFAULT_SERVED: readonly string[] = [...STANDARD_SCOPES, "offline_access"];

/**
 * oidc-provider's `scope` of a client: the identity scopes (the provider's `scopes`: openid, the
 * tenant's identity resources, offline_access) it may request; asking for another is
 * `invalid_scope` (the library's check_scope). The client's own list (OAuthClient.scopes) decides,
 * with openid always there once it names any. A client that names none — what the console creates
 * by default, and every client before this rule — may ask for the standard OpenID Connect scopes
 * (openid, profile, email, phone, address), as Try it and the integration page assume, but never
 * for a tenant's own identity resources: those must be listed. offline_access stays the
 * refresh_token grant's to decide (the library drops it for a client without that grant); API
 * scopes are the resource servers' (provider.ts, getResourceServerInfo), not this list's.
 */
export function identityScopeOf(listed: readonly string[], served: readonly string[]): string {
  const own = listed.filter((s) => s !== "offline_access" && served.includes(s));
  const allowed = own.length ? ["openid", ...own] : STANDARD_SCOPES;
  return [...new Set([...allowed, "offline_access"])].filter((s) => served.includes(s)).join(" ");
}

/**
 * The client's metadata for the tenant's provider at `issuer` whose scopes are `identityScopes`,
 * or undefined (unknown here, disabled, or neither a code-flow client nor a machine client).
 */
export async function findOidcClient(
  db: Db,
  tenantId: string,
  clientId: string,
  at: { issuer?: string; identityScopes?: readonly string[] } = {},
): Promise<ClientMetadata | undefined> {
  const { issuer } = at;
  if (!validId(clientId)) return undefined;
  // Straight to the pool (fast-read.ts): this runs on every token, userinfo and authorization request.
  const [c] = await readRows<ClientRow[]>(
    db,
    Prisma.sql`
    SELECT c."id"::text AS "id", c."clientId", c."name", c."grantTypes", c."scopes", c."redirectUris", c."postLogoutRedirectUris", c."corsOrigins",
           c."tokenLifetime", c."clientType"::text AS "clientType", c."tokenEndpointAuthMethod"::text AS "tokenEndpointAuthMethod", c."jwksUri",
           c."idTokenLifetime", c."refreshTokenAbsoluteLifetime", c."refreshTokenIdleLifetime", c."consentRequired",
           c."backchannelLogoutUri", c."logoUri", ${ownerColumns},
           COALESCE((SELECT json_agg(json_build_object('id', s."id", 'hash', s."hash", 'expiresAt', s."expiresAt"))
                       FROM "ClientSecret" s WHERE s."clientId" = c."id"), '[]'::json) AS "secrets"
      FROM "OAuthClient" c JOIN "Tenant" t ON t."id" = c."tenantId"
      LEFT JOIN "User" o ON o."id" = c."ownerId"
     WHERE c."clientId" = ${clientId} AND c."tenantId" = ${tenantId}::uuid AND c."enabled" AND t."status" = 'enabled'
     LIMIT 1`,
    "uc_oidc_client",
  );
  if (!c || !ownerGrants(c, tenantId)) return undefined;
  const method = authMethodOf(c);
  // A machine client signs no one in: client credentials only, no redirect URIs, no response types.
  const signIn = c.clientType !== "machine" && c.grantTypes.includes("authorization_code");
  // A public client (SPA, native) cannot authenticate, so it never gets client credentials.
  const grants = c.grantTypes.filter((g) => PROVIDER_GRANTS.has(g) && (signIn ? g !== "client_credentials" || method !== "none" : g === "client_credentials"));
  if (!grants.length || (!signIn && method === "none")) return undefined;
  // private_key_jwt without keys cannot authenticate: unknown rather than half-configured.
  if (method === "private_key_jwt" && !c.jwksUri) return undefined;
  const logo = absoluteLogo(c.logoUri, issuer);
  const link = currentLoginLink();
  if (link) {
    const read = secretsRead.get(link) ?? new Map<string, SecretRow[]>();
    read.set(
      c.id,
      c.secrets.map((x) => ({ id: x.id, hash: x.hash, expiresAt: x.expiresAt ? new Date(x.expiresAt) : null })),
    );
    secretsRead.set(link, read);
  }
  return {
    client_id: c.clientId,
    client_name: c.name,
    application_type: c.clientType === "native" ? "native" : "web",
    redirect_uris: signIn ? withTryRedirect(c.clientId, c.redirectUris) : [],
    post_logout_redirect_uris: signIn ? (c.postLogoutRedirectUris ?? []) : [],
    grant_types: grants,
    response_types: signIn ? ["code"] : [],
    token_endpoint_auth_method: method,
    scope: identityScopeOf(c.scopes, at.identityScopes ?? DEFAULT_SERVED),
    ...(method === "client_secret_basic" || method === "client_secret_post" ? { client_secret: PLACEHOLDER_SECRET } : {}),
    ...(method === "private_key_jwt" ? { jwks_uri: c.jwksUri! } : {}),
    ...(logo ? { logo_uri: logo } : {}),
    ...(signIn && c.backchannelLogoutUri ? { backchannel_logout_uri: c.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
    id_token_signed_response_alg: "ES256",
    uc_row_id: c.id,
    uc_cors_origins: c.corsOrigins,
    uc_token_lifetime: c.tokenLifetime,
    uc_scopes: c.scopes,
    uc_id_token_lifetime: c.idTokenLifetime,
    uc_refresh_absolute: c.refreshTokenAbsoluteLifetime,
    uc_refresh_idle: c.refreshTokenIdleLifetime,
    uc_consent_required: c.consentRequired,
  };
}

/** Extra client metadata our provider reads (oidc-provider's `extraClientMetadata.properties`). */
export const EXTRA_CLIENT_METADATA = [
  "uc_row_id",
  "uc_cors_origins",
  "uc_token_lifetime",
  "uc_scopes",
  "uc_id_token_lifetime",
  "uc_refresh_absolute",
  "uc_refresh_idle",
  "uc_consent_required",
];

/** The extra metadata as the provider's Client instance carries it. */
export interface UcClientMetadata {
  uc_row_id?: string;
  uc_cors_origins?: string[];
  uc_token_lifetime?: number;
  uc_scopes?: string[];
  uc_id_token_lifetime?: number;
  uc_refresh_absolute?: number;
  uc_refresh_idle?: number;
  uc_consent_required?: boolean;
}

/** Whether `presented` is a live secret of the client (row id): SHA-256, constant time, expired ones miss. */
export async function verifyClientSecret(db: Db, clientRowId: string, presented: unknown): Promise<boolean> {
  if (typeof presented !== "string" || !presented || presented.length > 256 || hasControlChars(presented) || hasLoneSurrogate(presented)) return false;
  const link = currentLoginLink();
  const secrets =
    (link && secretsRead.get(link)?.get(clientRowId)) ??
    (await readRows<SecretRow[]>(db, Prisma.sql`SELECT "id"::text AS "id", "hash", "expiresAt" FROM "ClientSecret" WHERE "clientId" = ${clientRowId}::uuid`));
  return matchSecret(secrets, presented) !== null;
}
