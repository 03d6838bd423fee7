/**
 * OAuth clients: CRUD with tenant isolation and developer ownership, secrets (SHA-256 only,
 * shown once), the client-credentials exchange behind POST /api/oauth/token, and the actor a
 * client token stands for on tRPC and /api/v1.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import { decodeJwt, decodeProtectedHeader } from "jose";
import type { Db, DbClient } from "~/server/db";
import { Prisma } from "~/generated/prisma/client";
import type { Actor } from "~/server/services/session";
import { AppError } from "~/server/errors";
import { hasControlChars, hasLoneSurrogate, msg } from "~/lib/validators/common";
import { auditActor, writeAudit } from "~/server/services/audit";
import { managesAll, ownerOf } from "~/server/services/ownership";
import { tenantWhere, type Scope } from "~/server/services/scope";
import { signClientToken, verifyClientToken, type VerifiedClientToken } from "~/server/services/tokens";
import { hasPermission, isGrantable, OPERATOR_PERMISSIONS, PERMISSION_PREFIX, type PermissionCode } from "~/lib/permissions";
import { intersectGrants } from "~/lib/permission-scope";
import { UUID_RE, type RoleJson } from "~/server/db/sql";
import { normalizeHost, resolveTenant, type ResolvedTenant } from "~/server/services/host";
import { settleClient } from "~/lib/validators/client";
import type {
  ClientDetail,
  ClientSummary,
  SecretItem,
  clientCreateInput,
  clientListInput,
  clientUpdateInput,
  issueTokenInput,
  secretCreateInput,
} from "~/lib/validators/client";

const secretSelect = { id: true, hint: true, description: true, expiresAt: true, lastUsedAt: true, createdAt: true } satisfies Prisma.ClientSecretSelect;
const detailSelect = {
  id: true,
  tenantId: true,
  clientId: true,
  name: true,
  description: true,
  grantTypes: true,
  scopes: true,
  redirectUris: true,
  postLogoutRedirectUris: true,
  consentRequired: true,
  corsOrigins: true,
  tokenLifetime: true,
  clientType: true,
  tokenEndpointAuthMethod: true,
  jwksUri: true,
  idTokenLifetime: true,
  refreshTokenAbsoluteLifetime: true,
  refreshTokenIdleLifetime: true,
  backchannelLogoutUri: true,
  logoUri: true,
  enabled: true,
  ownerId: true,
  createdAt: true,
  updatedAt: true,
  secrets: { select: secretSelect, orderBy: { createdAt: "desc" } },
} satisfies Prisma.OAuthClientSelect;
type DetailRow = Prisma.OAuthClientGetPayload<{ select: typeof detailSelect }>;

const toSecret = (s: DetailRow["secrets"][number]): SecretItem => ({ ...s, expired: !!s.expiresAt && s.expiresAt.getTime() <= Date.now() });
const toDetail = (r: DetailRow): ClientDetail => ({ ...r, secrets: r.secrets.map(toSecret), secretCount: r.secrets.length });

/**
 * Rows the caller may see: operators anywhere (optionally one tenant), others their tenant (and
 * developers their own, but not those a product subscription issued them: those live and die with
 * the subscription, so a developer cannot enable one still waiting for approval).
 */
function clientWhere(scope: Scope, tenantId?: string): Prisma.OAuthClientWhereInput {
  const tenant = tenantWhere(scope, tenantId);
  return managesAll(scope.actor) ? tenant : { ...tenant, ownerId: ownerOf(scope.actor) ?? "00000000-0000-0000-0000-000000000000", subscription: { is: null } };
}

async function findClient(db: DbClient, scope: Scope, id: string): Promise<DetailRow> {
  const row = await db.oAuthClient.findFirst({ where: { AND: [{ id }, clientWhere(scope)] }, select: detailSelect });
  if (!row) throw new AppError(17001);
  return row;
}

