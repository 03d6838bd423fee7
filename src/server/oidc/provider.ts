/**
 * One OpenID Provider (panva's oidc-provider 8.x) per tenant and issuer, made on first use and
 * kept per process. The issuer is the origin the client used (`https://<tenant host>`), so each
 * host of a tenant publishes discovery with its own issuer; every provider of a tenant shares the
 * tenant's storage (adapter.ts), its clients (clients.ts) and accounts (account.ts), and all of
 * them sign with the keys the platform already rotates (services/tokens.ts): the active key
 * first, then retired ones still published. When the key set changes the provider is made anew.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createHmac } from "node:crypto";
import Provider, { errors, type Adapter, type Configuration, type JWK, type KoaContextWithOIDC } from "oidc-provider";
import type { Db } from "~/server/db";
import { decryptSecret } from "~/server/crypto";
import { getSecrets } from "~/server/secrets";
import { PUBLISH_RETIRED_MS, ensureSigningKey } from "~/server/services/tokens";
import { createAdapterFactory, currentLoginLink } from "~/server/oidc/adapter";
import { GRANT_CLAIM, LOGIN_SESSION_CLAIM, compactGrants, liveTokenActor, ownApiResource, ownApiScopes, type LiveTokenRef } from "~/server/oidc/api-token";
import { accountFinder } from "~/server/oidc/account";
import { loadIdentityConfig, type IdentityConfig } from "~/server/oidc/identity";
import { identityVersion } from "~/server/oidc/changes";
import { grantRevocationPolicy, rememberedGrantLoader } from "~/server/oidc/consent";
import { EXTRA_CLIENT_METADATA, verifyClientSecret, type UcClientMetadata } from "~/server/oidc/clients";
import { providerHttpOptions } from "~/server/security/outbound";
import { errorPage, loggedOutPage, logoutPage, pageLocale, type Page } from "~/server/oidc/pages";

/** Where the provider's endpoints live (discovery stays at /.well-known/openid-configuration). */
export const OIDC_PREFIX = "/oidc";
export const interactionPath = (uid: string) => `${OIDC_PREFIX}/interaction/${uid}`;

const KEYS_CHECK_MS = 60_000;
/** Per request: whether the client secret came in the Authorization header (Basic) or in the body. */
const secretVia = new AsyncLocalStorage<{ basic: boolean }>();
/** Asymmetric algorithms only: a client's placeholder secret (clients.ts) must never serve as an HMAC key. */
const ASYMMETRIC: ("ES256" | "RS256" | "PS256" | "EdDSA")[] = ["ES256", "RS256", "PS256", "EdDSA"];

export function sendPage(ctx: KoaContextWithOIDC, p: Page) {
  ctx.status = p.status;
  ctx.type = "html";
  ctx.set("content-security-policy", p.csp);
  ctx.set("cache-control", "no-store");
  ctx.body = p.html;
}

const localeOf = (ctx: KoaContextWithOIDC) => pageLocale(ctx.req.headers, ctx.oidc?.params?.ui_locales);

async function signingJwks(db: Db): Promise<{ keys: JWK[]; kids: string }> {
  await ensureSigningKey(db);
  const rows = await db.signingKey.findMany({
    where: { OR: [{ retiredAt: null }, { retiredAt: { gt: new Date(Date.now() - PUBLISH_RETIRED_MS) } }] },
    orderBy: [{ retiredAt: { sort: "asc", nulls: "first" } }, { createdAt: "desc" }],
  });
  const keys = rows.map((r) => ({ ...(JSON.parse(decryptSecret(r.privateJwk)) as JWK), kid: r.id, alg: r.alg, use: "sig" }));
  return { keys, kids: rows.map((r) => r.id).join(",") };
}

async function currentKids(db: Db): Promise<string> {
  const rows = await db.signingKey.findMany({
    where: { OR: [{ retiredAt: null }, { retiredAt: { gt: new Date(Date.now() - PUBLISH_RETIRED_MS) } }] },
    orderBy: [{ retiredAt: { sort: "asc", nulls: "first" } }, { createdAt: "desc" }],
    select: { id: true },
  });
  return rows.map((r) => r.id).join(",");
}

/** Cookie signing keys, derived from NEXTAUTH_SECRET: the same on every instance. */
const cookieKeys = () => [createHmac("sha256", getSecrets().authSecret).update("user-center:oidc-cookies").digest("base64url")];

