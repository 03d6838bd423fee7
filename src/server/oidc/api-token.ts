/**
 * Our own API (`/api/v1` and tRPC) as a resource server of every tenant's OpenID Provider.
 *
 * Its resource indicator (RFC 8707) is `<issuer>/api/v1`: the URL a client calls, on the tenant
 * host whose provider issued the token (`https://<tenant host>/api/v1`; discovery publishes it as
 * `uc_api_resource`). A client passes it as `resource=`; the provider then issues an ES256 JWT
 * access token (RFC 9068) with that audience whose scopes are `uc.*` permission codes: those the
 * client is allowed (OAuthClient.scopes) that the user holds too (provider.ts), or, for client
 * credentials, that the client's owner holds.
 *
 * Here the API accepts such a token only on the host it names: `iss` must be the request's own
 * origin and `aud` its `/api/v1`, so a token of another tenant, another host or another API is
 * refused before any lookup. The signature is checked once per token (verified-cache); what the
 * token grants is read on every request, in one statement with the host's tenant: the client
 * (enabled, of this tenant, its owner alive), and for a user's token the user and roles, the grant
 * the token was issued under (revoked from Connected apps, by refresh-token reuse, by revoking a
 * refresh token: the row is gone) and the login session it descends from, with the same rule as
 * every other use of a session (frozen, offline, ended, deleted, expired, idle). So a revocation
 * or a console action stops the token at its next request, on every instance, with no cache to
 * invalidate. The same statement requires the token's own row, which the provider keeps for every
 * JWT access token it issues (provider.ts): revoking the token itself (RFC 7009) deletes it. The
 * provider's introspection asks the same statement (`liveTokenActor`), so both agree on what is
 * alive. The effective permissions are the user's (or owner's) current ones ∩ the token's
 * scopes ∩ the client's current scopes.
 */
import { decodeProtectedHeader, jwtVerify } from "jose";
import { Prisma } from "~/generated/prisma/client";
import type { Db } from "~/server/db";
import { readRows } from "~/server/db/fast-read";
import { UUID_RE, userRolesJson, type RoleJson } from "~/server/db/sql";
import { OPERATOR_PERMISSIONS, PERMISSION_PREFIX, hasPermission, isGrantable, type PermissionCode } from "~/lib/permissions";
import { expandCode, intersectGrants } from "~/lib/permission-scope";
import { verifiedCache } from "~/server/security/verified-cache";
import { verifyKey } from "~/server/services/tokens";
import { normalizeHost, resolveTenant, type ResolvedTenant } from "~/server/services/host";
import { ownerColumns, ownerGrants, type OwnerRow } from "~/server/services/client";
import { sessionEndReason, type Actor } from "~/server/services/session";

export const OWN_API_PATH = "/api/v1";
/** Our API's resource indicator and audience on the provider of `issuer` (an origin). */
export const ownApiResource = (issuer: string) => `${issuer}${OWN_API_PATH}`;

/**
 * Claims our provider adds to a user's JWT access token for our API and for the tenant's API
 * resources (which our gateway serves): the grant and the login session it was issued under, so
 * the API can tell at once when either ends.
 */
export const GRANT_CLAIM = "uc_gid";
export const LOGIN_SESSION_CLAIM = "uc_sid";

/** What the liveness statement checks a token against (see the file's comment). */
export interface LiveTokenRef {
  sub: string;
  clientId: string;
  scopes: string[];
  /** Set for a user's token (code flow, refresh); null for client credentials. */
  grantId: string | null;
  /** The login session the token names (null: none named; its row's own link is the adapter's to check). */
  loginSessionId: string | null;
  /** The token's own row in the provider's storage: oidc-provider's model name and the token's jti. */
  model: string;
  jti: string;
}

export interface OidcAccessToken extends LiveTokenRef {
  iss: string;
  aud: string[];
}

const remember = verifiedCache({ max: 10_000, ttlMs: 5 * 60_000 });

/** The claims of an access token signed by one of our keys (any issuer, any audience), or null. */
export function verifyOidcAccessToken(db: Db, token: string): Promise<OidcAccessToken | null> {
  return remember(token, () => checkOidcAccessToken(db, token));
}

