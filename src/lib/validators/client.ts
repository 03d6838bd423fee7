import { z } from "zod";
import { isBlockedLiteralHost } from "~/lib/outbound-host";
import { boolish, imageUrlSchema, listInput, msg, refineRange, multiLineText, text, type MessageKey } from "~/lib/validators/common";
import { CLIENT_ORDER } from "./values";
export { CLIENT_ORDER };

/** client_credentials on /api/oauth/token; authorization_code and refresh_token on the tenant's OpenID Provider (/oidc). */
export const GRANT_TYPES = ["client_credentials", "authorization_code", "refresh_token"] as const;
/** Access-token lifetime bounds in seconds; the upper bound stays under how long retired signing keys are published. */
export const TOKEN_LIFETIME = { min: 60, max: 12 * 3600, default: 300 } as const;

/** What kind of app a client is; it decides the grant types, the authentication and which fields apply. */
export const CLIENT_TYPES = ["web", "spa", "native", "machine"] as const;
export type ClientType = (typeof CLIENT_TYPES)[number];
export const AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** Per type: the grant types it may have (the first required), and its token endpoint authentication methods. */
export const TYPE_RULES: Record<
  ClientType,
  { grants: readonly (typeof GRANT_TYPES)[number][]; required: (typeof GRANT_TYPES)[number]; auth: readonly AuthMethod[] }
> = {
  web: {
    grants: ["authorization_code", "refresh_token", "client_credentials"],
    required: "authorization_code",
    auth: ["client_secret_basic", "client_secret_post", "private_key_jwt"],
  },
  spa: { grants: ["authorization_code", "refresh_token"], required: "authorization_code", auth: ["none"] },
  native: { grants: ["authorization_code", "refresh_token"], required: "authorization_code", auth: ["none"] },
  machine: { grants: ["client_credentials"], required: "client_credentials", auth: ["client_secret_basic", "client_secret_post"] },
};
/** Whether users sign in through the client (the code flow): redirect URIs, ID tokens, refresh tokens and logout apply. */
export const signsInUsers = (type: ClientType) => type !== "machine";
/** A public client holds no secret: PKCE is its only proof. */
export const isPublicType = (type: ClientType) => type === "spa" || type === "native";

const DAY = 86400;
/** Lifetime bounds in seconds. The ID token's stays within a day (it is read once, at sign-in). */
export const ID_TOKEN_LIFETIME = { min: 60, max: DAY, default: 3600 } as const;
/** A refresh token lives at most this long after the sign-in, however often it is rotated. */
export const REFRESH_ABSOLUTE = { min: 300, max: 180 * DAY, default: 14 * DAY } as const;
/** Unused this long, it expires (each rotation starts the count again); never longer than the absolute lifetime. */
export const REFRESH_IDLE = { min: 300, max: 180 * DAY, default: 7 * DAY } as const;

const uniqueStrings = (list: string[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  list.forEach((v, i) => {
    if (seen.has(v)) ctx.addIssue({ code: "custom", path: [i], message: msg("duplicate") });
    seen.add(v);
  });
};

/** A scope token (RFC 6749 §3.3); whether it exists in the tenant is the server's check (services/client.ts). */
export const scopeSchema = text()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, msg("invalidScopeName"));

/** The only hosts an `http:` address may name (RFC 8252 §7.3 loopback redirection). */
export const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

type UriKind = "redirect" | "https";
/**
 * Why an address cannot be registered, as a message key, or null. Exact addresses only: no
 * wildcard, no fragment, no user or password; https, or http on a loopback host (redirects
 * only), or for a native app's redirect a private-use scheme (RFC 8252 §7.1: a reverse domain
 * name such as com.example.app:/callback). An address the server itself fetches ("https": JWKS,
 * back-channel logout) may not name an internal host literally (lib/outbound-host.ts); a name
 * that resolves to one is refused when it is fetched (server/security/outbound.ts).
 */
export function uriProblem(value: string, kind: UriKind, type?: ClientType): MessageKey | null {
  if (/[\s*]/.test(value)) return value.includes("*") ? "noWildcards" : "invalidUri";
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return "invalidUri";
  }
  if (value.includes("#")) return "noFragment";
  if (u.username || u.password) return "noCredentials";
  const scheme = u.protocol.slice(0, -1).toLowerCase();
  if (scheme === "https") return !u.hostname ? "invalidUri" : kind === "https" && isBlockedLiteralHost(u.hostname) ? "privateHost" : null;
  if (kind === "redirect" && scheme === "http") return LOOPBACK_HOSTS.has(u.hostname) ? null : "httpLoopbackOnly";
  if (kind === "redirect" && type === "native" && /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+$/.test(scheme)) return null;
  return kind === "redirect" ? (type === "native" ? "nativeRedirectScheme" : "httpLoopbackOnly") : "httpsOnly";
}