/**
 * A client's scopes: permission codes (`uc.*`) must be registry codes or wildcards, and a
 * non-administrator may only hand a client what they hold themselves (so a developer cannot
 * mint a token stronger than their session); every other scope must exist in the client's
 * tenant: `offline_access`, one of its identity resources or one of its API scopes.
 */
async function assertScopes(db: DbClient, scope: Scope, tenantId: string, scopes: string[]) {
  const permissions: Record<string, string[]> = {};
  const unknown: Record<string, string[]> = {};
  const named = scopes.filter((s) => !isPermissionScope(s) && s !== OFFLINE_ACCESS);
  const [identity, api] = named.length
    ? await Promise.all([
        db.identityResource.findMany({ where: { tenantId, name: { in: named } }, select: { name: true } }),
        db.apiScope.findMany({ where: { tenantId, name: { in: named } }, select: { name: true } }),
      ])
    : [[], []];
  const known = new Set([...identity, ...api].map((r) => r.name));
  scopes.forEach((s, i) => {
    if (isPermissionScope(s)) {
      const ok = isGrantable(s) && (managesAll(scope.actor) || hasPermission(scope.actor.permissions, s as PermissionCode));
      if (!ok) permissions[`scopes.${i}`] = [msg("unknownScope")];
    } else if (s !== OFFLINE_ACCESS && !known.has(s)) unknown[`scopes.${i}`] = [msg("scopeNotInTenant")];
  });
  if (Object.keys(permissions).length) throw new AppError(17007, { ...permissions, ...unknown });
  if (Object.keys(unknown).length) throw new AppError(17011, unknown);
}

const OFFLINE_ACCESS = "offline_access";
/** Our permission codes and wildcards are scopes of their own namespace. */
const isPermissionScope = (s: string) => s.startsWith(`${PERMISSION_PREFIX}.`);

/** The columns a client's settings write (type settled, fields that do not apply cleared). */
function settingsData(input: z.output<typeof clientUpdateInput> | z.output<typeof clientCreateInput>) {
  const c = settleClient(input);
  return {
    name: c.name,
    description: c.description || null,
    clientType: c.clientType,
    grantTypes: c.grantTypes,
    scopes: c.scopes,
    redirectUris: c.redirectUris,
    postLogoutRedirectUris: c.postLogoutRedirectUris,
    consentRequired: c.consentRequired,
    corsOrigins: c.corsOrigins,
    tokenLifetime: c.tokenLifetime,
    tokenEndpointAuthMethod: c.tokenEndpointAuthMethod,
    jwksUri: c.jwksUri ?? null,
    idTokenLifetime: c.idTokenLifetime,
    refreshTokenAbsoluteLifetime: c.refreshTokenAbsoluteLifetime,
    refreshTokenIdleLifetime: c.refreshTokenIdleLifetime,
    backchannelLogoutUri: c.backchannelLogoutUri ?? null,
    logoUri: c.logoUri ?? null,
    enabled: c.enabled,
  } satisfies Prisma.OAuthClientUpdateInput;
}

export async function listClients(scope: Scope, input: z.output<typeof clientListInput>) {
  const { db } = scope;
  const where: Prisma.OAuthClientWhereInput = {
    AND: [
      clientWhere(scope, input.tenantId),
      input.name ? { OR: [{ name: { contains: input.name, mode: "insensitive" } }, { clientId: input.name }] } : {},
      input.enabled === undefined ? {} : { enabled: input.enabled },
      input.startTime || input.endTime ? { createdAt: { gte: input.startTime, lte: input.endTime } } : {},
    ],
  };
  const dir = input.asc ? "asc" : "desc";
  const [total, rows] = await db.$transaction([
    db.oAuthClient.count({ where }),
    db.oAuthClient.findMany({
      where,
      orderBy: [{ [input.orderby]: dir }, { id: dir }],
      skip: input.skip,
      take: input.take,
      select: {
        id: true,
        tenantId: true,
        clientId: true,
        name: true,
        description: true,
        clientType: true,
        grantTypes: true,
        scopes: true,
        tokenLifetime: true,
        enabled: true,
        ownerId: true,
        createdAt: true,
        updatedAt: true,
        _count: { select: { secrets: true } },
      },
    }),
  ]);
  const items: ClientSummary[] = rows.map(({ _count, ...r }) => ({ ...r, secretCount: _count.secrets }));
  return { total, items };
}

