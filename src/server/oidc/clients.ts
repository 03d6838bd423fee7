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
import { Prisma } from "~/generated/prisma/client";
import { readRows } from "~/server/db/fast-read";
import { currentLoginLink } from "~/server/oidc/adapter";
import type { Db } from "~/server/db";
import { hasControlChars, hasLoneSurrogate } from "~/lib/validators/common";
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

/** The client's metadata for the tenant's provider, or undefined (unknown here, disabled, or not a code-flow client). */
export async function findOidcClient(db: Db, tenantId: string, clientId: string): Promise<ClientMetadata | undefined> {
  if (!validId(clientId)) return undefined;
  // Straight to the pool (fast-read.ts): this runs on every token, userinfo and authorization request.
  const [c] = await readRows<ClientRow[]>(
    db,
    Prisma.sql`
    SELECT c."id"::text AS "id", c."clientId", c."name", c."grantTypes", c."scopes", c."redirectUris", c."postLogoutRedirectUris", c."corsOrigins",
           c."tokenLifetime", c."firstParty", ${ownerColumns},
           COALESCE((SELECT json_agg(json_build_object('id', s."id", 'hash', s."hash", 'expiresAt', s."expiresAt"))
                       FROM "ClientSecret" s WHERE s."clientId" = c."id"), '[]'::json) AS "secrets"
      FROM "OAuthClient" c JOIN "Tenant" t ON t."id" = c."tenantId"
      LEFT JOIN "User" o ON o."id" = c."ownerId"
     WHERE c."clientId" = ${clientId} AND c."tenantId" = ${tenantId}::uuid AND c."enabled" AND t."status" = 'enabled'
     LIMIT 1`,
  );
  if (!c || !ownerGrants(c, tenantId)) return undefined;
  const grants = c.grantTypes.filter((g) => PROVIDER_GRANTS.has(g));
  if (!grants.includes("authorization_code")) return undefined;
  // Never public by accident: expired secrets still make a client confidential (and unable to authenticate).
  const confidential = c.secrets.length > 0 || c.grantTypes.includes("client_credentials");
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
    redirect_uris: c.redirectUris,
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
  const link = currentLoginLink();
  const secrets =
    (link && secretsRead.get(link)?.get(clientRowId)) ??
    (await readRows<SecretRow[]>(db, Prisma.sql`SELECT "id"::text AS "id", "hash", "expiresAt" FROM "ClientSecret" WHERE "clientId" = ${clientRowId}::uuid`));
  return matchSecret(secrets, presented) !== null;
}