async function checkOidcAccessToken(db: Db, token: string): Promise<{ value: OidcAccessToken; exp: number } | null> {
  try {
    const { kid, alg, typ } = decodeProtectedHeader(token);
    if (alg !== "ES256" || !kid) return null;
    // RFC 9068 §4: the header's typ tells an access token from an ID token signed by the same key.
    if (typeof typ !== "string" || !/^(application\/)?at\+jwt$/i.test(typ)) return null;
    const key = await verifyKey(db, kid);
    if (!key) return null;
    const { payload } = await jwtVerify(token, key, { algorithms: ["ES256"], requiredClaims: ["iss", "sub", "aud", "exp", "jti"] });
    if (typeof payload.iss !== "string" || typeof payload.sub !== "string" || typeof payload.client_id !== "string") return null;
    if (typeof payload.exp !== "number") return null;
    const aud = typeof payload.aud === "string" ? [payload.aud] : (payload.aud ?? []);
    if (typeof payload.jti !== "string") return null;
    const gid = payload[GRANT_CLAIM];
    const sid = payload[LOGIN_SESSION_CLAIM];
    const scope = typeof payload.scope === "string" ? payload.scope : "";
    const grantId = typeof gid === "string" && gid ? gid : null;
    return {
      value: {
        iss: payload.iss,
        aud,
        sub: payload.sub,
        clientId: payload.client_id,
        scopes: scope.split(" ").filter(Boolean),
        grantId,
        loginSessionId: typeof sid === "string" && UUID_RE.test(sid) ? sid : null,
        // Only a user's token for our API names its grant (provider.ts): the others are client credentials.
        model: grantId ? "AccessToken" : "ClientCredentials",
        jti: payload.jti,
      },
      exp: payload.exp,
    };
  } catch {
    return null;
  }
}

interface LinkedSession {
  state: string;
  deletedAt: Date | null;
  expiresAt: Date;
  lastSeenAt: Date;
  idleSeconds: number;
}

interface Row extends Partial<OwnerRow> {
  hostTenant: ResolvedTenant;
  clientRowId: string | null;
  clientEnabled: boolean | null;
  clientName: string | null;
  clientScopes: string[] | null;
  userId: string | null;
  userStatus: string | null;
  userDeletedAt: Date | null;
  isOperator: boolean | null;
  userName: string | null;
  nickname: string | null;
  phone: string | null;
  email: string | null;
  locale: string | null;
  avatar: string | null;
  mustChangePassword: boolean | null;
  roles: RoleJson[] | null;
  /** The grant row exists, is unexpired and names this user and client. */
  grantFound: boolean | null;
  /** The login session the grant row descends from (null: none named, or it is gone: see grantSessionGone). */
  grantSession: LinkedSession | null;
  grantSessionGone: boolean | null;
  /** The token's own row exists and is unexpired (not revoked). */
  tokenFound: boolean;
  /** The login session the token itself names. */
  tokenSession: (LinkedSession & { userId: string; tenantId: string; actingRole: string | null }) | null;
}

/** A login session row (aliased `alias`) as JSON, with `extra` columns. */
const sessionJson = (alias: string, extra = "") =>
  Prisma.raw(`json_build_object('state', ${alias}."state", 'deletedAt', ${alias}."deletedAt", 'expiresAt', ${alias}."expiresAt",
                'lastSeenAt', ${alias}."lastSeenAt", 'idleSeconds', ${alias}."idleSeconds"${extra})`);

/** A login session (from its JSON) can no longer be used. */
const ended = (s: LinkedSession) =>
  s.state !== "active" ||
  !!sessionEndReason(
    {
      state: s.state,
      deletedAt: s.deletedAt ? new Date(s.deletedAt) : null,
      expiresAt: new Date(s.expiresAt),
      lastSeenAt: new Date(s.lastSeenAt),
      idleSeconds: s.idleSeconds,
    },
    Date.now(),
  );

/**
 * The tenant bound to `host` and the actor behind an OpenID Provider access token on it, in one
 * statement (see the file's comment); `origin` is the request's own (scheme and host). The token
 * must name `audience`: our API by default, or one of the tenant's API resources (the gateway,
 * src/server/gateway, which then reads the verified `claims` for their scopes and client). An
 * actor is null when the token is refused; `claims` are then null too.
 */
export async function loadTenantAndOidcActor(
  db: Db,
  host: string,
  origin: string,
  token: string,
  audience?: string,
): Promise<{ tenant: ResolvedTenant | null; actor: Actor | null; claims: OidcAccessToken | null; clientScopes: string[] | null }> {
  const claims = await verifyOidcAccessToken(db, token);
  const own = origin.toLowerCase();
  if (!claims || claims.iss !== own || !claims.aud.includes(audience ?? ownApiResource(own)))
    return { tenant: await resolveTenant(db, host), actor: null, claims: null, clientScopes: null };
  const found = await liveTokenActor(db, host, claims);
  return { ...found, claims: found.actor ? claims : null, clientScopes: found.actor ? (found.clientScopes ?? []) : null };
}

/**
 * The tenant bound to `host` and the actor behind a token of its provider whose signature, issuer
 * and audience the caller has checked (or that the provider itself found: introspection), in the
 * one statement of the file's comment; the actor is null when anything the token depends on is
 * gone or disabled.
 */
