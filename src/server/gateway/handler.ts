/**
 * The API gateway: `https://<tenant host>/gateway/<suffix>/<path>` calls a published API.
 * server.mjs hands it Node's request and response, like the OpenID Provider's (no Next router,
 * no Web streams). In order, each refusal in our error format (`restFailure`'s body):
 *
 * 1. the host's tenant (enabled) and its publish configuration with this suffix, of an enabled
 *    API resource: else 404 (10007 / 300017);
 * 2. the version, as each version of the API says callers pick it: the first path segment after
 *    the suffix (`path`), the `api-version` query parameter (`query`) or the `Api-Version` header
 *    (`header`). There is no default version: a call naming none, or one that does not exist, is
 *    404 300001, so adding a version never moves callers silently. Then the version's online
 *    revision (none: 404 300018), and in it an operation for the method and path (templated
 *    `{id}` segments; the document's `servers` are not part of the path): else 404 300019;
 * 3. the bearer token: with the publish configuration's authorization server `self`, one of our
 *    JWT access tokens (api-token.ts, the same verification and liveness check as our own API's)
 *    issued by this host's provider for this API resource, its scopes cut to those its client holds
 *    now; with another server (ApiAuthServer), a JWT of that server's JWKS with its issuer and this
 *    API as audience (external-token.ts); else 401 with an RFC 6750 challenge. Like the publish
 *    configuration, the check is reused for a second per token unless this instance changed
 *    something meanwhile (cachedCaller);
 * 4. the scopes: the operation's security requirement (its own, else the document's) and, when the
 *    publish configuration names scopes, at least one of them: else 403 insufficient_scope;
 * 5. the request limit: when the caller's client was issued by an active subscription to a product
 *    that bundles the called version and sets a limit, the product's requestLimit per
 *    subscription; else ApiPublishConfig.rateLimitPerMinute per client (each a one-minute window
 *    shared by every instance): past it 429 with Retry-After;
 * 6. the call, streamed to `backendUrl` + the rest of the path + the query (proxy.ts): a backend
 *    that refuses or cannot be reached (or none configured) is 502 300020, one that does not
 *    answer within UC_GATEWAY_TIMEOUT_MS (30 s) 504 300021.
 * Every call that reached an API is counted (stats.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Prisma } from "~/generated/prisma/client";
import type { Db } from "~/server/db";
import { readRows } from "~/server/db/fast-read";
import { describeError } from "~/lib/errors";
import { cookieLocale, pickLocale } from "~/i18n/locale";
import { API_CSP, MAX_API_BODY, requestPath } from "~/server/http-front.js";
import { requestHost, requestIp, requestProto } from "~/server/request";
import { normalizeHost } from "~/server/services/host";
import { bearerChallenge, loadTenantAndOidcActor, type OidcAccessToken } from "~/server/oidc/api-token";
import { countInWindow } from "~/server/security/throttle";
import { routesOf, scopesSatisfied } from "~/server/gateway/routes";
import { forward, type UpstreamFailure } from "~/server/gateway/proxy";
import { recordCall } from "~/server/gateway/stats";
import { changeEpoch } from "~/server/security/change-epoch";
import { verifyExternalToken } from "~/server/gateway/external-token";

export const GATEWAY_PREFIX = "/gateway/";
const HOST_RE = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/;
const SUFFIX_RE = /^[A-Za-z0-9]{1,32}$/;
const DEFAULT_TIMEOUT_MS = 30_000;

export interface GatewayOptions {
  /** The backend's idle time-out (connect, answer, stream); default UC_GATEWAY_TIMEOUT_MS or 30 s. */
  timeoutMs?: number;
  /** The largest request body passed on (default: the API endpoints' MAX_API_BODY). */
  maxBody?: number;
  /** How long an instance reuses what it read of a published API (default 1 s; tests that change it between calls pass 0). */
  cacheMs?: number;
}

interface Published {
  tenantStatus: string;
  tenantId: string;
  apiResourceId: string;
  audience: string;
  enabled: boolean;
  scopes: string[];
  backendUrl: string | null;
  rateLimitPerMinute: number | null;
  /** `self`, or an ApiAuthServer id (then its issuer and JWKS URI, null when it is gone: every token refused). */
  authServer: string;
  authIssuer: string | null;
  authJwksUri: string | null;
  versions: { id: string; name: string; scheme: "path" | "query" | "header"; revisionId: string | null }[] | null;
  /** `backendUrl` parsed once per read (null: none, or not a URL). */
  backend: URL | null;
}