const uriList = (kind: UriKind) =>
  z
    .array(text().trim().min(1).max(1000))
    .max(20)
    .default([])
    .superRefine(uniqueStrings)
    .superRefine((list, ctx) => {
      // The type's own rule (native schemes) is checked with the whole client below.
      list.forEach((v, i) => {
        const p = uriProblem(v, kind, "native");
        if (p && p !== "nativeRedirectScheme") ctx.addIssue({ code: "custom", path: [i], message: msg(p) });
      });
    });
const httpsUri = text()
  .trim()
  .max(1000)
  .superRefine((v, ctx) => {
    const p = v === "" ? null : uriProblem(v, "https");
    if (p) ctx.addIssue({ code: "custom", message: msg(p) });
  });

/** An origin: scheme, host and optional port, nothing else (`https://app.example.com`); http only for loopback. */
export function isOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    if (u.origin !== value) return false;
    return u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK_HOSTS.has(u.hostname));
  } catch {
    return false;
  }
}
const originSchema = text()
  .trim()
  .refine(isOrigin, { message: msg("invalidOrigin") });

const lifetime = (b: { min: number; max: number; default: number }) => z.coerce.number().int().min(b.min).max(b.max).default(b.default);

const clientBase = z.object({
  name: text().trim().min(2).max(64),
  description: multiLineText().trim().max(500).nullish(),
  /** Absent: machine for client credentials only, else web (what callers before types meant). */
  clientType: z.enum(CLIENT_TYPES).optional(),
  grantTypes: z.array(z.enum(GRANT_TYPES)).min(1).default(["client_credentials"]).superRefine(uniqueStrings),
  /** Absent: the type's first method (none for SPA and native apps). */
  tokenEndpointAuthMethod: z.enum(AUTH_METHODS).optional(),
  /** The client's public keys, for private_key_jwt. */
  jwksUri: httpsUri.nullish(),
  scopes: z.array(scopeSchema).max(200).default([]).superRefine(uniqueStrings),
  redirectUris: uriList("redirect"),
  /** Where RP-initiated logout may return the browser (exact match, like redirectUris). */
  postLogoutRedirectUris: uriList("redirect"),
  /** Whether its users are asked for consent; false for the tenant's own (first-party) apps. */
  consentRequired: z.boolean().default(true),
  corsOrigins: z.array(originSchema).max(20).default([]).superRefine(uniqueStrings),
  tokenLifetime: lifetime(TOKEN_LIFETIME),
  idTokenLifetime: lifetime(ID_TOKEN_LIFETIME),
  refreshTokenAbsoluteLifetime: lifetime(REFRESH_ABSOLUTE),
  refreshTokenIdleLifetime: lifetime(REFRESH_IDLE),
  /** Where a signed logout token is POSTed when a user's session ends (OpenID Connect Back-Channel Logout). */
  backchannelLogoutUri: httpsUri.nullish(),
  /** Shown on the consent page: https, or a file of our library. */
  logoUri: imageUrlSchema.nullish(),
  enabled: z.boolean().default(true),
});
type ClientBase = z.output<typeof clientBase>;

/** The client's type: as given, or what its grant types meant before types existed. */
export const typeOf = (c: Pick<ClientBase, "clientType" | "grantTypes">): ClientType =>
  c.clientType ?? (c.grantTypes.every((g) => g === "client_credentials") ? "machine" : "web");
const authOf = (c: Pick<ClientBase, "clientType" | "grantTypes" | "tokenEndpointAuthMethod">): AuthMethod =>
  c.tokenEndpointAuthMethod ?? TYPE_RULES[typeOf(c)].auth[0]!;

/** The type's rules over the whole client (grant types, authentication, addresses, lifetimes). */
function typeRules(c: ClientBase, ctx: z.RefinementCtx) {
  const type = typeOf(c);
  const rules = TYPE_RULES[type];
  const auth = authOf(c);
  const issue = (path: (string | number)[], key: MessageKey) => ctx.addIssue({ code: "custom", path, message: msg(key) });
  c.grantTypes.forEach((g, i) => {
    if (!rules.grants.includes(g))
      issue(["grantTypes", i], type === "machine" ? "machineGrantOnly" : isPublicType(type) ? "publicGrants" : "invalidGrantForType");
  });
  if (!c.grantTypes.includes(rules.required)) issue(["grantTypes"], type === "machine" ? "machineGrantOnly" : "needsCodeGrant");
  if (!rules.auth.includes(auth)) issue(["tokenEndpointAuthMethod"], isPublicType(type) ? "publicAuthNone" : type === "machine" ? "machineAuth" : "webAuth");
  if (auth === "private_key_jwt" && !c.jwksUri) issue(["jwksUri"], "jwksUriRequired");
  if (signsInUsers(type)) {
    if (!c.redirectUris.length) issue(["redirectUris"], "redirectUriRequired");
    for (const field of ["redirectUris", "postLogoutRedirectUris"] as const)
      c[field].forEach((v, i) => {
        // The list's own check took every address as a native app's; what remains is the type's own say.
        const asNative = uriProblem(v, "redirect", "native");
        const asType = uriProblem(v, "redirect", type);
        if (asType && (asNative === null || asNative === "nativeRedirectScheme")) issue([field, i], asType);
      });
  } else {
    if (c.redirectUris.length) issue(["redirectUris"], "machineNoRedirect");
    if (c.postLogoutRedirectUris.length) issue(["postLogoutRedirectUris"], "machineNoRedirect");
  }
  if (c.refreshTokenIdleLifetime > c.refreshTokenAbsoluteLifetime) issue(["refreshTokenIdleLifetime"], "idleOverAbsolute");
}