export async function liveTokenActor(
  db: Db,
  host: string,
  claims: LiveTokenRef,
): Promise<{ tenant: ResolvedTenant | null; actor: Actor | null; clientScopes?: string[] | null }> {
  const name = normalizeHost(host);
  const userToken = !!claims.grantId;
  if (!name || claims.clientId.length > 64 || (userToken ? !UUID_RE.test(claims.sub) : claims.sub !== claims.clientId))
    return { tenant: await resolveTenant(db, host), actor: null };
  const userId = userToken ? claims.sub : null;
  const [row] = await readRows<Row[]>(
    db,
    Prisma.sql`
    SELECT json_build_object('id', t."id", 'name', t."name", 'status', t."status", 'isDefault', t."isDefault") AS "hostTenant", cl.*, us.*,
           g."grantFound", g."grantSession", g."grantSessionGone",
           EXISTS (SELECT 1 FROM "OidcPayload" a WHERE a."model" = ${claims.model} AND a."id" = ${claims.jti} AND a."tenantId" = t."id"
                      AND (a."expiresAt" IS NULL OR a."expiresAt" > now())) AS "tokenFound",
           (SELECT ${sessionJson("s", `, 'userId', s."userId", 'tenantId', s."tenantId", 'actingRole', s."actingRole"`)}
              FROM "LoginSession" s WHERE s."id" = ${claims.loginSessionId}::uuid) AS "tokenSession"
      FROM "TenantHost" h JOIN "Tenant" t ON t."id" = h."tenantId"
      LEFT JOIN LATERAL (
        SELECT c."id"::text AS "clientRowId", c."enabled" AS "clientEnabled", c."name" AS "clientName", c."scopes" AS "clientScopes", ${ownerColumns}
          FROM "OAuthClient" c LEFT JOIN "User" o ON o."id" = c."ownerId"
         WHERE c."clientId" = ${claims.clientId} AND c."tenantId" = t."id") cl ON true
      LEFT JOIN LATERAL (
        SELECT u."id"::text AS "userId", u."status"::text AS "userStatus", u."deletedAt" AS "userDeletedAt", u."isOperator", u."userName", u."nickname",
               u."phone", u."email", u."locale", u."avatar", u."mustChangePassword", ${userRolesJson(Prisma.raw('u."id"'))} AS "roles"
          FROM "User" u WHERE u."id" = ${userId}::uuid AND u."tenantId" = t."id") us ON true
      LEFT JOIN LATERAL (
        SELECT true AS "grantFound", (p."loginSessionId" IS NOT NULL AND gs."id" IS NULL) AS "grantSessionGone",
               CASE WHEN gs."id" IS NULL THEN NULL ELSE ${sessionJson("gs")} END AS "grantSession"
          FROM "OidcPayload" p LEFT JOIN "LoginSession" gs ON gs."id" = p."loginSessionId"
         WHERE p."model" = 'Grant' AND p."id" = ${claims.grantId} AND p."tenantId" = t."id"
           AND (p."expiresAt" IS NULL OR p."expiresAt" > now())
           AND p."payload"->>'accountId' = ${claims.sub} AND p."payload"->>'clientId' = ${claims.clientId}) g ON true
     WHERE h."host" = ${name}
     LIMIT 1`,
    // Planned once per connection: planning this statement costs more than running it.
    "uc_oidc_actor",
  );
  if (!row) return { tenant: null, actor: null };
  const tenant = row.hostTenant;
  // The client's scopes now: the gateway cuts a token's scopes to them, so a scope taken from the client stops at once.
  return { tenant, actor: tenant.status === "enabled" ? actorOf(claims, row, tenant.id) : null, clientScopes: row.clientScopes };
}