/** The tenant's identity resources and API scopes, for the scope picker (operators: any tenant). */
export async function listScopeChoices(scope: Scope, tenantId?: string) {
  const tenant = scope.actor.isOperator && tenantId ? tenantId : scope.actor.tenantId;
  const select = { name: true, displayName: true } as const;
  const [identity, api] = await Promise.all([
    scope.db.identityResource.findMany({ where: { tenantId: tenant }, select, orderBy: { createdAt: "asc" }, take: 500 }),
    scope.db.apiScope.findMany({ where: { tenantId: tenant }, select, orderBy: { name: "asc" }, take: 1000 }),
  ]);
  return { identity, api };
}

export const getClient = async (scope: Scope, id: string) => toDetail(await findClient(scope.db, scope, id));

export const newClientId = () => randomBytes(12).toString("hex");

export async function createClient(scope: Scope, input: z.output<typeof clientCreateInput>): Promise<ClientDetail> {
  const { db } = scope;
  const tenantId = scope.actor.isOperator && input.tenantId ? input.tenantId : scope.actor.tenantId;
  if (tenantId !== scope.actor.tenantId && !(await db.tenant.count({ where: { id: tenantId } }))) throw new AppError(10004);
  await assertScopes(db, scope, tenantId, input.scopes);
  return db.$transaction(async (tx) => {
    const created = await tx.oAuthClient.create({
      data: { ...settingsData(input), tenantId, clientId: newClientId(), ownerId: ownerOf(scope.actor) },
      select: detailSelect,
    });
    const detail = toDetail(created);
    await writeAudit(tx, auditActor(scope, tenantId), "client.create", created.id, undefined, detail);
    return detail;
  });
}

export async function updateClient(scope: Scope, input: z.output<typeof clientUpdateInput>): Promise<ClientDetail> {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const before = toDetail(await findClient(tx, scope, input.id));
    // Scopes already on the client may stay; only newly added ones must be grantable by the editor.
    await assertScopes(
      tx,
      scope,
      before.tenantId,
      input.scopes.filter((s) => !before.scopes.includes(s)),
    );
    const updated = await tx.oAuthClient.update({
      where: { id: input.id },
      data: settingsData(input),
      select: detailSelect,
    });
    const after = toDetail(updated);
    await writeAudit(tx, auditActor(scope, before.tenantId), "client.update", input.id, before, after);
    return after;
  });
}

export async function deleteClient(scope: Scope, id: string) {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const before = toDetail(await findClient(tx, scope, id));
    await tx.oAuthClient.delete({ where: { id } });
    await writeAudit(tx, auditActor(scope, before.tenantId), "client.delete", id, before);
    return { id };
  });
}

// --- Secrets -------------------------------------------------------------------------------

const sha256Hex = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** 256 random bits, URL-safe, with a recognizable prefix (so scanners can spot leaked ones). */
export function newSecret() {
  const secret = `ucs_${randomBytes(32).toString("base64url")}`;
  return { secret, hash: sha256Hex(secret), hint: `${secret.slice(0, 8)}…` };
}

/**
 * Rotation: every secret of the client (row id) is revoked and one new one issued, in the caller's
 * transaction; the secret is in the answer only (it is stored as its hash).
 */
export async function replaceSecrets(tx: DbClient, clientRowId: string) {
  const { secret, hash, hint } = newSecret();
  await tx.clientSecret.deleteMany({ where: { clientId: clientRowId } });
  const row = await tx.clientSecret.create({ data: { clientId: clientRowId, hash, hint }, select: secretSelect });
  return { ...toSecret(row), secret };
}

