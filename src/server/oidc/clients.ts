/**
 * The tenant's OAuth clients as oidc-provider sees them: read from our `OAuthClient` table on
 * every use (the library caches only the validated form of identical metadata), so a disabled
 * client, a disabled tenant or an owner who lost their account stops at once.
 *
 * Secrets: we keep only each secret's SHA-256 (shown once at creation), so the library cannot
 * compare a presented secret itself. A client with live secrets is registered for
 * `client_secret_basic` with a placeholder `client_secret` that is never compared and never used
 * as a key (no HS* algorithm is enabled anywhere: see `enabledJWA` in provider.ts), and the
 * provider's `compareClientSecret` is replaced by `verifyClientSecret` below: the presented
 * secret's SHA-256 against every live secret of the client, in constant time, as
 * /api/oauth/token does. Confidential fails closed: a client that has any secret row (expired
 * ones too) or may use client_credentials stays `client_secret_basic` when none is live, so it
 * cannot authenticate at all; only a client that never had a secret row is public (`none`):
 * PKCE is required of every client anyway. (Deleted secrets leave no row: see the report.)
 */
import { randomBytes } from "node:crypto";
import type { ClientMetadata } from "oidc-provider";
import type { Db } from "~/server/db";
import { hasControlChars, hasLoneSurrogate } from "~/lib/validators/common";
import { withTryRedirect } from "~/server/oidc/try-redirect";
import { matchSecret, ownerColumns, ownerGrants, type OwnerRow } from "~/server/services/client";

/** Never compared (verifyClientSecret decides) and never a key; random per process all the same. */
const PLACEHOLDER_SECRET = `uc-hashed-secret-${randomBytes(24).toString("base64url")}`;

/** Grant types of our clients that the provider serves (client credentials stay on /api/oauth/token). */
const PROVIDER_GRANTS = new Set(["authorization_code", "refresh_token"]);

interface ClientRow extends OwnerRow {
  id: string;
  clientId: string;
  name: string;
  grantTypes: string[];
  scopes: string[];
  redirectUris: string[];
  postLogoutRedirectUris: string[] | null;
  corsOrigins: string[];
  tokenLifetime: number;
  firstParty: boolean;
  secretRows: number;
}

const validId = (id: string) => !!id && id.length <= 64 && !hasControlChars(id) && !hasLoneSurrogate(id);

/** The client's metadata for the tenant's provider, or undefined (unknown here, disabled, or not a code-flow client). */
export async function findOidcClient(db: Db, tenantId: string, clientId: string): Promise<ClientMetadata | undefined> {
  if (!validId(clientId)) return undefined;
  const [c] = await db.$queryRaw<ClientRow[]>`
    SELECT c."id"::text AS "id", c."clientId", c."name", c."grantTypes", c."scopes", c."redirectUris", c."postLogoutRedirectUris", c."corsOrigins",
           c."tokenLifetime", c."firstParty", ${ownerColumns},
           (SELECT count(*)::int FROM "ClientSecret" s WHERE s."clientId" = c."id") AS "secretRows"
      FROM "OAuthClient" c JOIN "Tenant" t ON t."id" = c."tenantId"
      LEFT JOIN "User" o ON o."id" = c."ownerId"
     WHERE c."clientId" = ${clientId} AND c."tenantId" = ${tenantId}::uuid AND c."enabled" AND t."status" = 'enabled'
     LIMIT 1`;
  if (!c || !ownerGrants(c, tenantId)) return undefined;
  const grants = c.grantTypes.filter((g) => PROVIDER_GRANTS.has(g));
  if (!grants.includes("authorization_code")) return undefined;
  // Never public by accident: expired secrets still make a client confidential (and unable to authenticate).
  const confidential = c.secretRows > 0 || c.grantTypes.includes("client_credentials");
  return {
    client_id: c.clientId,
    client_name: c.name,
    redirect_uris: withTryRedirect(c.clientId, c.redirectUris),
    post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
    grant_types: grants,
    response_types: ["code"],
    token_endpoint_auth_method: confidential ? "client_secret_basic" : "none",
    ...(confidential ? { client_secret: PLACEHOLDER_SECRET } : {}),
    id_token_signed_response_alg: "ES256",
    uc_row_id: c.id,
    uc_first_party: c.firstParty,
    uc_cors_origins: c.corsOrigins,
    uc_token_lifetime: c.tokenLifetime,
    uc_scopes: c.scopes,
  };
}

/** Extra client metadata our provider reads (oidc-provider's `extraClientMetadata.properties`). */
export const EXTRA_CLIENT_METADATA = ["uc_row_id", "uc_first_party", "uc_cors_origins", "uc_token_lifetime", "uc_scopes"];

/** Whether `presented` is a live secret of the client (row id): SHA-256, constant time, expired ones miss. */
export async function verifyClientSecret(db: Db, clientRowId: string, presented: unknown): Promise<boolean> {
  if (typeof presented !== "string" || !presented || presented.length > 256 || hasControlChars(presented) || hasLoneSurrogate(presented)) return false;
  const secrets = await db.clientSecret.findMany({ where: { clientId: clientRowId }, select: { id: true, hash: true, expiresAt: true } });
  return matchSecret(secrets, presented) !== null;
}
