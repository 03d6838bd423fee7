import { z } from "zod";
import { boolish, listInput, msg, refineRange, multiLineText, text, urlText } from "~/lib/validators/common";
import { isGrantable } from "~/lib/permissions";

/** client_credentials on /api/oauth/token; authorization_code and refresh_token on the tenant's OpenID Provider (/oidc). */
export const GRANT_TYPES = ["client_credentials", "authorization_code", "refresh_token"] as const;
export const CLIENT_ORDER = ["createdAt", "updatedAt", "name"] as const;
/** Access-token lifetime bounds in seconds; the upper bound stays under how long retired signing keys are published. */
export const TOKEN_LIFETIME = { min: 60, max: 12 * 3600, default: 300 } as const;

const uniqueStrings = (list: string[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  list.forEach((v, i) => {
    if (seen.has(v)) ctx.addIssue({ code: "custom", path: [i], message: msg("duplicate") });
    seen.add(v);
  });
};

export const scopeSchema = text()
  .trim()
  .refine((s) => isGrantable(s), { message: msg("unknownScope") });

/** An origin: scheme, host and optional port, nothing else (`https://app.example.com`). */
const originSchema = text()
  .trim()
  .regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, msg("invalidOrigin"));

export const clientFields = z.object({
  name: text().trim().min(2).max(64),
  description: multiLineText().trim().max(500).nullish(),
  grantTypes: z.array(z.enum(GRANT_TYPES)).min(1).default(["client_credentials"]).superRefine(uniqueStrings),
  scopes: z.array(scopeSchema).max(200).default([]).superRefine(uniqueStrings),
  redirectUris: z
    .array(urlText({ protocol: /^https?$/ }).max(1000))
    .max(20)
    .default([])
    .superRefine(uniqueStrings),
  /** Where RP-initiated logout may return the browser (exact match, like redirectUris). */
  postLogoutRedirectUris: z
    .array(urlText({ protocol: /^https?$/ }).max(1000))
    .max(20)
    .default([])
    .superRefine(uniqueStrings),
  /** The tenant's own app: its users are not asked for consent. */
  firstParty: z.boolean().default(false),
  corsOrigins: z.array(originSchema).max(20).default([]).superRefine(uniqueStrings),
  tokenLifetime: z.coerce.number().int().min(TOKEN_LIFETIME.min).max(TOKEN_LIFETIME.max).default(TOKEN_LIFETIME.default),
  enabled: z.boolean().default(true),
});
export type ClientFields = z.input<typeof clientFields>;

export const clientCreateInput = clientFields.extend({
  /** Operators may create a client in another tenant. */
  tenantId: z.uuid().optional(),
});
export const clientUpdateInput = clientFields.extend({ id: z.uuid() });

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
  firstParty: z.boolean(),
  corsOrigins: z.array(z.string()),
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
