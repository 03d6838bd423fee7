/**
 * An SDK release and a Git sync as their procedures and jobs take them. Until part 1's settings
 * model lands (SDK settings per API and language, tokens encrypted at rest) the settings come in
 * with the request in this shape; at the merge `sdkRelease.release` reads them from that model by
 * `apiResourceId` + `generatorId`, and this schema stays the job's input.
 */
import { z } from "zod";
import { msg, multiLineText, text, urlText } from "~/lib/validators/common";

/** npm's rules for a package name (validate-npm-package-name, new packages): lower case, URL-safe, optional scope. */
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
/** A semantic version (semver.org's grammar, without a leading v). */
export const SEMVER_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const BRANCH = /^(?![-/])(?!.*\.\.)(?!.*\/\/)(?!.*\.lock$)[A-Za-z0-9._/-]+(?<![/.])$/;

const httpUrl = (key: "registryUrl" | "gitRemoteUrl") =>
  urlText({ protocol: /^https?$/, message: msg(key) }).refine((u) => !new URL(u).username && !new URL(u).password, { message: msg(key) });

export const npmReleaseSettings = z.object({
  packageName: text()
    .trim()
    .max(214)
    .regex(NPM_NAME, { message: msg("npmPackageName") }),
  className: text()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z][A-Za-z0-9]*$/, { message: msg("sdkClassName") }),
  /** The version the user typed; empty: bumped from the last release by the changelog. */
  version: text()
    .trim()
    .regex(SEMVER_RE, { message: msg("semverVersion") })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  registryUrl: httpUrl("registryUrl"),
  token: text().min(1).max(4096),
  description: text().trim().max(500).default(""),
  license: text().trim().max(64).default("UNLICENSED"),
  author: text().trim().max(200).default(""),
  homepage: urlText({ protocol: /^https?$/ })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  keywords: z.array(text().trim().min(1).max(50)).max(20).default([]),
  /** Markdown; empty: one written from the API's name, install and usage. */
  readme: multiLineText().max(100_000).default(""),
});

export const gitSyncSettings = z.object({
  remoteUrl: httpUrl("gitRemoteUrl"),
  branch: text()
    .trim()
    .min(1)
    .max(100)
    .regex(BRANCH, { message: msg("gitBranch") })
    .default("main"),
  user: text().trim().min(1).max(100),
  token: text().min(1).max(4096),
  /** Also push the API's description (openapi.json) and a docs page. */
  syncDocs: z.boolean().default(true),
});

const target = {
  apiResourceId: z.uuid(),
  /** The revision built from; absent: the API's online one (its first version with one online). */
  revisionId: z.uuid().optional(),
  generatorId: text().trim().min(1).max(64).default("typescript-fetch"),
};

export const sdkReleaseInput = z.object({ ...target, npm: npmReleaseSettings, git: gitSyncSettings.optional() });
export type SdkReleaseInput = z.input<typeof sdkReleaseInput>;

/** A Git sync: the generated code (and docs) pushed without releasing to npm; `npm` names the package the code is generated as. */
export const gitSyncInput = z.object({
  ...target,
  npm: npmReleaseSettings.pick({
    packageName: true,
    className: true,
    description: true,
    license: true,
    author: true,
    homepage: true,
    keywords: true,
    readme: true,
    version: true,
  }),
  git: gitSyncSettings,
});
export type GitSyncInput = z.input<typeof gitSyncInput>;

/** What the release dialog shows before starting: the version it would release and why. */
export const sdkReleasePlanInput = z.object({ ...target, npm: npmReleaseSettings });
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