/**
 * Discovery fields the library leaves out although we can state them: introspection and
 * revocation take the same client authentication as the token endpoint (oidc-provider 8 has one
 * `clientAuthMethods` for all three). Derived from it, so a change there cannot make them untrue.
 */
const withDiscovery = (c: Configuration): Configuration => ({
  ...c,
  discovery: {
    ...c.discovery,
    introspection_endpoint_auth_methods_supported: c.clientAuthMethods,
    revocation_endpoint_auth_methods_supported: c.clientAuthMethods,
  },
});

const DEFAULT_REFRESH = 14 * 86400;
const ucMeta = (client: unknown) => (client ?? {}) as UcClientMetadata;

/**
 * A refresh token's lifetime: the client's idle lifetime (each rotation issues a new token, so
 * the count starts again), never past the absolute lifetime counted from the first token of the
 * grant (`iiat`, which rotation carries over).
 */
function refreshTokenTTL(token: { iiat?: number }, client: unknown): number {
  const m = ucMeta(client);
  const absolute = m.uc_refresh_absolute ?? DEFAULT_REFRESH;
  const idle = Math.min(m.uc_refresh_idle ?? absolute, absolute);
  const now = Math.floor(Date.now() / 1000);
  const left = absolute - (now - (token.iiat ?? now));
  return Math.max(1, Math.min(idle, left));
}

/** What our provider reads of an access token while it customizes its JWT (and of a token it introspects). */
interface IssuedToken {
  kind: string;
  jti: string;
  clientId: string;
  accountId?: string;
  grantId?: string;
  scope?: string;
  resourceServer?: { audience?: string; scope?: string };
  adapter: Adapter;
}
type StructuredJwt = { payload: Record<string, unknown> };

/**
 * A user's JWT access token (for our own API, api-token.ts, or one of the tenant's API resources,
 * which the gateway serves) names its grant and login session, so the API can stop it when either
 * ends. For our API its scopes are also cut to those the API offers now (the user's or the
 * owner's current rights: the grant may hold more than they do), and a client-credentials request
 * naming no scope gets all it may have, as on /api/oauth/token. The response's `scope` follows
 * (it is read from the token after it is made).
 */
function ownApiClaims(ownApi: string) {
  return (token: IssuedToken, jwt: StructuredJwt) => {
    if (!token.resourceServer?.audience) return;
    if (token.resourceServer.audience === ownApi) {
      const offered = (token.resourceServer.scope ?? "").split(" ").filter(Boolean);
      const asked = (token.scope ?? "").split(" ").filter(Boolean);
      const scopes = token.kind === "ClientCredentials" && !asked.length ? compactGrants(offered) : asked.filter((s) => offered.includes(s));
      token.scope = scopes.join(" ") || undefined;
      jwt.payload.scope = token.scope;
    }
    if (token.kind === "AccessToken" && token.grantId) {
      jwt.payload[GRANT_CLAIM] = token.grantId;
      const loginSessionId = currentLoginLink()?.loginSessionId;
      if (loginSessionId) jwt.payload[LOGIN_SESSION_CLAIM] = loginSessionId;
    }
  };
}

/**
 * oidc-provider keeps no record of a JWT access token (it is self-contained), so its introspection
 * and revocation endpoints would not know one, and revoking one could not stop it. We keep it as
 * the library keeps an opaque token: its payload under its jti, with its grant (so revoking the
 * grant deletes it) and, through the adapter, the login session it descends from. The record is
 * marked `format: "jwt"`, which the library's opaque lookup refuses, so the bare jti is no token;
 * the adapter finds the record by the JWT itself (adapter.ts), and /api/v1 requires it (api-token.ts).
 */
async function keepJwtAccessToken(token: IssuedToken, jwt: StructuredJwt) {
  const fields = (token.constructor as unknown as { IN_PAYLOAD: string[] }).IN_PAYLOAD;
  const own = token as unknown as Record<string, unknown>;
  const record = Object.fromEntries(fields.filter((k) => own[k] !== undefined).map((k) => [k, own[k]]));
  const { iat, exp } = jwt.payload as { iat: number; exp: number };
  await token.adapter.upsert(token.jti, { ...record, iat, exp, format: "jwt" }, Math.max(1, exp - Math.floor(Date.now() / 1000)));
}

