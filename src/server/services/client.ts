/**
 * OAuth clients: CRUD with tenant isolation and developer ownership, secrets (SHA-256 only,
 * shown once), the client-credentials exchange behind POST /api/oauth/token, and the actor a
 * client token stands for on tRPC and /api/v1.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import { decodeJwt, decodeProtectedHeader } from "jose";
import type { Db } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import type { Actor } from "~/server/services/session";
import { normalizeHost } from "~/server/services/host";
import { AppError } from "~/server/errors";
import { writeAudit } from "~/server/services/audit";
import { managesAll, ownerOf, type Who } from "~/server/services/ownership";
import { signClientToken, verifyClientToken } from "~/server/services/tokens";
import { hasPermission, isGrantable, type PermissionCode } from "~/lib/permissions";
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

export { managesAll, ownerOf, type Who };

const auditActor = (who: Who, tenantId: string) => ({ actorId: who.userId, tenantId, ip: who.ip ?? null });

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
  corsOrigins: true,
  tokenLifetime: true,
  enabled: true,
  ownerId: true,
  createdAt: true,
  updatedAt: true,
  secrets: { select: secretSelect, orderBy: { createdAt: "desc" } },
} satisfies Prisma.OAuthClientSelect;
type DetailRow = Prisma.OAuthClientGetPayload<{ select: typeof detailSelect }>;

const toSecret = (s: DetailRow["secrets"][number]): SecretItem => ({ ...s, expired: !!s.expiresAt && s.expiresAt.getTime() <= Date.now() });
const toDetail = (r: DetailRow): ClientDetail => ({ ...r, secrets: r.secrets.map(toSecret), secretCount: r.secrets.length });

/** Rows the caller may see: operators anywhere (optionally one tenant), others their tenant (and developers their own). */
function scope(who: Who, tenantId?: string): Prisma.OAuthClientWhereInput {
  const tenant = who.isOperator ? (tenantId ? { tenantId } : {}) : { tenantId: who.tenantId };
  return managesAll(who) ? tenant : { ...tenant, ownerId: ownerOf(who) ?? "00000000-0000-0000-0000-000000000000" };
}

async function findClient(db: Db | Prisma.TransactionClient, who: Who, id: string): Promise<DetailRow> {
  const row = await db.oAuthClient.findFirst({ where: { AND: [{ id }, scope(who)] }, select: detailSelect });
  if (!row) throw new AppError(17001);
  return row;
}

/**
 * Scopes must be registry codes or wildcards, and a non-administrator may only hand a client
 * what they hold themselves (so a developer cannot mint a token stronger than their session).
 */
function assertGrantable(who: Who, scopes: string[]) {
  const fields: Record<string, string[]> = {};
  scopes.forEach((s, i) => {
    const ok = isGrantable(s) && (managesAll(who) || hasPermission(who.permissions, s as PermissionCode));
    if (!ok) fields[`scopes.${i}`] = [s];
  });
  if (Object.keys(fields).length) throw new AppError(17007, fields);
}

export async function listClients(db: Db, who: Who, input: z.output<typeof clientListInput>) {
  const where: Prisma.OAuthClientWhereInput = {
    AND: [
      scope(who, input.tenantId),
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
        id: true, tenantId: true, clientId: true, name: true, description: true, grantTypes: true, scopes: true,
        tokenLifetime: true, enabled: true, ownerId: true, createdAt: true, updatedAt: true, _count: { select: { secrets: true } },
      },
    }),
  ]);
  const items: ClientSummary[] = rows.map(({ _count, ...r }) => ({ ...r, secretCount: _count.secrets }));
  return { total, items };
}

export const getClient = async (db: Db, who: Who, id: string) => toDetail(await findClient(db, who, id));

const newClientId = () => randomBytes(12).toString("hex");

export async function createClient(db: Db, who: Who, input: z.output<typeof clientCreateInput>): Promise<ClientDetail> {
  assertGrantable(who, input.scopes);
  const tenantId = who.isOperator && input.tenantId ? input.tenantId : who.tenantId;
  if (tenantId !== who.tenantId && !(await db.tenant.count({ where: { id: tenantId } }))) throw new AppError(10004);
  return db.$transaction(async (tx) => {
    const created = await tx.oAuthClient.create({
      data: {
        tenantId,
        clientId: newClientId(),
        name: input.name,
        description: input.description || null,
        grantTypes: input.grantTypes,
        scopes: input.scopes,
        redirectUris: input.redirectUris,
        corsOrigins: input.corsOrigins,
        tokenLifetime: input.tokenLifetime,
        enabled: input.enabled,
        ownerId: ownerOf(who),
      },
      select: detailSelect,
    });
    const detail = toDetail(created);
    await writeAudit(tx, auditActor(who, tenantId), "client.create", created.id, undefined, detail);
    return detail;
  });
}