export async function createSecret(scope: Scope, input: z.output<typeof secretCreateInput>) {
  const { db } = scope;
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw new AppError(10003, { expiresAt: [msg("mustBeFuture")] });
  return db.$transaction(async (tx) => {
    const client = await findClient(tx, scope, input.id);
    const { secret, hash, hint } = newSecret();
    const row = await tx.clientSecret.create({
      data: { clientId: client.id, hash, hint, description: input.description || null, expiresAt: input.expiresAt ?? null },
      select: secretSelect,
    });
    const item = toSecret(row);
    await writeAudit(tx, auditActor(scope, client.tenantId), "client.secret.create", client.id, undefined, item);
    return { ...item, secret };
  });
}

export async function deleteSecret(scope: Scope, clientRowId: string, secretId: string) {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const client = await findClient(tx, scope, clientRowId);
    const row = await tx.clientSecret.findFirst({ where: { id: secretId, clientId: client.id }, select: secretSelect });
    if (!row) throw new AppError(17008);
    await tx.clientSecret.delete({ where: { id: secretId } });
    await writeAudit(tx, auditActor(scope, client.tenantId), "client.secret.delete", client.id, toSecret(row));
    return { id: secretId };
  });
}

// --- The owner's rights ----------------------------------------------------------------------

/**
 * Columns describing the owner of the client aliased `c` (joined as `o`): whether the row
 * exists, is active and not deleted, and the roles it holds in the client's tenant. Read in the
 * same statement as the client, so checking the owner costs no round trip.
 */
export const ownerColumns = Prisma.sql`
           c."ownerId"::text AS "ownerId", (o."id" IS NOT NULL) AS "ownerFound",
           (o."status" = 'active' AND o."deletedAt" IS NULL) AS "ownerActive",
           o."isOperator" AS "ownerIsOperator", o."tenantId"::text AS "ownerTenantId",
           COALESCE((SELECT json_agg(json_build_object('name', r."name", 'permissions', r."permissions"))
                       FROM "UserRole" ur JOIN "Role" r ON r."id" = ur."roleId" WHERE ur."userId" = o."id" AND r."tenantId" = c."tenantId"), '[]'::json) AS "ownerRoles"`;

export interface OwnerRow {
  ownerId: string | null;
  ownerFound: boolean;
  ownerActive: boolean | null;
  ownerIsOperator: boolean | null;
  ownerTenantId: string | null;
  ownerRoles: RoleJson[];
}

/**
 * What the owner lets its client do now: `null` for an unowned client (no limit beyond its own
 * scopes), `false` when the owner is gone, disabled or deleted (the client is dead), else the
 * owner's effective permissions in the client's tenant (an operator's `uc.all` included).
 */
export function ownerGrants(r: OwnerRow, tenantId: string): { permissions: string[] | null; managesAll: boolean } | false {
  if (!r.ownerId) return { permissions: null, managesAll: false };
  if (!r.ownerFound || !r.ownerActive) return false;
  if (r.ownerIsOperator) return { permissions: [...OPERATOR_PERMISSIONS], managesAll: true };
  if (r.ownerTenantId !== tenantId) return { permissions: [], managesAll: false };
  return { permissions: [...new Set(r.ownerRoles.flatMap((x) => x.permissions))], managesAll: r.ownerRoles.some((x) => x.name === "administrator") };
}

/** The client's scopes cut to what its owner holds now (unchanged for an unowned client). */
const allowedScopes = (scopes: string[], owner: { permissions: string[] | null }) => (owner.permissions ? intersectGrants(scopes, owner.permissions) : scopes);

// --- Tokens --------------------------------------------------------------------------------

/** Requested scopes (space-separated) within what the client may have; null when one is beyond. */
export function grantScopes(allowed: string[], requested: string | undefined): string[] | null {
  if (requested === undefined) return allowed;
  const asked = [...new Set(requested.split(" ").filter(Boolean))];
  for (const s of asked) if (!isGrantable(s) || !hasPermission(allowed, s as PermissionCode)) return null;
  return asked;
}