function actorOf(claims: LiveTokenRef, r: Row, tenantId: string): Actor | null {
  if (!r.tokenFound || !r.clientRowId || !r.clientEnabled) return null;
  const owner = ownerGrants(r as OwnerRow, tenantId);
  if (!owner) return null;
  const clientScopes = r.clientScopes ?? [];
  if (!claims.grantId) {
    // Client credentials: the program itself, as a /api/oauth/token token (services/client.ts).
    return {
      userId: r.clientRowId,
      tenantId,
      sessionId: "",
      isOperator: false,
      userName: null,
      nickname: r.clientName,
      displayName: r.clientName ?? claims.clientId,
      locale: null,
      roles: [],
      permissions: intersectGrants(claims.scopes, owner.permissions ? intersectGrants(clientScopes, owner.permissions) : clientScopes),
      client: { id: r.clientRowId, clientId: claims.clientId, ownerId: r.ownerId ?? null, ownerManagesAll: owner.managesAll },
    };
  }
  // A user's token: the grant, the login sessions behind it and the user must all be alive.
  if (!r.grantFound || r.grantSessionGone || (r.grantSession && ended(r.grantSession))) return null;
  const s = r.tokenSession;
  if (claims.loginSessionId && (!s || ended(s) || s.userId !== claims.sub || s.tenantId !== tenantId)) return null;
  if (!r.userId || r.userStatus !== "active" || r.userDeletedAt) return null;
  const held = (r.roles ?? []).filter((x) => !s?.actingRole || x.name === s.actingRole);
  const userPermissions = r.isOperator ? [...OPERATOR_PERMISSIONS] : [...new Set(held.flatMap((x) => x.permissions))];
  return {
    userId: r.userId,
    tenantId,
    sessionId: claims.loginSessionId ?? "",
    // Never an operator's reach across tenants through an app: the token's tenant and scopes only.
    isOperator: false,
    userName: r.userName,
    nickname: r.nickname,
    displayName: r.nickname ?? r.userName ?? r.phone ?? r.email ?? "",
    avatar: r.avatar,
    locale: r.locale,
    roles: held.map((x) => x.name),
    permissions: intersectGrants(intersectGrants(userPermissions, claims.scopes), clientScopes),
    mustChangePassword: !!r.mustChangePassword,
    app: { id: r.clientRowId, clientId: claims.clientId },
  };
}

// --- The provider's side: what a token for our API may carry ---------------------------------

interface ScopeRow extends OwnerRow {
  scopes: string[];
  userFound: boolean;
  isOperator: boolean | null;
  roles: RoleJson[];
}

/**
 * The `uc.*` grants a token for our API may carry, each wildcard with the codes it covers (so a
 * client may ask for either): those the client (row id) is allowed now, cut to what the user
 * `accountId` holds in the tenant (none when the user is unknown here or disabled), or, with no
 * user (`accountId` undefined), to what the client's owner holds. Null when the client is unknown
 * here or allowed no `uc.*` scope at all.
 */
export async function ownApiScopes(db: Db, tenantId: string, clientRowId: string | undefined, accountId: string | undefined): Promise<string[] | null> {
  if (!clientRowId || !UUID_RE.test(clientRowId)) return null;
  const userId = accountId && UUID_RE.test(accountId) ? accountId : null;
  const [r] = await readRows<ScopeRow[]>(
    db,
    Prisma.sql`
    SELECT c."scopes", ${ownerColumns},
           (u."id" IS NOT NULL) AS "userFound", u."isOperator", ${userRolesJson(Prisma.raw('u."id"'))} AS "roles"
      FROM "OAuthClient" c LEFT JOIN "User" o ON o."id" = c."ownerId"
      LEFT JOIN "User" u ON u."id" = ${userId}::uuid AND u."tenantId" = c."tenantId" AND u."status" = 'active' AND u."deletedAt" IS NULL
     WHERE c."id" = ${clientRowId}::uuid AND c."tenantId" = ${tenantId}::uuid`,
  );
  if (!r) return null;
  const allowed = r.scopes.filter((s) => s.startsWith(`${PERMISSION_PREFIX}.`) && isGrantable(s));
  if (!allowed.length) return null;
  let grants: string[];
  if (accountId === undefined) {
    const owner = ownerGrants(r, tenantId);
    if (!owner) return [];
    grants = owner.permissions ? intersectGrants(allowed, owner.permissions) : allowed;
  } else {
    if (!r.userFound) return [];
    grants = intersectGrants(allowed, r.isOperator ? [...OPERATOR_PERMISSIONS] : r.roles.flatMap((x) => x.permissions));
  }
  return [...new Set(grants.flatMap((g) => [g, ...expandCode(g)]))];
}

/** The fewest grants saying the same as `codes`: those no wildcard among them covers. */
export const compactGrants = (codes: string[]) =>
  codes.filter((c) => !codes.some((w) => w !== c && w.endsWith(".all") && hasPermission([w], c as PermissionCode)));

/**
 * The RFC 6750 §3 challenge for a refused API call, or null: 401 answers `Bearer` (with
 * `error="invalid_token"` when a bearer token was sent: forged, expired, another audience or
 * issuer, or revoked), and a token lacking the operation's scope (17005) `insufficient_scope`.
 */
export function bearerChallenge(authorization: string | null, status: number, appCode: number | undefined): string | null {
  const bearer = /^Bearer\s/i.test(authorization ?? "");
  if (status === 401)
    return bearer
      ? 'Bearer realm="user-center", error="invalid_token", error_description="The access token is missing, expired, revoked or not for this API"'
      : 'Bearer realm="user-center"';
  if (status === 403 && appCode === 17005 && bearer)
    return 'Bearer realm="user-center", error="insufficient_scope", error_description="The access token\'s scopes do not include this operation"';
  return null;
}
