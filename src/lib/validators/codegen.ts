/**
 * Code generation (SDKs from an API's published description): the settings forms' schemas,
 * shared by the console and the procedures, and the answers. Tokens are write-only: inputs take
 * a new token (empty keeps the stored one, `clearToken` removes it), answers say `hasToken`.
 */
import { z } from "zod";
import { msg, multiLineText, text, urlText } from "~/lib/validators/common";

/** The languages settings are kept for (src/server/codegen/generators.ts names each generator's). */
export const CODEGEN_LANGUAGES = ["typescript", "java", "python", "go"] as const;
export type CodegenLanguageName = (typeof CODEGEN_LANGUAGES)[number];

export const HISTORY_KINDS = ["preview", "release", "gitsync"] as const;
export const HISTORY_STATUSES = ["running", "succeeded", "failed", "cancelled"] as const;

/** An npm package name: lower case, optionally scoped (`@acme/orders-client`), at most 214 characters. */
export const NPM_NAME_RE = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
export const npmPackageName = text().trim().min(1).max(214).regex(NPM_NAME_RE, msg("npmPackageName"));

/** The SDK's class: an identifier every target language accepts. */
export const SDK_CLASS_RE = /^[A-Za-z][A-Za-z0-9_]*$/;
export const sdkClassName = text().trim().min(1).max(100).regex(SDK_CLASS_RE, msg("sdkClassName"));

/** Semantic version `1.2.3` with an optional pre-release (`-beta.1`) and build (`+abc`). */
export const SEMVER_RE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
export const semverVersion = text().trim().min(1).max(64).regex(SEMVER_RE, msg("semverVersion"));

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** Any address of 127.0.0.0/8 is this machine. */
const isLoopbackHost = (host: string) => LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/**
 * Where an SDK is published or pushed: https, or http to a loopback host (a registry or Git
 * server on this machine). The server also refuses a loopback address unless the operator allows
 * it (UC_OUTBOUND_ALLOW_ADDRESSES, as the outbound guard does); no user name or password in it.
 */
export function isRemoteUrl(value: string): boolean {
  try {
    const u = new URL(value);
    if (u.username || u.password || !u.hostname) return false;
    if (u.protocol === "https:") return true;
    return u.protocol === "http:" && isLoopbackHost(u.hostname);
  } catch {
    return false;
  }
}
export const isLoopbackUrl = (value: string) => {
  try {
    return isLoopbackHost(new URL(value).hostname);
  } catch {
    return false;
  }
};

export const remoteUrl = urlText({ message: msg("httpsOrLoopback") })
  .trim()
  .max(2000)
  .refine(isRemoteUrl, { message: msg("httpsOrLoopback") });
const optionalRemoteUrl = z.union([z.literal(""), remoteUrl]);

/** Written into the SDK as its default server: https, or http for local development servers. */
export const sdkBaseUrl = z.union([
  z.literal(""),
  urlText({ protocol: /^https?$/, message: msg("sdkBaseUrl") })
    .trim()
    .max(2000)
    .refine((s) => !/^[a-z]+:\/\/[^/]*@/i.test(s), { message: msg("sdkBaseUrl") }),
]);

const homepage = z.union([
  z.literal(""),
  urlText({ protocol: /^https$/, message: msg("httpsOnly") })
    .trim()
    .max(2000),
]);

/** A new token; "" keeps the stored one. */
const tokenInput = text().trim().max(4000).default("");

export const npmSettingsFields = z.object({
  packageName: npmPackageName,
  className: sdkClassName,
  version: semverVersion,
  homepage: homepage.default(""),
  author: text().trim().max(200).default(""),
  keywords: z.array(text().trim().min(1).max(50)).max(20).default([]),
  description: multiLineText().trim().max(1000).default(""),
  license: text()
    .trim()
    .max(100)
    .regex(/^[A-Za-z0-9.+() -]*$/, msg("licenseChars"))
    .default("MIT"),
  readme: multiLineText().max(100_000).default(""),
  registryUrl: remoteUrl.default("https://registry.npmjs.org/"),
  token: tokenInput,
  clearToken: z.boolean().default(false),
});
export type NpmSettingsFields = z.input<typeof npmSettingsFields>;
export const npmSettingsInput = npmSettingsFields.extend({ id: z.uuid(), language: z.enum(CODEGEN_LANGUAGES) });

/** A branch name Git accepts (`git check-ref-format --branch`, the common rules). */
export const gitBranch = text()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => /^[A-Za-z0-9._/-]+$/.test(s) && !/(^[-/.])|\.\.|\/\/|[/.]$|\.lock$|@\{/.test(s), { message: msg("gitBranch") });

