/**
 * An SDK release and a Git sync. The procedures take only what to release (the API, the
 * generator, optionally the revision and the version); the server reads the package, registry and
 * Git settings saved on the SDKs tab (src/server/services/codegen.ts) and builds the job's full
 * input from them (`sdkReleaseJobSettings` / `gitSyncJobSettings`, tokens sealed in the job row).
 */
import { z } from "zod";
import { multiLineText, text } from "~/lib/validators/common";
import { gitBranch, npmPackageName, remoteUrl, sdkClassName, semverVersion } from "~/lib/validators/codegen";

/** The generator a release builds with: part 1's TypeScript client (the pipeline compiles and publishes TypeScript only). */
export const DEFAULT_RELEASE_GENERATOR = "typescript";

const target = {
  apiResourceId: z.uuid(),
  /** The revision built from; absent: the common settings' one, else the API's online one. */
  revisionId: z.uuid().optional(),
  generatorId: text().trim().min(1).max(64).default(DEFAULT_RELEASE_GENERATOR),
};
/** The version the user typed; empty: bumped from the last release by the changelog. */
const typedVersion = semverVersion.optional().or(z.literal("").transform(() => undefined));

// --- what the procedures take ---

export const sdkReleaseInput = z.object({ ...target, version: typedVersion });
export type SdkReleaseInput = z.input<typeof sdkReleaseInput>;
/** What the release dialog shows before starting: the version it would release and why. */
export const sdkReleasePlanInput = sdkReleaseInput;
/** A Git sync: the generated code (and docs) pushed to the saved remote, without releasing to npm. */
export const gitSyncInput = z.object(target);
export type GitSyncInput = z.input<typeof gitSyncInput>;

// --- what a job stores (built on the server from the saved settings) ---

export const npmReleaseSettings = z.object({
  packageName: npmPackageName,
  className: sdkClassName,
  version: typedVersion,
  registryUrl: remoteUrl,
  token: text().min(1).max(4096),
  description: multiLineText().trim().max(1000).default(""),
  license: text().trim().max(100).default("UNLICENSED"),
  author: text().trim().max(200).default(""),
  homepage: z.string().max(2000).optional(),
  keywords: z.array(text().trim().min(1).max(50)).max(20).default([]),
  /** Markdown; empty: one written from the API's name, install and usage. */
  readme: multiLineText().max(100_000).default(""),
});

export const gitSyncSettings = z.object({
  remoteUrl,
  branch: gitBranch.default("main"),
  user: text().trim().min(1).max(200),
  email: z.string().max(200).optional(),
  token: text().min(1).max(4096),
  /** Also push the API's description (openapi.json) and a docs page. */
  syncDocs: z.boolean().default(true),
});

const jobTarget = { ...target, baseUrl: z.string().max(2000).optional() };
export const sdkReleaseJobSettings = z.object({ ...jobTarget, npm: npmReleaseSettings, git: gitSyncSettings.optional() });
export const gitSyncJobSettings = z.object({
  ...jobTarget,
  npm: npmReleaseSettings.omit({ registryUrl: true, token: true }),
  git: gitSyncSettings,
});

export const sdkReleasePlan = z.object({
  revisionId: z.uuid(),
  revisionNumber: z.number().int(),
  lastVersion: z.string().nullable(),
  version: z.string(),
  bump: z.enum(["initial", "major", "minor", "patch", "typed"]),
  published: z.boolean(),
});
export type SdkReleasePlan = z.infer<typeof sdkReleasePlan>;

export const RELEASE_STEPS = ["generate", "package", "compile", "smoke", "version", "pack", "publish", "git", "market", "record"] as const;
export const GIT_SYNC_STEPS = ["generate", "package", "git", "record"] as const;
export type ReleaseStep = (typeof RELEASE_STEPS)[number];

export const sdkJobStarted = z.object({ jobId: z.uuid(), version: z.string().nullable() });
