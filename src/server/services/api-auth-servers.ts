/**
 * The authorization servers an API's publish configuration may name (the seeds'
 * `apiresource.authservers`): this tenant's own OpenID Provider first (its issuer is the tenant's
 * host, as src/server/oidc serves it), then the other providers the tenant added by discovery URL.
 *
 * Adding one fetches its discovery document and its JWKS server-side, through the outbound guard
 * (outbound-json.ts: public addresses only, no redirects, 256 KB, 10 s), and keeps the issuer and
 * the JWKS URI it names. The issuer must be the discovery URL without
 * `/.well-known/openid-configuration` (OpenID Connect Discovery §4.3: a document may not speak for
 * another issuer), both https. The gateway then verifies the tokens of an API that names the
 * server against that JWKS, with its issuer and the API as audience (gateway/external-token.ts).
 */
import type { z } from "zod";
import type { DbClient } from "~/server/db";
import { AppError, isUniqueViolation } from "~/server/errors";
import { auditActor, writeAudit } from "~/server/services/audit";
import { findResource } from "~/server/services/api-resources";
import { tenantWhere, type Scope } from "~/server/services/scope";
import { fetchOutboundJson, fetchableUrl, OutboundJsonError } from "~/server/security/outbound-json";
import { msg } from "~/lib/validators/common";
import type { AuthServerItem, authServerCreateInput } from "~/lib/validators/api-publish";

export const DISCOVERY_SUFFIX = "/.well-known/openid-configuration";
/** Where our provider publishes its keys (provider.ts `routes.jwks` under OIDC_PREFIX). */
const OWN_JWKS_PATH = "/oidc/jwks";
export const DISCOVERY_TIMEOUT_MS = 10_000;

const select = { id: true, tenantId: true, name: true, discoveryUrl: true, issuer: true, jwksUri: true, createdAt: true } as const;

/** The origin our provider uses for `tenantId`: the request's when it is that tenant's host, else the tenant's first host (https). */
async function ownOrigin(db: DbClient, scope: Scope, tenantId: string, requestOrigin: string): Promise<string | null> {
  if (scope.tenant.id === tenantId) return requestOrigin.toLowerCase();
  const host = await db.tenantHost.findFirst({ where: { tenantId }, orderBy: { host: "asc" }, select: { host: true } });
  return host ? `https://${host.host}` : null;
}

async function usage(db: DbClient, tenantId: string): Promise<Map<string, number>> {
  const groups = await db.apiPublishConfig.groupBy({ by: ["authServer"], where: { tenantId }, _count: { _all: true } });
  return new Map(groups.map((g) => [g.authServer, g._count._all]));
}

/** The servers an API (one the caller may manage) may name: the tenant's own provider first, then the others by name. */
export async function listAuthServers(scope: Scope, apiResourceId: string, requestOrigin: string): Promise<AuthServerItem[]> {
  const api = await findResource(scope.db, scope, apiResourceId);
  const [origin, rows, used] = await Promise.all([
    ownOrigin(scope.db, scope, api.tenantId, requestOrigin),
    scope.db.apiAuthServer.findMany({ where: { tenantId: api.tenantId }, select, orderBy: [{ name: "asc" }, { id: "asc" }], take: 200 }),
    usage(scope.db, api.tenantId),
  ]);
  const tenant = await scope.db.tenant.findUnique({ where: { id: api.tenantId }, select: { name: true } });
  const own: AuthServerItem[] = origin
    ? [
        {
          id: "self",
          kind: "self",
          name: tenant?.name ?? "",
          issuer: origin,
          discoveryUrl: `${origin}${DISCOVERY_SUFFIX}`,
          jwksUri: `${origin}${OWN_JWKS_PATH}`,
          usedBy: used.get("self") ?? 0,
          createdAt: null,
        },
      ]
    : [];
  return [...own, ...rows.map(({ tenantId: _t, ...r }) => ({ ...r, kind: "other" as const, usedBy: used.get(r.id) ?? 0 }))];
}

const invalid = (key: "discoveryIssuer" | "discoveryJwks" | "discoveryNotJson") => new AppError(300047, { discoveryUrl: [msg(key)] });