/** A token the provider found, as the liveness statement of /api/v1 reads it (api-token.ts). */
const liveRef = (token: IssuedToken): LiveTokenRef => ({
  sub: token.accountId ?? token.clientId,
  clientId: token.clientId,
  scopes: (token.scope ?? "").split(" ").filter(Boolean),
  grantId: token.grantId ?? null,
  // The token's own row names it, and the adapter found that row only while it is alive.
  loginSessionId: null,
  model: token.kind,
  jti: token.jti,
});

function configuration(db: Db, tenantId: string, jwks: JWK[], issuer: string, identity: IdentityConfig): Configuration {
  const ownApi = ownApiResource(issuer);
  return withDiscovery({
    adapter: createAdapterFactory(db, tenantId, issuer, identity.scopes),
    findAccount: accountFinder(db, tenantId, identity.customClaims),
    jwks: { keys: jwks },
    // The tenant's identity resources: the standard scopes and its own (identity.ts).
    claims: identity.claims,
    scopes: identity.scopes,
    responseTypes: ["code"],
    clientAuthMethods: ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
    pkce: { methods: ["S256"], required: () => true },
    rotateRefreshToken: true,
    allowOmittingSingleRegisteredRedirectUri: false,
    // Remember my choice: a consent given for one authorization only is not reused, a remembered one is, in any session (consent.ts)…
    loadExistingGrant: rememberedGrantLoader(db, tenantId),
    // …which outlives the provider session: logout ends its tokens, not the remembered grant.
    // (The library awaits the policy, lib/helpers/revoke.js; its type definitions say boolean.)
    revokeGrantPolicy: grantRevocationPolicy(db, tenantId) as unknown as (ctx: KoaContextWithOIDC) => boolean,
    extraClientMetadata: { properties: EXTRA_CLIENT_METADATA },
    // Fetching a client's JWKS and posting its logout tokens: public addresses only (security/outbound.ts).
    httpOptions: providerHttpOptions,
    // Our own API's resource indicator on this issuer (not a registered discovery field: ours).
    // `ui_locales` picks the language of the login, consent and error pages (interaction.ts).
    discovery: { uc_api_resource: ownApi, ui_locales_supported: ["zh-CN", "en"] },
    formats: {
      customizers: {
        jwt: (async (_ctx: unknown, token: IssuedToken, jwt: StructuredJwt) => {
          ownApiClaims(ownApi)(token, jwt);
          await keepJwtAccessToken(token, jwt);
        }) as never,
      },
    },
    clientBasedCORS: (_ctx, origin, client) => ((client as unknown as { uc_cors_origins?: string[] }).uc_cors_origins ?? []).includes(origin),
    cookies: {
      keys: cookieKeys(),
      names: { session: "uc_oidc_session", interaction: "uc_oidc_interaction", resume: "uc_oidc_resume" },
      long: { httpOnly: true, sameSite: "lax", signed: true },
      short: { httpOnly: true, sameSite: "lax", signed: true },
    },
    routes: {
      authorization: `${OIDC_PREFIX}/auth`,
      token: `${OIDC_PREFIX}/token`,
      userinfo: `${OIDC_PREFIX}/me`,
      jwks: `${OIDC_PREFIX}/jwks`,
      introspection: `${OIDC_PREFIX}/token/introspection`,
      revocation: `${OIDC_PREFIX}/token/revocation`,
      end_session: `${OIDC_PREFIX}/session/end`,
      pushed_authorization_request: `${OIDC_PREFIX}/request`,
      registration: `${OIDC_PREFIX}/reg`,
      code_verification: `${OIDC_PREFIX}/device`,
      device_authorization: `${OIDC_PREFIX}/device/auth`,
      backchannel_authentication: `${OIDC_PREFIX}/backchannel`,
    },
    interactions: { url: (_ctx, interaction) => interactionPath(interaction.uid) },
    features: {
      devInteractions: { enabled: false },
      // Machine clients on the provider's own token endpoint too (/api/oauth/token answers as before).
      clientCredentials: { enabled: true },
      // A client may introspect the tokens issued to it, nothing else (resource servers have no
      // credentials of their own here yet), and a token is active only while everything it depends
      // on is: the same statement as /api/v1's (api-token.ts), for every kind of token. The
      // library has found it (a JWT access token through its record, adapter.ts), unexpired,
      // under an existing grant of the same user and client.
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) =>
          token.clientId === client.clientId && !!(await liveTokenActor(db, new URL(issuer).host, liveRef(token as unknown as IssuedToken))).actor,
      },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      pushedAuthorizationRequests: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => sendPage(ctx, logoutPage(localeOf(ctx), form, ctx.oidc.client?.clientName ?? null)),
        postLogoutSuccessSource: (ctx) => sendPage(ctx, loggedOutPage(localeOf(ctx))),
      },
      resourceIndicators: {
        enabled: true,
        // Client credentials naming no resource are for our API, as on /api/oauth/token; the code
        // flow's default access token stays the opaque one for userinfo.
        defaultResource: (ctx) => (ctx.oidc.params?.grant_type === "client_credentials" ? ownApi : (undefined as unknown as string)),
        useGrantedResource: () => true,
        getResourceServerInfo: async (ctx, resource, client) => {
          const meta = client as unknown as { uc_token_lifetime?: number; uc_scopes?: string[]; uc_row_id?: string };
          const ttl = meta.uc_token_lifetime ?? 300;
          if (resource === ownApi) {
            // Our API: the uc.* codes the client is allowed that the user holds now, or, without a
            // user (client credentials; an authorization request before sign-in, asked again at
            // consent once the user is known), that the client's owner holds.
            const entities = ctx.oidc.entities as { Account?: { accountId: string }; Session?: { accountId?: string } };
            const accountId = ctx.oidc.params?.grant_type === "client_credentials" ? undefined : (entities.Account?.accountId ?? entities.Session?.accountId);
            const offered = await ownApiScopes(db, tenantId, meta.uc_row_id, accountId);
            if (!offered) throw new errors.InvalidTarget("the client may not use this resource");
            return { scope: offered.join(" "), audience: ownApi, accessTokenTTL: ttl, accessTokenFormat: "jwt", jwt: { sign: { alg: "ES256" } } };
          }
          // An API resource of this tenant, named by its name (an absolute URI): its audience, and
          // those of its scopes the client is allowed (OAuthClient.scopes); none allowed, no token.
          const api = await db.apiResource.findFirst({ where: { tenantId, name: resource, enabled: true }, select: { name: true, scopes: true } });
          if (!api) throw new errors.InvalidTarget();
          const allowed = new Set(meta.uc_scopes ?? []);
          const scopes = api.scopes.filter((s) => allowed.has(s));
          if (!scopes.length) throw new errors.InvalidTarget("the client may not use this resource");
          return { scope: scopes.join(" "), audience: api.name, accessTokenTTL: ttl, accessTokenFormat: "jwt", jwt: { sign: { alg: "ES256" } } };
        },
      },
    },
    ttl: {
      AccessToken: (_ctx, _token, client) => (client as unknown as { uc_token_lifetime?: number } | undefined)?.uc_token_lifetime ?? 300,
      AuthorizationCode: 60,
      IdToken: (_ctx, _token, client) => ucMeta(client).uc_id_token_lifetime ?? 3600,
      Interaction: 3600,
      // A grant outlives its refresh tokens (their absolute lifetime may be longer than the default).
      Grant: (_ctx, _grant, client) => Math.max(DEFAULT_REFRESH, ucMeta(client).uc_refresh_absolute ?? 0),
      Session: 14 * 86400,
      RefreshToken: (_ctx, token, client) => refreshTokenTTL(token as { iiat?: number }, client),
    },
    enabledJWA: {
      clientAuthSigningAlgValues: ASYMMETRIC,
      idTokenSigningAlgValues: ["ES256"],
      requestObjectSigningAlgValues: ASYMMETRIC,
      userinfoSigningAlgValues: ["ES256"],
      introspectionSigningAlgValues: ["ES256"],
      authorizationSigningAlgValues: ["ES256"],
    },
    // Our words per error code, never the library's description (pages.ts).
    renderError: (ctx, out, error) =>
      sendPage(
        ctx,
        errorPage(
          localeOf(ctx),
          { error: out.error, kind: error instanceof errors.SessionNotFound ? "session_not_found" : undefined },
          ctx.status >= 400 ? ctx.status : 400,
        ),
      ),
  });
}