export const gitSettingsFields = z.object({
  remoteUrl: optionalRemoteUrl.default(""),
  branch: gitBranch.default("main"),
  userName: text().trim().max(200).default(""),
  userEmail: z.union([z.literal(""), z.email({ message: msg("invalidEmail") }).max(200)]).default(""),
  token: tokenInput,
  clearToken: z.boolean().default(false),
  /** One label per operation tag in the repository. */
  syncLabels: z.boolean().default(false),
  /** Push the API's documentation beside the code. */
  syncDocs: z.boolean().default(false),
});
export type GitSettingsFields = z.input<typeof gitSettingsFields>;
export const gitSettingsInput = gitSettingsFields.extend({ id: z.uuid() });

export const commonSettingsFields = z.object({
  /** The revision SDKs are built from; null: whichever is online when they are built. */
  revisionId: z.uuid().nullable().default(null),
  baseUrl: sdkBaseUrl.default(""),
});
export type CommonSettingsFields = z.input<typeof commonSettingsFields>;
export const commonSettingsInput = commonSettingsFields.extend({ id: z.uuid() });

export const languageInput = z.object({ id: z.uuid(), language: z.enum(CODEGEN_LANGUAGES) });

// --- answers ---

export const generatorItem = z.object({
  id: z.string(),
  language: z.string(),
  kind: z.enum(["client", "server"]),
  engine: z.enum(["hey-api", "ogp", "swagger"]),
  label: z.string(),
  available: z.boolean(),
  /** Why it cannot run here: `missingPackage` or `noJava`. */
  unavailable: z.enum(["missingPackage", "noJava"]).nullable(),
  entry: z.string().nullable(),
});
export type GeneratorItem = z.infer<typeof generatorItem>;

export const npmSettingsItem = npmSettingsFields.omit({ token: true, clearToken: true }).extend({
  language: z.enum(CODEGEN_LANGUAGES),
  hasToken: z.boolean(),
  /** False while these are the defaults (nothing saved yet). */
  saved: z.boolean(),
  updatedAt: z.date().nullable(),
});
export type NpmSettingsItem = z.infer<typeof npmSettingsItem>;

export const gitSettingsItem = gitSettingsFields.omit({ token: true, clearToken: true }).extend({
  hasToken: z.boolean(),
  saved: z.boolean(),
  updatedAt: z.date().nullable(),
});
export type GitSettingsItem = z.infer<typeof gitSettingsItem>;

export const commonSettingsItem = z.object({
  revisionId: z.string().nullable(),
  baseUrl: z.string(),
  saved: z.boolean(),
  updatedAt: z.date().nullable(),
});
export type CommonSettingsItem = z.infer<typeof commonSettingsItem>;

export const previewInput = z.object({
  /** The API resource. */
  id: z.uuid(),
  generatorId: text().trim().min(1).max(64),
  /** Build from this revision instead of the common settings' one. */
  revisionId: z.uuid().optional(),
});
export type PreviewInput = z.input<typeof previewInput>;

export const historyItem = z.object({
  id: z.uuid(),
  apiResourceId: z.uuid(),
  kind: z.enum(HISTORY_KINDS),
  status: z.enum(HISTORY_STATUSES),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  revisionId: z.string().nullable(),
  revisionNumber: z.number().int().nullable(),
  versionName: z.string().nullable(),
  generatorId: z.string(),
  language: z.string(),
  version: z.string().nullable(),
  registry: z.string().nullable(),
  gitCommit: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  fileCount: z.number().int().nullable(),
  totalBytes: z.number().int().nullable(),
  error: z.string().nullable(),
  jobId: z.string().nullable(),
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
  /** A preview whose files have outlived UC_CODEGEN_PREVIEW_TTL_HOURS: no longer opened (200017), generated again instead. */
  previewExpired: z.boolean(),
});
export type HistoryItem = z.infer<typeof historyItem>;
export const historyDetail = historyItem.extend({ log: z.string() });

export const historyListInput = z.object({
  /** The API resource. */
  id: z.uuid(),
  kind: z.enum(HISTORY_KINDS).optional(),
  skip: z.coerce.number().int().min(0).max(100_000).default(0),
  take: z.coerce.number().int().min(1).max(100).default(20),
});

export const previewFile = z.object({ path: z.string(), size: z.number().int() });
export const previewTree = z.object({ id: z.uuid(), generatorId: z.string(), entry: z.string().nullable(), files: z.array(previewFile) });
export type PreviewTree = z.infer<typeof previewTree>;

/** A generated file's path as the tree lists it: relative, `/`-separated, no `..`. */
export const previewPath = text()
  .min(1)
  .max(1000)
  .refine((p) => !p.startsWith("/") && !p.includes("\\") && p.split("/").every((s) => s !== "" && s !== "." && s !== ".."), {
    message: msg("previewPath"),
  });
export const previewFileInput = z.object({ id: z.uuid(), path: previewPath });
export const previewFileContent = z.object({
  path: z.string(),
  size: z.number().int(),
  /** The text (cut at the size limit); empty for a binary file. */
  content: z.string(),
  truncated: z.boolean(),
  binary: z.boolean(),
});
export type PreviewFileContent = z.infer<typeof previewFileContent>;