/** An https URL (or http to an operator-allowed address), no user info, query or fragment. */
function usableUrl(value: unknown): URL | null {
  if (typeof value !== "string" || value.length > 2000) return null;
  try {
    const u = new URL(value);
    return fetchableUrl(u) && !u.hash ? u : null;
  } catch {
    return null;
  }
}

async function fetchJson(url: string) {
  try {
    return await fetchOutboundJson(url, { timeoutMs: DISCOVERY_TIMEOUT_MS });
  } catch (e) {
    if (e instanceof OutboundJsonError && e.reason === "not-json") throw invalid("discoveryNotJson");
    throw new AppError(300046, { discoveryUrl: [msg("discoveryFetch")] });
  }
}

/** Reads a discovery document and its JWKS: the issuer and JWKS URI to keep, or 300046 / 300047. */
export async function discover(discoveryUrl: string): Promise<{ issuer: string; jwksUri: string }> {
  const doc = await fetchJson(discoveryUrl);
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw invalid("discoveryNotJson");
  const { issuer, jwks_uri: jwksUri } = doc as { issuer?: unknown; jwks_uri?: unknown };
  const iss = usableUrl(issuer);
  const expected = discoveryUrl.slice(0, -DISCOVERY_SUFFIX.length);
  if (!iss || iss.search || issuer !== expected) throw invalid("discoveryIssuer");
  const jwks = usableUrl(jwksUri);
  if (!jwks) throw invalid("discoveryJwks");
  const keys = (await fetchJson(jwks.href)) as { keys?: unknown } | null;
  if (!keys || typeof keys !== "object" || !Array.isArray(keys.keys)) throw invalid("discoveryJwks");
  return { issuer: issuer as string, jwksUri: jwksUri as string };
}

export async function addAuthServer(scope: Scope, input: z.output<typeof authServerCreateInput>): Promise<AuthServerItem> {
  const tenantId = scope.actor.isOperator && input.tenantId ? input.tenantId : scope.actor.tenantId;
  const name = await scope.db.apiAuthServer.findFirst({ where: { tenantId, name: input.name }, select: { id: true } });
  if (name) throw new AppError(300048, { name: [msg("authServerNameInUse")] });
  const found = await discover(input.discoveryUrl);
  try {
    return await scope.db.$transaction(async (tx) => {
      const row = await tx.apiAuthServer.create({ data: { tenantId, name: input.name, discoveryUrl: input.discoveryUrl, ...found }, select });
      await writeAudit(tx, auditActor(scope, tenantId), "apiresource.postauthserver", row.id, undefined, row);
      const { tenantId: _t, ...item } = row;
      return { ...item, kind: "other" as const, usedBy: 0 };
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      const sameName = await scope.db.apiAuthServer.count({ where: { tenantId, name: input.name } });
      throw new AppError(300048, sameName ? { name: [msg("authServerNameInUse")] } : { discoveryUrl: [msg("authServerIssuerInUse")] });
    }
    throw e;
  }
}

/** Removes a server no publish configuration names (300049 while one does). */
export async function removeAuthServer(scope: Scope, id: string): Promise<{ id: string }> {
  return scope.db.$transaction(async (tx) => {
    const row = await tx.apiAuthServer.findFirst({ where: { id, ...tenantWhere(scope) }, select });
    if (!row) throw new AppError(300045);
    // Held while checking, so a publish configuration cannot start naming it in between.
    await tx.$executeRaw`SELECT 1 FROM "ApiAuthServer" WHERE "id" = ${id}::uuid FOR UPDATE`;
    const users = await tx.apiPublishConfig.count({ where: { tenantId: row.tenantId, authServer: id } });
    if (users) throw new AppError(300049);
    await tx.apiAuthServer.delete({ where: { id } });
    await writeAudit(tx, auditActor(scope, row.tenantId), "apiresource.deleteauthserver", id, row);
    return { id };
  });
}

/** For the publish configuration: `self`, or a server of `tenantId` (300045 otherwise), locked against removal until the transaction ends. */
export async function checkAuthServer(tx: DbClient, tenantId: string, authServer: string) {
  if (authServer === "self") return;
  const [row] = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id"::text FROM "ApiAuthServer" WHERE "id" = ${authServer}::uuid AND "tenantId" = ${tenantId}::uuid FOR SHARE`;
  if (!row) throw new AppError(300045, { authServer: [msg("authServerUnknown")] });
}
