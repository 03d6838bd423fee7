/**
 * One OpenID Provider (panva's oidc-provider 8.x) per tenant and issuer, made on first use and
 * kept per process. The issuer is the origin the client used (`https://<tenant host>`), so each
 * host of a tenant publishes discovery with its own issuer; every provider of a tenant shares the
 * tenant's storage (adapter.ts), its clients (clients.ts) and accounts (account.ts), and all of
 * them sign with the keys the platform already rotates (services/tokens.ts): the active key
 * first, then retired ones still published. When the key set changes the provider is made anew.
 */
import { createHmac } from "node:crypto";
import Provider, { errors, type Configuration, type JWK, type KoaContextWithOIDC } from "oidc-provider";
import type { Db } from "~/server/db";
import { decryptSecret } from "~/server/crypto";
import { getSecrets } from "~/server/secrets";
import { PUBLISH_RETIRED_MS, ensureSigningKey } from "~/server/services/tokens";
import { createAdapterFactory } from "~/server/oidc/adapter";
import { accountFinder, OIDC_CLAIMS } from "~/server/oidc/account";
import { EXTRA_CLIENT_METADATA, verifyClientSecret } from "~/server/oidc/clients";
import { errorPage, loggedOutPage, logoutPage, pageLocale, type Page } from "~/server/oidc/pages";

/** Where the provider's endpoints live (discovery stays at /.well-known/openid-configuration). */
export const OIDC_PREFIX = "/oidc";
export const interactionPath = (uid: string) => `${OIDC_PREFIX}/interaction/${uid}`;

const KEYS_CHECK_MS = 60_000;
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

function configuration(db: Db, tenantId: string, jwks: JWK[]): Configuration {
  return withDiscovery({
    adapter: createAdapterFactory(db, tenantId),
    findAccount: accountFinder(db, tenantId),
    jwks: { keys: jwks },
    claims: OIDC_CLAIMS,
    scopes: ["openid", "offline_access", "profile", "email", "phone", "address"],
    responseTypes: ["code"],
    clientAuthMethods: ["client_secret_basic", "none"],
    pkce: { methods: ["S256"], required: () => true },
    rotateRefreshToken: true,
    allowOmittingSingleRegisteredRedirectUri: false,
    extraClientMetadata: { properties: EXTRA_CLIENT_METADATA },
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
      clientCredentials: { enabled: false },
      // A client may introspect the tokens issued to it, nothing else (resource servers: not yet).
      introspection: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
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
        defaultResource: () => undefined as unknown as string,
        useGrantedResource: () => true,
        // An API resource of this tenant, named by its name (an absolute URI): its audience, and
        // those of its scopes the client is allowed (OAuthClient.scopes); none allowed, no token.
        getResourceServerInfo: async (_ctx, resource, client) => {
          const api = await db.apiResource.findFirst({ where: { tenantId, name: resource, enabled: true }, select: { name: true, scopes: true } });
          if (!api) throw new errors.InvalidTarget();
          const meta = client as unknown as { uc_token_lifetime?: number; uc_scopes?: string[] };
          const allowed = new Set(meta.uc_scopes ?? []);
          const scopes = api.scopes.filter((s) => allowed.has(s));
          if (!scopes.length) throw new errors.InvalidTarget("the client may not use this resource");
          const ttl = meta.uc_token_lifetime ?? 300;
          return { scope: scopes.join(" "), audience: api.name, accessTokenTTL: ttl, accessTokenFormat: "jwt", jwt: { sign: { alg: "ES256" } } };
        },
      },
    },
    ttl: {
      AccessToken: (_ctx, _token, client) => (client as unknown as { uc_token_lifetime?: number } | undefined)?.uc_token_lifetime ?? 300,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Grant: 14 * 86400,
      Session: 14 * 86400,
      RefreshToken: 14 * 86400,
    },
    enabledJWA: {
      clientAuthSigningAlgValues: ASYMMETRIC,
      idTokenSigningAlgValues: ["ES256"],
      requestObjectSigningAlgValues: ASYMMETRIC,
      userinfoSigningAlgValues: ["ES256"],
      introspectionSigningAlgValues: ["ES256"],
      authorizationSigningAlgValues: ["ES256"],
    },
    renderError: (ctx, out) => sendPage(ctx, errorPage(localeOf(ctx), out, ctx.status >= 400 ? ctx.status : 400)),
  });
}

interface Entry {
  provider: Provider;
  kids: string;
  checkedAt: number;
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
  const { keys, kids } = await signingJwks(db);
  const provider = new Provider(issuer, configuration(db, tenantId, keys));
  // server.mjs has settled X-Forwarded-Proto (and X-Forwarded-Host only behind TRUSTED_PROXY).
  provider.proxy = true;
  // Our secrets are kept as SHA-256 only: compare against the table (see clients.ts).
  const ClientClass = provider.Client as unknown as { prototype: { compareClientSecret(actual: unknown): Promise<boolean>; uc_row_id?: string } };
  ClientClass.prototype.compareClientSecret = function (this: { uc_row_id?: string }, actual: unknown) {
    return this.uc_row_id ? verifyClientSecret(db, this.uc_row_id, actual) : Promise.resolve(false);
  };
  return { provider, kids, checkedAt: Date.now() };
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
  if (Date.now() - entry.checkedAt > KEYS_CHECK_MS) {
    entry.checkedAt = Date.now();
    if ((await currentKids(db)) !== entry.kids) {
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