/** A valid client as stored: type and method settled, fields that do not apply to its type cleared. */
export function settleClient<T extends ClientBase>(c: T): T & { clientType: ClientType; tokenEndpointAuthMethod: AuthMethod } {
  const type = typeOf(c);
  const auth = authOf(c);
  const applies = signsInUsers(type);
  return {
    ...c,
    clientType: type,
    tokenEndpointAuthMethod: auth,
    jwksUri: auth === "private_key_jwt" ? c.jwksUri || null : null,
    backchannelLogoutUri: applies ? c.backchannelLogoutUri || null : null,
    logoUri: c.logoUri || null,
    consentRequired: applies ? c.consentRequired : false,
  };
}

/** The fields of a client as the form edits them (no rules across fields: see clientCreateInput). */
export const clientFields = clientBase;
export type ClientFields = z.input<typeof clientFields>;

export const clientCreateInput = clientBase
  .extend({
    /** Operators may create a client in another tenant. */
    tenantId: z.uuid().optional(),
  })
  .superRefine(typeRules);
export const clientUpdateInput = clientBase.extend({ id: z.uuid() }).superRefine(typeRules);

export const clientListInput = listInput
  .extend({
    orderby: z.enum(CLIENT_ORDER).default("createdAt"),
    name: text().trim().max(64).optional(),
    enabled: boolish.optional(),
    tenantId: z.uuid().optional(),
  })
  .superRefine(refineRange);
export type ClientListInput = z.input<typeof clientListInput>;

export const clientSummary = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  clientId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  clientType: z.enum(CLIENT_TYPES),
  grantTypes: z.array(z.string()),
  scopes: z.array(z.string()),
  tokenLifetime: z.number().int(),
  enabled: z.boolean(),
  ownerId: z.string().nullable(),
  secretCount: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ClientSummary = z.infer<typeof clientSummary>;

/** A secret as listed: never the secret, only its hint. */
export const secretItem = z.object({
  id: z.uuid(),
  hint: z.string(),
  description: z.string().nullable(),
  expiresAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  createdAt: z.date(),
  expired: z.boolean(),
});
export type SecretItem = z.infer<typeof secretItem>;

export const clientDetail = clientSummary.extend({
  redirectUris: z.array(z.string()),
  postLogoutRedirectUris: z.array(z.string()),
  consentRequired: z.boolean(),
  corsOrigins: z.array(z.string()),
  tokenEndpointAuthMethod: z.enum(AUTH_METHODS),
  jwksUri: z.string().nullable(),
  idTokenLifetime: z.number().int(),
  refreshTokenAbsoluteLifetime: z.number().int(),
  refreshTokenIdleLifetime: z.number().int(),
  backchannelLogoutUri: z.string().nullable(),
  logoUri: z.string().nullable(),
  secrets: z.array(secretItem),
});
export type ClientDetail = z.infer<typeof clientDetail>;

export const secretCreateInput = z.object({
  id: z.uuid(),
  description: text().trim().max(200).nullish(),
  /** Absent or null: never expires. */
  expiresAt: z.coerce.date().nullish(),
});
export const secretDeleteInput = z.object({ id: z.uuid(), secretId: z.uuid() });

/** The one answer that carries a secret in clear: shown once, never stored. */
export const secretCreated = secretItem.extend({ secret: z.string() });

export const issueTokenInput = z.object({
  id: z.uuid(),
  /** Space-separated; absent: every scope the client is allowed. */
  scope: text().trim().max(4000).optional(),
});
export const issuedToken = z.object({
  access_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int(),
  scope: z.string(),
  claims: z.record(z.string(), z.unknown()),
  header: z.record(z.string(), z.unknown()),
});

export const scopeChoicesInput = z.object({ tenantId: z.uuid().optional() });
const scopeChoice = z.object({ name: z.string(), displayName: z.string().nullable() });
/** What the scope picker offers besides offline_access and the permission codes. */
export const scopeChoices = z.object({ identity: z.array(scopeChoice), api: z.array(scopeChoice) });
export type ScopeChoices = z.infer<typeof scopeChoices>;
