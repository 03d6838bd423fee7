/**
 * API publishing (versions, revisions, releases, the publish configuration): schemas shared by
 * the console's forms and the procedures.
 */
import { z } from "zod";
import { msg, multiLineText, text, urlText } from "~/lib/validators/common";

/** The largest API description we take, by upload or by URL (10 MB). */
export const MAX_API_DOCUMENT_BYTES = 10 * 1024 * 1024;

export const VERSION_SCHEMES = ["path", "query", "header"] as const;
export type VersionScheme = (typeof VERSION_SCHEMES)[number];

/** `v1`, `v2`, `2024-06`, `beta`: what callers put in the path, the query or the header. */
export const versionName = text()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, msg("versionNameChars"));

export const apiVersionCreateInput = z.object({
  /** The API resource. */
  id: z.uuid(),
  name: versionName,
  scheme: z.enum(VERSION_SCHEMES).default("path"),
});
export type ApiVersionCreateInput = z.input<typeof apiVersionCreateInput>;

const note = multiLineText().trim().max(500).nullish();

/** Where a revision's document comes from: its text (an upload) or an address we fetch. */
export const revisionSource = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("text"),
    // Counted in characters here; the service also checks the UTF-8 size.
    text: z.string().min(1, msg("documentEmpty")).max(MAX_API_DOCUMENT_BYTES, msg("documentTooLarge")),
    fileName: text().trim().max(200).nullish(),
  }),
  z.object({
    kind: z.literal("url"),
    url: urlText({ protocol: /^https?$/, message: msg("documentUrl") })
      .trim()
      .max(2000),
  }),
]);

export const revisionImportInput = z.object({
  /** The API resource. */
  id: z.uuid(),
  versionId: z.uuid(),
  note,
  source: revisionSource,
});
export type RevisionImportInput = z.input<typeof revisionImportInput>;

export const releaseNotes = multiLineText().trim().max(5000);

export const revisionOnlineInput = z.object({
  /** The revision. */
  id: z.uuid(),
  notes: releaseNotes.default(""),
  /** Put a revision with breaking changes online in the same version anyway. */
  confirmBreaking: z.boolean().default(false),
});
export type RevisionOnlineInput = z.input<typeof revisionOnlineInput>;

export const releaseCreateInput = z.object({ revisionId: z.uuid(), notes: releaseNotes.min(1) });
export const releaseUpdateInput = z.object({ id: z.uuid(), notes: releaseNotes.min(1) });
export type ReleaseFields = z.input<typeof releaseUpdateInput>;

/** The gateway path segment: /gateway/<suffix>/… */
export const gatewaySuffix = text()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9]+$/, msg("suffixChars"));

export const publishConfigFields = z.object({
  suffix: gatewaySuffix,
  /** `self`: this tenant's own OpenID Provider; else the id of one of its other authorization servers (authServers). */
  authServer: z.union([z.literal("self"), z.uuid({ message: msg("authServerUnknown") })]).default("self"),
  scopes: z.array(text().trim().min(1).max(100)).max(100).default([]),
  openId: z.boolean().default(false),
  /** Where the gateway sends the calls (https, or http on loopback for local backends). */
  backendUrl: urlText({ protocol: /^https?$/, message: msg("invalidUri") })
    .trim()
    .max(2000)
    .nullish(),
  /** Calls each client may make per minute through the gateway; null or absent: no limit. */
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).nullish(),
});
export type PublishConfigFields = z.input<typeof publishConfigFields>;
export const publishConfigInput = publishConfigFields.extend({ id: z.uuid() });

// --- answers ---

export const changeKinds = ["added", "removed", "changed"] as const;
export const operationChange = z.object({
  kind: z.enum(changeKinds),
  method: z.string(),
  path: z.string(),
  breaking: z.boolean(),
  /** The differ's own words for each change within the operation (English). */
  details: z.array(z.object({ text: z.string(), breaking: z.boolean() })),
});
export type OperationChange = z.infer<typeof operationChange>;
export const changelog = z.object({
  operations: z.array(operationChange),
  /** Changes outside any operation (info, servers, shared schemas), counted. */
  other: z.number().int(),
  breaking: z.boolean(),
});
export type Changelog = z.infer<typeof changelog>;