/** Constant-time match of a presented secret against a client's live secrets. */
export function matchSecret(secrets: { id: string; hash: string; expiresAt: Date | null }[], presented: string) {
  const digest = createHash("sha256").update(presented, "utf8").digest();
  const now = Date.now();
  let found: string | null = null;
  for (const s of secrets) {
    const stored = Buffer.from(s.hash, "hex");
    // Compare against every secret (no early exit), and count expired ones as misses.
    if (stored.length === digest.length && timingSafeEqual(stored, digest) && !(s.expiresAt && s.expiresAt.getTime() <= now)) found = s.id;
  }
  return found;
}

export type TokenOutcome =
  | { ok: true; access_token: string; token_type: "Bearer"; expires_in: number; scope: string }
  | { ok: false; error: "invalid_client" | "invalid_request" | "unsupported_grant_type" | "unauthorized_client" | "invalid_scope"; description: string };

const LAST_USED_EVERY_MS = 60_000;

/**
 * RFC 6749 §4.4 after the protocol parsing: one read of the client and its secrets, secrets
 * compared in constant time, scopes narrowed, a token signed with the cached key.
 */
interface ExchangeRow extends OwnerRow {
  id: string;
  tenantId: string;
  clientId: string;
  enabled: boolean;
  grantTypes: string[];
  scopes: string[];
  tokenLifetime: number;
  tenantStatus: string;
  hostMatches: boolean;
  secrets: { id: string; hash: string; expiresAt: string | null; lastUsedAt: string | null }[];
}

/**
 * The client, its secrets, its tenant's status, whether the called host is one of that
 * tenant's hosts, and its owner's state and roles: one round trip, because this endpoint is the
 * hot path of every program.
 */
async function readForExchange(db: Db, clientId: string, host: string) {
  const rows = await db.$queryRaw<ExchangeRow[]>`
    SELECT c."id", c."tenantId", c."clientId", c."enabled", c."grantTypes", c."scopes", c."tokenLifetime",
           t."status"::text AS "tenantStatus",
           EXISTS (SELECT 1 FROM "TenantHost" h WHERE h."tenantId" = c."tenantId" AND h."host" = ${host}) AS "hostMatches", ${ownerColumns},
           COALESCE(json_agg(json_build_object('id', s."id", 'hash', s."hash", 'expiresAt', s."expiresAt", 'lastUsedAt', s."lastUsedAt"))
                    FILTER (WHERE s."id" IS NOT NULL), '[]'::json) AS "secrets"
      FROM "OAuthClient" c
      JOIN "Tenant" t ON t."id" = c."tenantId"
      LEFT JOIN "User" o ON o."id" = c."ownerId"
      LEFT JOIN "ClientSecret" s ON s."clientId" = c."id"
     WHERE c."clientId" = ${clientId}
     GROUP BY c."id", t."status", o."id"`;
  const r = rows[0];
  if (!r) return null;
  return {
    ...r,
    secrets: r.secrets.map((x) => ({
      id: x.id,
      hash: x.hash,
      expiresAt: x.expiresAt ? new Date(x.expiresAt) : null,
      lastUsedAt: x.lastUsedAt ? new Date(x.lastUsedAt) : null,
    })),
  };
}

/**
 * RFC 6749 §4.4 after the protocol parsing: one read of the client, its secrets and its tenant,
 * secrets compared in constant time, scopes narrowed, a token signed with the cached key.
 * The client must belong to the tenant whose host was called, and both must be enabled.
 * An owned client lives on its owner's rights: when the owner is disabled, deleted or gone, the
 * client fails authentication (invalid_client, as a disabled client does: RFC 6749 §5.2 keeps
 * unauthorized_client for a grant type the client may not use, and the remedy is the same as for
 * a disabled client); and it is granted at most what its owner holds now.
 */