export async function updateClient(db: Db, who: Who, input: z.output<typeof clientUpdateInput>): Promise<ClientDetail> {
  return db.$transaction(async (tx) => {
    const before = toDetail(await findClient(tx, who, input.id));
    // Scopes already on the client may stay; only newly added ones must be grantable by the editor.
    assertGrantable(who, input.scopes.filter((s) => !before.scopes.includes(s)));
    const updated = await tx.oAuthClient.update({
      where: { id: input.id },
      data: {
        name: input.name,
        description: input.description || null,
        grantTypes: input.grantTypes,
        scopes: input.scopes,
        redirectUris: input.redirectUris,
        corsOrigins: input.corsOrigins,
        tokenLifetime: input.tokenLifetime,
        enabled: input.enabled,
      },
      select: detailSelect,
    });
    const after = toDetail(updated);
    await writeAudit(tx, auditActor(who, before.tenantId), "client.update", input.id, before, after);
    return after;
  });
}

export async function deleteClient(db: Db, who: Who, id: string) {
  return db.$transaction(async (tx) => {
    const before = toDetail(await findClient(tx, who, id));
    await tx.oAuthClient.delete({ where: { id } });
    await writeAudit(tx, auditActor(who, before.tenantId), "client.delete", id, before);
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

export async function createSecret(db: Db, who: Who, input: z.output<typeof secretCreateInput>) {
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw new AppError(10003, { expiresAt: ["past"] });
  return db.$transaction(async (tx) => {
    const client = await findClient(tx, who, input.id);
    const { secret, hash, hint } = newSecret();
    const row = await tx.clientSecret.create({
      data: { clientId: client.id, hash, hint, description: input.description || null, expiresAt: input.expiresAt ?? null },
      select: secretSelect,
    });
    const item = toSecret(row);
    await writeAudit(tx, auditActor(who, client.tenantId), "client.secret.create", client.id, undefined, item);
    return { ...item, secret };
  });
}

export async function deleteSecret(db: Db, who: Who, clientRowId: string, secretId: string) {
  return db.$transaction(async (tx) => {
    const client = await findClient(tx, who, clientRowId);
    const row = await tx.clientSecret.findFirst({ where: { id: secretId, clientId: client.id }, select: secretSelect });
    if (!row) throw new AppError(17008);
    await tx.clientSecret.delete({ where: { id: secretId } });
    await writeAudit(tx, auditActor(who, client.tenantId), "client.secret.delete", client.id, toSecret(row));
    return { id: secretId };
  });
}

// --- Tokens --------------------------------------------------------------------------------

/** Requested scopes (space-separated) within what the client may have; null when one is beyond. */
export function grantScopes(allowed: string[], requested: string | undefined): string[] | null {
  if (requested === undefined) return allowed;
  const asked = [...new Set(requested.split(" ").filter(Boolean))];
  for (const s of asked) if (!isGrantable(s) || !hasPermission(allowed, s as PermissionCode)) return null;
  return asked;
}

/** Constant-time match of a presented secret against a client's live secrets. */
function matchSecret(secrets: { id: string; hash: string; expiresAt: Date | null }[], presented: string) {
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
interface ExchangeRow {
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
 * The client, its secrets, its tenant's status and whether the called host is one of that
 * tenant's hosts: one round trip, because this endpoint is the hot path of every program.
 */
async function readForExchange(db: Db, clientId: string, host: string) {
  const rows = await db.$queryRaw<ExchangeRow[]>`
    SELECT c."id", c."tenantId", c."clientId", c."enabled", c."grantTypes", c."scopes", c."tokenLifetime",
           t."status"::text AS "tenantStatus",
           EXISTS (SELECT 1 FROM "TenantHost" h WHERE h."tenantId" = c."tenantId" AND h."host" = ${host}) AS "hostMatches",
           COALESCE(json_agg(json_build_object('id', s."id", 'hash', s."hash", 'expiresAt', s."expiresAt", 'lastUsedAt', s."lastUsedAt"))
                    FILTER (WHERE s."id" IS NOT NULL), '[]'::json) AS "secrets"
      FROM "OAuthClient" c
      JOIN "Tenant" t ON t."id" = c."tenantId"
      LEFT JOIN "ClientSecret" s ON s."clientId" = c."id"
     WHERE c."clientId" = ${clientId}
     GROUP BY c."id", t."status"`;
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
 */
export async function exchangeClientCredentials(
  db: Db,
  host: string,
  creds: { clientId: string; secret: string },
  requestedScope: string | undefined,
): Promise<TokenOutcome> {
  const bad = { ok: false as const, error: "invalid_client" as const, description: "Client authentication failed" };
  if (creds.clientId.length > 64 || creds.secret.length > 256) return bad;
  const client = await readForExchange(db, creds.clientId, normalizeHost(host));
  const secretId = client ? matchSecret(client.secrets, creds.secret) : null;
  // The client must belong to the tenant whose host was called, be enabled and present a live secret.
  if (!client || !secretId || !client.hostMatches || client.tenantStatus !== "enabled" || !client.enabled) return bad;
  if (!client.grantTypes.includes("client_credentials"))
    return { ok: false, error: "unauthorized_client", description: "The client may not use the client_credentials grant" };
  const scopes = grantScopes(client.scopes, requestedScope);
  if (!scopes) return { ok: false, error: "invalid_scope", description: "The requested scope is beyond what the client is allowed" };
  const signed = await signClientToken(db, { id: client.id, clientId: client.clientId, tenantId: client.tenantId, scopes, lifetimeSeconds: client.tokenLifetime });
  const used = client.secrets.find((s) => s.id === secretId);
  if (!used?.lastUsedAt || Date.now() - used.lastUsedAt.getTime() > LAST_USED_EVERY_MS) {
    // Best effort and off the response path: a bookkeeping write must not slow or fail the exchange.
    void db.clientSecret.update({ where: { id: secretId }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  }
  return { ok: true, access_token: signed.token, token_type: "Bearer", expires_in: signed.expiresIn, scope: scopes.join(" ") };
}

/** The console's "issue token": a test token for the client, without its secret. */
export async function issueTestToken(db: Db, who: Who, input: z.output<typeof issueTokenInput>) {
  const client = await findClient(db, who, input.id);
  if (!client.enabled) throw new AppError(17002);
  if (!client.grantTypes.includes("client_credentials")) throw new AppError(17003);
  const scopes = grantScopes(client.scopes, input.scope || undefined);
  if (!scopes) throw new AppError(17004);
  const signed = await signClientToken(db, { id: client.id, clientId: client.clientId, tenantId: client.tenantId, scopes, lifetimeSeconds: client.tokenLifetime });
  await writeAudit(db, auditActor(who, client.tenantId), "client.issuetoken", client.id, undefined, { jti: signed.jti, scope: scopes.join(" ") });
  return {
    access_token: signed.token,
    token_type: "Bearer" as const,
    expires_in: signed.expiresIn,
    scope: scopes.join(" "),
    claims: decodeJwt(signed.token) as Record<string, unknown>,
    header: decodeProtectedHeader(signed.token) as Record<string, unknown>,
  };
}

/**
 * The actor behind a client token on this tenant's host, or null: the token must verify, name
 * this tenant, and its client must still exist and be enabled (checked on every request, so
 * disabling a client stops its tokens at once).
 */
export async function loadClientActor(db: Db, token: string, tenantId: string): Promise<Actor | null> {
  const claims = await verifyClientToken(db, token);
  if (!claims || claims.tenantId !== tenantId) return null;
  const client = await db.oAuthClient.findUnique({
    where: { id: claims.id },
    select: { id: true, clientId: true, tenantId: true, name: true, enabled: true, ownerId: true },
  });
  if (!client || !client.enabled || client.tenantId !== tenantId || client.clientId !== claims.clientId) return null;
  const owner = client.ownerId
    ? await db.user.findFirst({
        where: { id: client.ownerId, status: "active", deletedAt: null },
        select: { isOperator: true, tenantId: true, roles: { select: { role: { select: { name: true } } } } },
      })
    : null;
  const ownerManagesAll = !!owner && (owner.isOperator || (owner.tenantId === tenantId && owner.roles.some((r) => r.role.name === "administrator")));
  return {
    userId: client.id,
    tenantId: client.tenantId,
    sessionId: "",
    isOperator: false,
    userName: null,
    nickname: client.name,
    displayName: client.name,
    locale: null,
    roles: [],
    permissions: claims.scopes,
    client: { id: client.id, clientId: client.clientId, ownerId: client.ownerId, ownerManagesAll },
  };
}