export const revisionItem = z.object({
  id: z.uuid(),
  apiVersionId: z.uuid(),
  number: z.number().int(),
  note: z.string().nullable(),
  sourceFormat: z.string(),
  sourceSyntax: z.string(),
  sourceOrigin: z.string().nullable(),
  title: z.string(),
  operationCount: z.number().int(),
  comparedToId: z.string().nullable(),
  breaking: z.boolean(),
  online: z.boolean(),
  /** The newest revision of its version. */
  current: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type RevisionItem = z.infer<typeof revisionItem>;

/** What an import by URL answers at once: the job that fetches and imports the document (job.get, job.cancel). */
export const revisionImportJob = z.object({ jobId: z.uuid() });
/** importRevision's answer: the new revision (an uploaded or pasted document), or the job importing it from its URL. */
export const revisionImportOutput = z.union([revisionItem, revisionImportJob]);
export type RevisionImportOutput = z.infer<typeof revisionImportOutput>;

/** The steps of an import by URL, as job.get reports them. */
export const API_IMPORT_STEPS = ["fetch", "parse", "import", "record"] as const;

const importFailureText = z.object({ name: z.string(), description: z.string(), fields: z.record(z.string(), z.array(z.string())) });
/** Why an import job failed: the error the synchronous import would have answered, in both languages. */
export const revisionImportFailure = z.object({ appCode: z.number().int(), "zh-CN": importFailureText, en: importFailureText });
export type RevisionImportFailure = z.infer<typeof revisionImportFailure>;
/** An import job's result (job.get's `result`): the revision it created, or why it failed. */
export const revisionImportJobResult = z.object({
  revision: revisionItem.pick({ id: true, apiVersionId: true, number: true, title: true, operationCount: true, breaking: true }).nullable(),
  failure: revisionImportFailure.nullable(),
});
export type RevisionImportJobResult = z.infer<typeof revisionImportJobResult>;
export const revisionDetail = revisionItem.extend({ changes: changelog.nullable(), document: z.record(z.string(), z.unknown()) });
export type RevisionDetail = z.infer<typeof revisionDetail>;

export const versionItem = z.object({
  id: z.uuid(),
  apiResourceId: z.uuid(),
  name: z.string(),
  scheme: z.enum(VERSION_SCHEMES),
  onlineRevisionId: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  revisions: z.array(revisionItem),
});
export type VersionItem = z.infer<typeof versionItem>;

export const releaseItem = z.object({
  id: z.uuid(),
  apiVersionId: z.uuid(),
  versionName: z.string(),
  revisionId: z.uuid(),
  revisionNumber: z.number().int(),
  notes: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ReleaseItem = z.infer<typeof releaseItem>;

export const publishConfigItem = z.object({
  apiResourceId: z.uuid(),
  suffix: z.string(),
  productIds: z.array(z.string()),
  authServer: z.string(),
  scopes: z.array(z.string()),
  openId: z.boolean(),
  backendUrl: z.string().nullable(),
  rateLimitPerMinute: z.number().int().nullable(),
  updatedAt: z.date(),
});
export type PublishConfigItem = z.infer<typeof publishConfigItem>;

// --- authorization servers ---

/** A discovery URL: `https://<issuer>/.well-known/openid-configuration` (the service checks the issuer it names). */
export const discoveryUrl = urlText({ protocol: /^https?$/, message: msg("discoveryUrl") })
  .trim()
  .max(2000)
  .refine(
    (s) => {
      try {
        const u = new URL(s);
        return u.pathname.endsWith("/.well-known/openid-configuration") && !u.search && !u.hash && !u.username && !u.password;
      } catch {
        return false;
      }
    },
    { message: msg("discoveryUrl") },
  );

export const authServerFields = z.object({ name: text().trim().min(1).max(100), discoveryUrl });
export type AuthServerFields = z.input<typeof authServerFields>;
export const authServerCreateInput = authServerFields.extend({ tenantId: z.uuid().optional() });
export const authServerListInput = z.object({ tenantId: z.uuid().optional() });

/** An authorization server an API may name: this tenant's own OpenID Provider (`id` "self", listed first), or one it added. */
export const authServerItem = z.object({
  id: z.string(),
  kind: z.enum(["self", "other"]),
  name: z.string(),
  issuer: z.string(),
  discoveryUrl: z.string(),
  jwksUri: z.string(),
  /** How many of the tenant's publish configurations name it. */
  usedBy: z.number().int(),
  createdAt: z.date().nullable(),
});
export type AuthServerItem = z.infer<typeof authServerItem>;

// --- gateway traffic ---

export const STAT_WINDOWS = ["24h", "7d", "30d"] as const;
export type StatWindow = (typeof STAT_WINDOWS)[number];
export const STAT_WINDOW_HOURS: Record<StatWindow, number> = { "24h": 24, "7d": 168, "30d": 720 };

export const gatewayStatsInput = z.object({
  /** The API resource. */
  id: z.uuid(),
  /** How far back, in hours (the last hour by default, at most 30 days); `window` wins when given. */
  hours: z.coerce.number().int().min(1).max(720).default(1),
  window: z.enum(STAT_WINDOWS).optional(),
});
export const gatewayStatRow = z.object({
  version: z.string(),
  clientId: z.string(),
  /** The product subscription that issued the client, when one did: its product and subscriber. */
  subscription: z
    .object({
      id: z.uuid(),
      status: z.string(),
      product: z.object({ id: z.uuid(), name: z.string(), displayName: z.string().nullable() }),
      owner: z.object({ id: z.uuid(), userName: z.string().nullable(), nickname: z.string().nullable(), email: z.string().nullable() }),
    })
    .nullable(),
  calls: z.number().int(),
  clientErrors: z.number().int(),
  serverErrors: z.number().int(),
  /** Share of calls answered 4xx or 5xx (0 to 1). */
  errorRate: z.number(),
  /** Mean time to the answer's headers, in milliseconds. */
  meanMs: z.number(),
});
export type GatewayStatRow = z.infer<typeof gatewayStatRow>;

/** Calls per time bucket (an hour for 24 hours, a day beyond), for the chart. */
export const gatewaySeriesPoint = z.object({ at: z.date(), calls: z.number().int(), clientErrors: z.number().int(), serverErrors: z.number().int() });
export const gatewayTraffic = z.object({
  window: z.enum(STAT_WINDOWS),
  since: z.date(),
  bucket: z.enum(["hour", "day"]),
  totals: z.object({ calls: z.number().int(), clientErrors: z.number().int(), serverErrors: z.number().int(), errorRate: z.number() }),
  series: z.array(gatewaySeriesPoint),
  byVersion: z.array(z.object({ version: z.string(), calls: z.number().int(), errorRate: z.number() })),
  rows: z.array(gatewayStatRow),
});
export type GatewayTraffic = z.infer<typeof gatewayTraffic>;
export const gatewayTrafficInput = z.object({ id: z.uuid(), window: z.enum(STAT_WINDOWS).default("24h") });