export async function exchangeClientCredentials(
  db: Db,
  host: string,
  creds: { clientId: string; secret: string },
  requestedScope: string | undefined,
): Promise<TokenOutcome> {
  const bad = { ok: false as const, error: "invalid_client" as const, description: "Client authentication failed" };
  if (creds.clientId.length > 64 || creds.secret.length > 256) return bad;
  // Text PostgreSQL would refuse (a NUL) or no client id holds: unknown client, no lookup.
  if ([creds.clientId, creds.secret].some((s) => hasControlChars(s) || hasLoneSurrogate(s))) return bad;
  const client = await readForExchange(db, creds.clientId, normalizeHost(host));
  const secretId = client ? matchSecret(client.secrets, creds.secret) : null;
  // The client must belong to the tenant whose host was called, be enabled and present a live secret.
  const owner = client ? ownerGrants(client, client.tenantId) : false;
  if (!client || !secretId || !client.hostMatches || client.tenantStatus !== "enabled" || !client.enabled || !owner) return bad;
  if (!client.grantTypes.includes("client_credentials"))
    return { ok: false, error: "unauthorized_client", description: "The client may not use the client_credentials grant" };
  const allowed = allowedScopes(client.scopes, owner);
  // Nothing to grant (an owner of another tenant or without rights, or no scopes left): no token,
  // not an empty one. Asked for a scope, that scope is beyond the client; asked for none, the client cannot act.
  if (!allowed.length)
    return requestedScope === undefined
      ? { ...bad, description: "The client has no scope it may be granted" }
      : { ok: false, error: "invalid_scope", description: "The requested scope is beyond what the client is allowed" };
  const scopes = grantScopes(allowed, requestedScope);
  if (!scopes?.length) return { ok: false, error: "invalid_scope", description: "The requested scope is beyond what the client is allowed" };
  const signed = await signClientToken(db, {
    id: client.id,
    clientId: client.clientId,
    tenantId: client.tenantId,
    scopes,
    lifetimeSeconds: client.tokenLifetime,
  });
  const used = client.secrets.find((s) => s.id === secretId);
  if (!used?.lastUsedAt || Date.now() - used.lastUsedAt.getTime() > LAST_USED_EVERY_MS) {
    // Best effort and off the response path: a bookkeeping write must not slow or fail the exchange.
    void db.clientSecret.update({ where: { id: secretId }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  }
  return { ok: true, access_token: signed.token, token_type: "Bearer", expires_in: signed.expiresIn, scope: scopes.join(" ") };
}

/** The console's "issue token": a test token for the client, without its secret, within what its owner holds now. */
export async function issueTestToken(scope: Scope, input: z.output<typeof issueTokenInput>) {
  const { db } = scope;
  const client = await findClient(db, scope, input.id);
  if (!client.enabled) throw new AppError(17002);
  if (!client.grantTypes.includes("client_credentials")) throw new AppError(17003);
  const [ownerRow] = await db.$queryRaw<OwnerRow[]>`
    SELECT ${ownerColumns} FROM "OAuthClient" c LEFT JOIN "User" o ON o."id" = c."ownerId" WHERE c."id" = ${client.id}::uuid`;
  const owner = ownerRow ? ownerGrants(ownerRow, client.tenantId) : false;
  if (!owner) throw new AppError(17009);
  const scopes = grantScopes(allowedScopes(client.scopes, owner), input.scope || undefined);
  // No empty token from the console either: nothing left to grant is the same refusal as a scope beyond.
  if (!scopes?.length) throw new AppError(17004);
  const signed = await signClientToken(db, {
    id: client.id,
    clientId: client.clientId,
    tenantId: client.tenantId,
    scopes,
    lifetimeSeconds: client.tokenLifetime,
  });
  await writeAudit(db, auditActor(scope, client.tenantId), "client.issuetoken", client.id, undefined, { jti: signed.jti, scope: scopes.join(" ") });
  return {
    access_token: signed.token,
    token_type: "Bearer" as const,
    expires_in: signed.expiresIn,
    scope: scopes.join(" "),
    claims: decodeJwt(signed.token) as Record<string, unknown>,
    header: decodeProtectedHeader(signed.token) as Record<string, unknown>,
  };
}

interface ClientActorRow extends OwnerRow {
  clientRowId: string;
  clientId: string;
  clientTenantId: string;
  clientName: string;
  enabled: boolean;
  scopes: string[];
}

/** The client a token names and its owner's state (`id` a uuid), as columns to join. */
const clientActorSelect = (id: string) => Prisma.sql`
    SELECT c."id"::text AS "clientRowId", c."clientId", c."tenantId"::text AS "clientTenantId", c."name" AS "clientName", c."enabled", c."scopes", ${ownerColumns}
      FROM "OAuthClient" c LEFT JOIN "User" o ON o."id" = c."ownerId"
     WHERE c."id" = ${id}::uuid`;

/**
 * The actor a verified client token stands for on this tenant, or null. Its rights are
 * recomputed on every request: the token's scopes ∩ the client's current scopes ∩ (for an owned
 * client) its owner's current permissions; a disabled client, or an owner disabled, deleted or
 * gone, stops the token at once.
 */
function clientActorOf(claims: VerifiedClientToken, c: ClientActorRow | undefined, tenantId: string): Actor | null {
  if (!c || !c.enabled || c.clientTenantId !== tenantId || claims.tenantId !== tenantId || c.clientId !== claims.clientId) return null;
  const owner = ownerGrants(c, tenantId);
  if (!owner) return null;
  return {
    userId: c.clientRowId,
    tenantId: c.clientTenantId,
    sessionId: "",
    isOperator: false,
    userName: null,
    nickname: c.clientName,
    displayName: c.clientName,
    locale: null,
    roles: [],
    permissions: intersectGrants(claims.scopes, allowedScopes(c.scopes, owner)),
    client: { id: c.clientRowId, clientId: c.clientId, ownerId: c.ownerId, ownerManagesAll: owner.managesAll },
  };
}

/** The actor behind a client token on this tenant's host, or null (see clientActorOf). */
export async function loadClientActor(db: Db, token: string, tenantId: string): Promise<Actor | null> {
  const claims = await verifyClientToken(db, token);
  if (!claims || claims.tenantId !== tenantId || !UUID_RE.test(claims.id)) return null;
  const [row] = await db.$queryRaw<ClientActorRow[]>`${clientActorSelect(claims.id)}`;
  return clientActorOf(claims, row, tenantId);
}

/**
 * The tenant bound to `host` and the actor behind a client token on it, in one statement (the
 * token's signature is checked first, with the cached public key): the hot path of every
 * program's API call.
 */
export async function loadTenantAndClientActor(db: Db, host: string, token: string): Promise<{ tenant: ResolvedTenant | null; actor: Actor | null }> {
  const claims = await verifyClientToken(db, token);
  const name = normalizeHost(host);
  if (!claims || !name || !UUID_RE.test(claims.id)) return { tenant: await resolveTenant(db, host), actor: null };
  const [row] = await db.$queryRaw<(Partial<ClientActorRow> & { hostTenant: ResolvedTenant })[]>`
    SELECT json_build_object('id', t."id", 'name', t."name", 'status', t."status", 'isDefault', t."isDefault") AS "hostTenant", a.*
      FROM "TenantHost" h JOIN "Tenant" t ON t."id" = h."tenantId"
      LEFT JOIN (${clientActorSelect(claims.id)}) a ON true
     WHERE h."host" = ${name}
     LIMIT 1`;
  if (!row) return { tenant: null, actor: null };
  const { hostTenant: tenant, ...c } = row;
  return { tenant, actor: clientActorOf(claims, c.clientRowId ? (c as ClientActorRow) : undefined, tenant.id) };
}