const headerBag = (req: IncomingMessage) => ({
  get: (name: string) => {
    const v = req.headers[name.toLowerCase()];
    return (Array.isArray(v) ? v[0] : v) ?? null;
  },
});

const timeoutMs = (o: GatewayOptions) => o.timeoutMs ?? (Number(process.env.UC_GATEWAY_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS);

/** The tenant of `host` and the API published there under `suffix`, with its versions, in one statement. */
async function loadPublished(db: Db, host: string, suffix: string): Promise<Published | null> {
  const [row] = await readRows<Omit<Published, "backend">[]>(
    db,
    Prisma.sql`
    SELECT t."status"::text AS "tenantStatus", t."id"::text AS "tenantId", c."apiResourceId"::text AS "apiResourceId",
           r."name" AS "audience", r."enabled", c."scopes", c."backendUrl", c."rateLimitPerMinute",
           c."authServer", a."issuer" AS "authIssuer", a."jwksUri" AS "authJwksUri",
           (SELECT json_agg(json_build_object('id', v."id", 'name', v."name", 'scheme', v."scheme", 'revisionId', v."onlineRevisionId"))
              FROM "ApiVersion" v WHERE v."apiResourceId" = c."apiResourceId") AS "versions"
      FROM "TenantHost" h JOIN "Tenant" t ON t."id" = h."tenantId"
      JOIN "ApiPublishConfig" c ON c."tenantId" = t."id" AND c."suffix" = ${suffix}
      JOIN "ApiResource" r ON r."id" = c."apiResourceId" AND r."tenantId" = t."id"
      LEFT JOIN "ApiAuthServer" a ON c."authServer" <> 'self' AND a."id"::text = c."authServer" AND a."tenantId" = t."id"
     WHERE h."host" = ${host}
     LIMIT 1`,
    "uc_gateway_published",
  );
  return row ? { ...row, backend: parseBackend(row.backendUrl) } : null;
}

function parseBackend(url: string | null): URL | null {
  if (!url) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

const MAX_CACHED = 1000;

/**
 * A bounded map of reads each reused for up to `cacheMs` (0: read every time) and only while this
 * instance has changed nothing (security/change-epoch.ts); a failed read is not kept.
 */
function shortLived<T>() {
  const cache = new Map<string, { at: number; epoch: number; value: Promise<T> }>();
  return (key: string, cacheMs: number, load: () => Promise<T>): Promise<T> => {
    if (cacheMs <= 0) return load();
    const now = Date.now();
    const epoch = changeEpoch();
    const hit = cache.get(key);
    if (hit && now - hit.at < cacheMs && hit.epoch === epoch) return hit.value;
    const value = load();
    cache.delete(key);
    cache.set(key, { at: now, epoch, value });
    if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
    value.catch(() => cache.delete(key));
    return value;
  };
}

/**
 * What this instance read of `host` + `suffix`, for up to `cacheMs`: a busy API costs one read of
 * its configuration per second instead of one per call (the token is still checked on every
 * call). A change (a revision online, a new backend, a limit, a disabled API) reaches every
 * instance within that second. Bounded, so random suffixes cannot grow it.
 */
const publishedCache = shortLived<Published | null>();
const cachedPublished = (db: Db, host: string, suffix: string, cacheMs: number) =>
  publishedCache(`${host} ${suffix}`, cacheMs, () => loadPublished(db, host, suffix));

interface SubscriptionLimit {
  subscriptionId: string;
  requestLimit: number;
}

/** The active subscription that issued `clientId` (of `tenantId`) to a product bundling `versionId` with a limit, if any. */
async function loadSubscriptionLimit(db: Db, tenantId: string, clientId: string, versionId: string): Promise<SubscriptionLimit | null> {
  const [row] = await readRows<SubscriptionLimit[]>(
    db,
    Prisma.sql`
    SELECT s."id"::text AS "subscriptionId", p."requestLimit"
      FROM "OAuthClient" c JOIN "ApiSubscription" s ON s."clientId" = c."id" AND s."status" = 'active'
      JOIN "ApiProduct" p ON p."id" = s."productId" AND p."requestLimit" IS NOT NULL AND ${versionId} = ANY (p."versionIds")
     WHERE c."clientId" = ${clientId} AND c."tenantId" = ${tenantId}::uuid
     LIMIT 1`,
    "uc_gateway_subscription",
  );
  return row ?? null;
}

/**
 * The same second-long reuse as the publish configuration's, per client and version: a caller's
 * limit costs one read per second, and an approval, a cancellation or a new limit shows within it
 * (a cancelled subscription's client is gone, so its token is refused before this: cachedCaller).
 */
const limitCache = shortLived<SubscriptionLimit | null>();
const cachedSubscriptionLimit = (db: Db, tenantId: string, clientId: string, versionId: string, cacheMs: number) =>
  limitCache(`${clientId} ${versionId}`, cacheMs, () => loadSubscriptionLimit(db, tenantId, clientId, versionId));

/**
 * What a bearer token grants at the gateway, reused for the same second as the rest: a busy
 * caller costs one liveness read (api-token.ts) per second instead of one per call. Only its
 * verified claims are kept (null: refused), per host, audience and token; a revocation, a
 * cancelled subscription, a disabled client or an ended session made on this instance applies to
 * the next call (the change epoch), on another instance within the second. Our own API
 * (`/api/v1`) reads liveness on every call; the gateway trades that second for its speed aim.
 */
const callerCache = shortLived<{ tenantId: string | null; claims: OidcAccessToken | null; clientScopes: string[] | null }>();
const cachedCaller = (db: Db, host: string, origin: string, bearer: string, audience: string, cacheMs: number) =>
  callerCache(`${host}\u0000${audience}\u0000${bearer}`, cacheMs, async () => {
    const found = await loadTenantAndOidcActor(db, host, origin, bearer, audience);
    return { tenantId: found.tenant?.id ?? null, claims: found.claims, clientScopes: found.clientScopes };
  });

const loadDocument = (db: Db, revisionId: string) => async () =>
  (await db.apiRevision.findUnique({ where: { id: revisionId }, select: { document: true } }))?.document ?? null;

/** The version a call names, and the path left for the operation. */
function pickVersion(p: Published, afterSuffix: string, query: URLSearchParams | null, header: string | null) {
  const versions = p.versions ?? [];
  const first = /^\/([^/]+)(\/.*)?$/.exec(afterSuffix);
  if (first) {
    const v = versions.find((x) => x.scheme === "path" && x.name === first[1]);
    if (v) return { version: v, path: first[2] ?? "/" };
  }
  const byQuery = query?.get("api-version");
  const q = byQuery ? versions.find((x) => x.scheme === "query" && x.name === byQuery) : undefined;
  if (q) return { version: q, path: afterSuffix || "/" };
  const h = header ? versions.find((x) => x.scheme === "header" && x.name === header.trim()) : undefined;
  if (h) return { version: h, path: afterSuffix || "/" };
  return null;
}

/**
 * The caller's client and scopes, or null when the token is refused. `self`: ours, from this
 * host's provider, for this API resource, still alive (cachedCaller), its scopes those its client
 * still holds; another server: verified against its JWKS (external-token.ts, which caches the keys).
 */
async function callerOf(
  db: Db,
  api: Published,
  host: string,
  proto: string,
  bearer: string,
  cacheMs: number,
): Promise<{ clientId: string; scopes: string[] } | null> {
  if (api.authServer !== "self") {
    if (!api.authIssuer || !api.authJwksUri) return null;
    return verifyExternalToken({ issuer: api.authIssuer, jwksUri: api.authJwksUri }, bearer, api.audience);
  }
  const caller = await cachedCaller(db, host, `${proto}://${host.toLowerCase()}`, bearer, api.audience, cacheMs);
  if (caller.tenantId !== api.tenantId || !caller.claims) return null;
  const held = caller.clientScopes ?? [];
  return { clientId: caller.claims.clientId, scopes: caller.claims.scopes.filter((s) => held.includes(s)) };
}

export async function handleGateway(db: Db, req: IncomingMessage, res: ServerResponse, options: GatewayOptions = {}): Promise<void> {
  const started = performance.now();
  res.setHeader("content-security-policy", API_CSP);
  res.setHeader("cache-control", "no-store");
  const h = headerBag(req);
  const url = req.url ?? "/";
  const fail = (code: number, extra: Record<string, string> = {}) => {
    const path = requestPath(url);
    const d = describeError(code, pickLocale(cookieLocale(h.get("cookie")), h.get("accept-language")));
    const body = JSON.stringify({
      message: d.description,
      code: d.status,
      data: { httpStatus: d.status, path, appCode: d.code, name: d.name, description: d.description, fields: null },
    });
    res.writeHead(d.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...extra });
    res.end(body);
    return d.status;
  };

  const host = requestHost(h);
  const rawPath = url.split("?", 1)[0] ?? "/";
  const m = /^\/gateway\/([^/?]+)(\/[^?]*)?$/.exec(rawPath);
  if (!HOST_RE.test(host) || !m || !SUFFIX_RE.test(m[1]!)) return void fail(m ? 300017 : 10007);
  const api = await cachedPublished(db, normalizeHost(host), m[1]!, options.cacheMs ?? 1000);
  if (!api || api.tenantStatus !== "enabled") return void fail(api ? 10007 : 300017);
  if (!api.enabled) return void fail(300017);

  let version = "";
  let clientId = "";
  const count = (status: number) =>
    recordCall(db, { tenantId: api.tenantId, apiResourceId: api.apiResourceId, version, clientId, status, ms: performance.now() - started });

  const search = url.includes("?") ? url.slice(url.indexOf("?")) : "";
  const picked = pickVersion(api, m[2] ?? "", search ? new URLSearchParams(search) : null, h.get("api-version"));
  if (!picked) return void count(fail(300001));
  version = picked.version.name;
  if (!picked.version.revisionId) return void count(fail(300018));
  const routes = await routesOf(picked.version.revisionId, loadDocument(db, picked.version.revisionId));
  const operation = routes.match(req.method ?? "GET", picked.path);
  if (!operation) return void count(fail(300019));

  const authorization = h.get("authorization");
  const bearer = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(authorization ?? "")?.[1];
  const proto = requestProto(h);
  const claims = bearer ? await callerOf(db, api, host, proto, bearer, options.cacheMs ?? 1000) : null;
  if (!claims) return void count(fail(10001, { "www-authenticate": bearerChallenge(authorization, 401, undefined)! }));
  clientId = claims.clientId;
  const configScopes = api.scopes;
  if (!scopesSatisfied(operation.scopes, claims.scopes) || (configScopes.length && !configScopes.some((s) => claims.scopes.includes(s))))
    return void count(fail(17005, { "www-authenticate": bearerChallenge(authorization, 403, 17005)! }));

  const subscription = await cachedSubscriptionLimit(db, api.tenantId, clientId, picked.version.id, options.cacheMs ?? 1000);
  const limit = subscription
    ? { max: subscription.requestLimit, key: `gw:sub:${subscription.subscriptionId}` }
    : api.rateLimitPerMinute
      ? { max: api.rateLimitPerMinute, key: `gw:${api.apiResourceId}:${clientId}` }
      : null;
  if (limit) {
    const { count: used, resetAt } = await countInWindow(db, limit.key, 60_000);
    if (used > limit.max) return void count(fail(10005, { "retry-after": String(Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000))) }));
  }

  const backend = api.backend;
  if (!backend) return void count(fail(300020));
  // The rest of the path as the caller wrote it (still encoded), and the query.
  const rest = m[2] && picked.version.scheme === "path" ? m[2].slice(version.length + 1) || "" : (m[2] ?? "");
  await forward(req, res, {
    backendUrl: backend,
    rest: `${rest}${search}`,
    forwarded: { for: requestIp(h), proto, host },
    timeoutMs: timeoutMs(options),
    maxBody: options.maxBody ?? MAX_API_BODY,
    answered: count,
    fail: (why: UpstreamFailure) =>
      count(fail(why === "timeout" ? 300021 : why === "too-large" ? 10013 : 300020, why === "too-large" ? { connection: "close" } : {})),
  });
}