interface Entry {
  provider: Provider;
  kids: string;
  checkedAt: number;
  /** What the provider's scopes and claims were made from, and this process's change count then (changes.ts). */
  identityStamp: string;
  identityVersion: number;
}
/** Cached providers, least recently used first (a hit moves its entry to the end). */
const providers = new Map<string, Promise<Entry>>();
/** Hosts are data, but the port in Host is the client's: at most this many issuers are kept (least recently used out first). */
const MAX_PROVIDERS = 256;
/**
 * Keys of issuers whose port is neither absent nor our own listening port, by tenant, scheme and
 * host name: at most MAX_OTHER_PORTS of them each, so a flood of made-up ports churns only these
 * few slots and never evicts an issuer of another host, nor this host's own.
 */
const otherPorts = new Map<string, string>();
const MAX_OTHER_PORTS = 2;

function forget(key: string) {
  providers.delete(key);
  otherPorts.delete(key);
}

async function build(db: Db, tenantId: string, issuer: string): Promise<Entry> {
  const version = identityVersion(tenantId);
  const [{ keys, kids }, identity] = await Promise.all([signingJwks(db), loadIdentityConfig(db, tenantId)]);
  const provider = new Provider(issuer, configuration(db, tenantId, keys, issuer, identity));
  // server.mjs has settled X-Forwarded-Proto (and X-Forwarded-Host only behind TRUSTED_PROXY).
  provider.proxy = true;
  // How this request presented a client secret: the library takes either way for either method,
  // we hold a client to the one it registered (client_secret_basic or client_secret_post).
  provider.use((ctx, next) => secretVia.run({ basic: /^basic\s/i.test(ctx.get("authorization")) }, next));
  // RFC 6749 §5.2: a grant type the client may not use is unauthorized_client (the library says invalid_request).
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { error?: string; error_description?: string } | undefined;
    if (
      ctx.path === `${OIDC_PREFIX}/token` &&
      body?.error === "invalid_request" &&
      body.error_description === "requested grant type is not allowed for this client"
    )
      body.error = "unauthorized_client";
  });
  // Our secrets are kept as SHA-256 only: compare against the table (see clients.ts).
  const ClientClass = provider.Client as unknown as {
    prototype: { compareClientSecret(actual: unknown): Promise<boolean>; uc_row_id?: string; clientAuthMethod?: string };
  };
  ClientClass.prototype.compareClientSecret = function (this: { uc_row_id?: string; clientAuthMethod?: string }, actual: unknown) {
    const via = secretVia.getStore();
    if (!via || (via.basic ? "client_secret_basic" : "client_secret_post") !== this.clientAuthMethod) return Promise.resolve(false);
    return this.uc_row_id ? verifyClientSecret(db, this.uc_row_id, actual) : Promise.resolve(false);
  };
  return { provider, kids, checkedAt: Date.now(), identityStamp: identity.stamp, identityVersion: version };
}

/** The provider of `tenantId` for `issuer` (the request's origin); `ownPort` is the port this server listens on. */
export async function providerFor(db: Db, tenantId: string, issuer: string, ownPort?: number): Promise<Provider> {
  const key = `${tenantId}|${issuer}`;
  let pending = providers.get(key);
  if (pending) {
    providers.delete(key);
    providers.set(key, pending);
  } else {
    const url = new URL(issuer);
    if (url.port && Number(url.port) !== ownPort) {
      const group = `${tenantId}|${url.protocol}//${url.hostname}`;
      const same = [...otherPorts].filter(([, g]) => g === group).map(([k]) => k);
      while (same.length >= MAX_OTHER_PORTS) forget(same.shift()!);
      otherPorts.set(key, group);
    }
    pending = build(db, tenantId, issuer);
    if (providers.size >= MAX_PROVIDERS) forget(providers.keys().next().value!);
    providers.set(key, pending);
    pending.catch(() => forget(key));
  }
  const entry = await pending;
  // Identity resources changed in this process: made again at once (elsewhere: the minute's check below).
  if (entry.identityVersion !== identityVersion(tenantId)) {
    forget(key);
    return providerFor(db, tenantId, issuer, ownPort);
  }
  if (Date.now() - entry.checkedAt > KEYS_CHECK_MS) {
    entry.checkedAt = Date.now();
    const [kids, identity] = await Promise.all([currentKids(db), loadIdentityConfig(db, tenantId)]);
    if (kids !== entry.kids || identity.stamp !== entry.identityStamp) {
      forget(key);
      return providerFor(db, tenantId, issuer, ownPort);
    }
  }
  return entry.provider;
}

/** Tests: how many providers are kept. */
export const providerCount = () => providers.size;

/** Tests: forget every provider (after rotating keys, between databases). */
export const resetProviders = () => {
  providers.clear();
  otherPorts.clear();
};
