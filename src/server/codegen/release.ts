/**
 * The SDK release pipeline (job kind `sdk.release`) and the Git sync (`sdk.gitsync`).
 *
 * A release runs these steps, each named in the job's progress, each writing to its live log:
 *   generate → package (package.json + README) → compile (tsc) → smoke (the built package, loaded
 *   in a child process, calls one operation of a loopback stub) → version (bumped from the
 *   changelog since the last release, or the typed one; checked against the registry again) →
 *   pack (npm pack) → publish (libnpmpublish) → git (commit + tag, push) → market (ApiPackage) →
 *   record (the job's result: who, when, revision, version, registry, commit, timings).
 *
 * Order, and what "nothing half-published" means: everything before `publish` is local (a temp
 * folder) or read-only (the registry and the Git remote are only asked: does the version exist,
 * does the token work). `publish` is the one irreversible step, so it comes once every check has
 * passed: the Git remote is reached with the token and the commit and tag are prepared locally
 * *before* publishing, and the push after it can only fail for a reason that appeared in between
 * (it is repeatable with a Git sync of the same version; the job then fails, its result names
 * the published version). A cancel before `publish` leaves nothing anywhere; once it has started,
 * publish and push run to the end.
 *
 * Tokens: the procedures store them in the job's input as AES-256-GCM envelopes
 * (src/server/crypto.ts), decrypted only here in memory; the Git token travels in isomorphic-git's
 * onAuth, never in a URL or a file in the repository.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile, cp } from "node:fs/promises";
import * as fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { AddressInfo } from "node:net";
import dns from "node:dns";
import semver from "semver";
import { z } from "zod";
import type { Db, DbClient } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import { AppError } from "~/server/errors";
import { enqueueJob, type JobKind, type JobRow } from "~/server/jobs/job";
import { JobCancelled, jobActor, type RunningJob } from "~/server/jobs/runner";
import { systemScope, type Scope } from "~/server/services/scope";
import { auditActor, writeAudit } from "~/server/services/audit";
import { findResource } from "~/server/services/api-resources";
import { compareDocuments } from "~/server/openapi/changelog";
import { decryptSecret, encryptSecret } from "~/server/crypto";
import { guardedLookup } from "~/server/security/outbound";
import { generateInto } from "~/server/codegen/generate";
import { upsertReleasedPackage } from "~/server/services/api-packages";
import {
  GIT_SYNC_STEPS,
  RELEASE_STEPS,
  gitSyncJobSettings,
  sdkReleaseJobSettings,
  type gitSyncInput,
  type sdkReleaseInput,
  type SdkReleasePlan,
  type ReleaseStep,
} from "~/lib/validators/sdk-release";
import type { CodegenLanguageName } from "~/lib/validators/codegen";
import { findGenerator } from "~/server/codegen/generators";
import { loadGradually } from "~/server/load-gradually";

/**
 * The Git and npm clients load with the first release or sync that needs them: together with
 * sigstore and npm's fetch stack they are ~460 modules that no other call uses. They load a
 * package at a time (`loadGradually`): in one `require` the npm client held the web process for
 * ~100 ms, and every request with it.
 */
const loadGit = async () => {
  await loadGradually("isomorphic-git");
  const [{ default: git }, { default: http }] = await Promise.all([import("isomorphic-git"), import("isomorphic-git/http/node")]);
  return { git, http };
};
const loadNpmPublish = async () => {
  await loadGradually("libnpmpublish");
  return (await import("libnpmpublish")).publish;
};
import { buildInput, finishRun, getGitSettings, secretsFor, startRun, type BuildInput } from "~/server/services/codegen";

export const SDK_RELEASE_KIND = "sdk.release";
export const GIT_SYNC_KIND = "sdk.gitsync";
const SDK_KINDS = [SDK_RELEASE_KIND, GIT_SYNC_KIND];
const INITIAL_VERSION = "1.0.0";

/** A release with its settings: built on the server from the saved ones (`resolveRelease`). */
type ReleaseInput = z.output<typeof sdkReleaseJobSettings>;
type SyncInput = z.output<typeof gitSyncJobSettings>;
/** What a job stores: the settings with the revision and version fixed and the tokens encrypted. */
const stored = { revisionId: z.uuid(), version: z.string() };
const releaseJobInput = sdkReleaseJobSettings.extend(stored);
const syncJobInput = gitSyncJobSettings.extend(stored);
type ReleaseJobInput = z.output<typeof releaseJobInput>;
type SyncJobInput = z.output<typeof syncJobInput>;

// --- reading what a release starts from ------------------------------------------------------

type Doc = Record<string, unknown>;

/** The revision to build (the given one of this API, else the API's online one) with its document. */
async function findRevision(db: DbClient, scope: Scope, apiResourceId: string, revisionId?: string) {
  await findResource(db, scope, apiResourceId);
  const select = { id: true, number: true, title: true, document: true, version: { select: { apiResourceId: true, name: true } } } as const;
  const r = revisionId
    ? await db.apiRevision.findFirst({ where: { id: revisionId, version: { apiResourceId } }, select })
    : ((
        await db.apiVersion.findFirst({
          where: { apiResourceId, onlineRevisionId: { not: null } },
          orderBy: { createdAt: "asc" },
          select: { onlineRevision: { select } },
        })
      )?.onlineRevision ?? null);
  if (!r) throw new AppError(200023);
  return { ...r, document: r.document as Doc };
}

/** Refuses a URL whose host is not a public address (or allowed by UC_OUTBOUND_ALLOW_ADDRESSES): a tenant's URL never reaches our own network. */
async function assertOutbound(url: string): Promise<void> {
  const host = new URL(url).hostname;
  const lookup = guardedLookup(dns.lookup as never);
  await new Promise<void>((resolve, reject) => lookup(host.replace(/^\[|\]$/g, ""), { all: true }, (err) => (err ? reject(err) : resolve())));
}

const registryBase = (url: string) => (url.endsWith("/") ? url : `${url}/`);
/** The path of a package's document on a registry: `@scope%2fname`. */
const packagePath = (name: string) => name.replace("/", "%2f");

/** The versions a registry has of a package ([] when it has none); 200021 when it cannot be read. */
export async function registryVersions(registryUrl: string, name: string, token: string, signal?: AbortSignal): Promise<string[]> {
  try {
    await assertOutbound(registryUrl);
    const res = await fetch(new URL(packagePath(name), registryBase(registryUrl)), {
      headers: { authorization: `Bearer ${token}`, accept: "application/vnd.npm.install-v1+json" },
      signal: signal ?? AbortSignal.timeout(10_000),
    });
    if (res.status === 404) return [];
    if (!res.ok) throw new Error(`registry answered ${res.status}`);
    const body = (await res.json()) as { versions?: Record<string, unknown> };
    return Object.keys(body.versions ?? {});
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError(200021);
  }
}

/** The last successful release of this package for this API (the newest done job). */
async function lastRelease(db: DbClient, apiResourceId: string, packageName: string): Promise<{ version: string; revisionId: string } | null> {
  const rows = await db.job.findMany({
    where: { kind: SDK_RELEASE_KIND, status: "done", input: { path: ["apiResourceId"], equals: apiResourceId } },
    orderBy: { finishedAt: "desc" },
    take: 20,
    select: { result: true },
  });
  for (const r of rows) {
    const res = r.result as { packageName?: string; version?: string; revisionId?: string } | null;
    if (res?.packageName === packageName && res.version && res.revisionId) return { version: res.version, revisionId: res.revisionId };
  }
  return null;
}

/** Which part of the version a changelog bumps: major for a breaking change, minor for added operations, patch otherwise. */
export function bumpFor(before: Doc, after: Doc): "major" | "minor" | "patch" {
  const changes = compareDocuments(before, after);
  if (changes.breaking) return "major";
  if (changes.operations.some((o) => o.kind === "added")) return "minor";
  return "patch";
}

// --- the saved settings a release uses -----------------------------------------------------

/** The generator of a release or sync: a TypeScript client (the pipeline compiles with tsc and publishes to npm); 200004 / 200031 otherwise. */
function releaseGenerator(id: string) {
  const def = findGenerator(id);
  if (!def) throw new AppError(200004);
  if (def.language !== "typescript" || def.kind !== "client") throw new AppError(200031);
  return def;
}

/** The saved Git settings as a job takes them; absent when no remote is saved (200025 when `required`), 200030 without a token. */
async function savedGit(scope: Scope, apiResourceId: string, token: string | null, required: boolean) {
  const g = await getGitSettings(scope, apiResourceId);
  if (!g.saved || !g.remoteUrl) {
    if (required) throw new AppError(200025);
    return undefined;
  }
  if (!token) throw new AppError(200030);
  return { remoteUrl: g.remoteUrl, branch: g.branch, user: g.userName || "sdk", email: g.userEmail || undefined, token, syncDocs: g.syncDocs };
}

/** The package fields of the saved npm settings (or the defaults, for a Git sync) as a job takes them. */
const packageFields = (npm: BuildInput["npm"]) => ({
  packageName: npm.packageName,
  className: npm.className,
  description: npm.description,
  license: npm.license,
  author: npm.author,
  homepage: npm.homepage || undefined,
  keywords: npm.keywords,
  readme: npm.readme,
});

/**
 * A release request with the settings saved on the SDKs tab: the npm settings of the generator's
 * language (200002 when none are saved, 200029 without a registry token), the Git settings when a
 * remote is saved (200030 without a token) and the common settings (revision, base URL).
 */
export async function resolveRelease(scope: Scope, input: z.output<typeof sdkReleaseInput>): Promise<ReleaseInput> {
  const def = releaseGenerator(input.generatorId);
  const language = def.language as CodegenLanguageName;
  const built = await buildInput(scope, input.apiResourceId, language, input.revisionId);
  if (!built.npm.saved) throw new AppError(200002);
  const secrets = await secretsFor(scope, input.apiResourceId, language);
  if (!secrets.npmToken) throw new AppError(200029);
  return {
    apiResourceId: input.apiResourceId,
    generatorId: def.id,
    revisionId: built.revision.id,
    baseUrl: built.common.baseUrl || undefined,
    npm: { ...packageFields(built.npm), version: input.version, registryUrl: built.npm.registryUrl, token: secrets.npmToken },
    git: await savedGit(scope, input.apiResourceId, secrets.gitToken, false),
  };
}

/** A Git sync request with the saved Git settings (200025 without a remote, 200030 without a token); the package named by the npm settings or their defaults. */
export async function resolveGitSync(scope: Scope, input: z.output<typeof gitSyncInput>): Promise<SyncInput> {
  const def = releaseGenerator(input.generatorId);
  const language = def.language as CodegenLanguageName;
  const built = await buildInput(scope, input.apiResourceId, language, input.revisionId);
  const secrets = await secretsFor(scope, input.apiResourceId, language);
  const git = (await savedGit(scope, input.apiResourceId, secrets.gitToken, true))!;
  return {
    apiResourceId: input.apiResourceId,
    generatorId: def.id,
    revisionId: built.revision.id,
    baseUrl: built.common.baseUrl || undefined,
    npm: { ...packageFields(built.npm), version: undefined },
    git,
  };
}

/**
 * The version a release would publish: the typed one, or the newest the registry or our records
 * know bumped by the changelog since the last released revision; and whether the registry has it.
 */
export async function planRelease(scope: Scope, input: Pick<ReleaseInput, "apiResourceId" | "revisionId" | "npm">): Promise<SdkReleasePlan> {
  const revision = await findRevision(scope.db, scope, input.apiResourceId, input.revisionId);
  const [published, last] = await Promise.all([
    registryVersions(input.npm.registryUrl, input.npm.packageName, input.npm.token),
    lastRelease(scope.db, input.apiResourceId, input.npm.packageName),
  ]);
  const known = [...published, ...(last ? [last.version] : [])].filter((v) => semver.valid(v));
  const lastVersion = known.length ? semver.rsort(known)[0]! : null;
  let version: string;
  let bump: SdkReleasePlan["bump"];
  if (input.npm.version) {
    version = input.npm.version;
    bump = "typed";
  } else if (!lastVersion) {
    version = INITIAL_VERSION;
    bump = "initial";
  } else {
    const before = last ? await scope.db.apiRevision.findUnique({ where: { id: last.revisionId }, select: { document: true } }) : null;
    bump = before ? bumpFor(before.document as Doc, revision.document) : "patch";
    version = semver.inc(lastVersion, bump)!;
  }
  return { revisionId: revision.id, revisionNumber: revision.number, lastVersion, version, bump, published: published.includes(version) };
}

/** The plan of a request, with the saved settings (the release dialog's "which version"). */
export async function planSavedRelease(scope: Scope, request: z.output<typeof sdkReleaseInput>): Promise<SdkReleasePlan> {
  return planRelease(scope, await resolveRelease(scope, request));
}

/** A release or sync of this API already queued or running (one at a time per API). */
async function assertIdle(db: DbClient, apiResourceId: string) {
  const busy = await db.job.findFirst({
    where: { kind: { in: SDK_KINDS }, status: { in: ["queued", "running"] }, input: { path: ["apiResourceId"], equals: apiResourceId } },
    select: { id: true },
  });
  if (busy) throw new AppError(200024);
}

const sealTokens = <T extends { npm: object; git?: { token: string } }>(input: T & { npm: { token?: string } }): T => ({
  ...input,
  npm: input.npm.token ? { ...input.npm, token: encryptSecret(input.npm.token) } : input.npm,
  ...(input.git ? { git: { ...input.git, token: encryptSecret(input.git.token) } } : {}),
});

/** What an audit row keeps of a request: everything but the tokens. */
const auditView = (input: { npm: object; git?: object }) => ({
  ...input,
  npm: { ...input.npm, token: undefined },
  git: input.git ? { ...input.git, token: undefined } : undefined,
});

/**
 * Starts a release: the version is decided and checked against the registry BEFORE any step runs
 * (200020 when the registry has it: nothing is queued), the job queued with its audit row.
 */
export async function startRelease(scope: Scope, request: z.output<typeof sdkReleaseInput>): Promise<{ jobId: string; version: string }> {
  const input = await resolveRelease(scope, request);
  if (input.git) await assertOutbound(input.git.remoteUrl).catch(() => Promise.reject(new AppError(200026)));
  const plan = await planRelease(scope, input);
  if (plan.published) throw new AppError(200020);
  if (plan.bump === "typed" && plan.lastVersion && !semver.gt(plan.version, plan.lastVersion)) throw new AppError(200022);
  const resource = await findResource(scope.db, scope, input.apiResourceId);
  return scope.db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM "ApiResource" WHERE "id" = ${resource.id}::uuid FOR UPDATE`;
    await assertIdle(tx, resource.id);
    const job = await enqueueJob(tx, SDK_RELEASE_KIND, sdkReleaseJob, {
      tenantId: resource.tenantId,
      actorId: scope.actor.userId,
      input: sealTokens({ ...input, revisionId: plan.revisionId, version: plan.version }),
    });
    await writeAudit(tx, auditActor(scope, resource.tenantId), "codegen.releasesdk", job.id, undefined, { ...auditView(input), ...plan });
    return { jobId: job.id, version: plan.version };
  });
}

/** Starts a Git sync: the code generated from the revision, pushed (with docs) to the configured branch, no npm. */
export async function startGitSync(scope: Scope, request: z.output<typeof gitSyncInput>): Promise<{ jobId: string; version: string }> {
  const input = await resolveGitSync(scope, request);
  await assertOutbound(input.git.remoteUrl).catch(() => Promise.reject(new AppError(200026)));
  const resource = await findResource(scope.db, scope, input.apiResourceId);
  const revision = await findRevision(scope.db, scope, input.apiResourceId, input.revisionId);
  const last = await lastRelease(scope.db, input.apiResourceId, input.npm.packageName);
  const version = input.npm.version ?? last?.version ?? INITIAL_VERSION;
  return scope.db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM "ApiResource" WHERE "id" = ${resource.id}::uuid FOR UPDATE`;
    await assertIdle(tx, resource.id);
    const job = await enqueueJob(tx, GIT_SYNC_KIND, gitSyncJob, {
      tenantId: resource.tenantId,
      actorId: scope.actor.userId,
      input: sealTokens({ ...input, revisionId: revision.id, version }),
    });
    await writeAudit(tx, auditActor(scope, resource.tenantId), "codegen.gitsync", job.id, undefined, { ...auditView(input), revisionId: revision.id, version });
    return { jobId: job.id, version };
  });
}

// --- the steps ---------------------------------------------------------------------------------

/** Runs a command without blocking the event loop (never spawnSync: the loopback registry may be this very process); its output goes to the log. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; signal?: AbortSignal; log?: (l: string) => void; env?: NodeJS.ProcessEnv; timeoutMs?: number },
) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? childEnv({ HOME: opts.cwd }),
      stdio: ["ignore", "pipe", "pipe"],
      signal: opts.signal,
      timeout: opts.timeoutMs ?? 120_000,
    });
    let out = "";
    let all = "";
    const take = (d: Buffer, stdout: boolean) => {
      const s = d.toString();
      if (stdout) out += s;
      all += s;
      if (all.length > 200_000) all = all.slice(-100_000);
      for (const l of s.split("\n")) if (l.trim()) opts.log?.(l.trimEnd());
    };
    child.stdout.on("data", (d: Buffer) => take(d, true));
    child.stderr.on("data", (d: Buffer) => take(d, false));
    child.on("error", reject);
    child.on("close", (code, sig) => {
      if (code === 0) return resolve(out);
      const lines = all.trim().split("\n");
      const why =
        lines
          .filter((l) => /error/i.test(l))
          .slice(0, 3)
          .join(" ") || lines.slice(-3).join(" ");
      reject(new Error(`${path.basename(cmd)} ${args[0] ?? ""} failed (${sig ?? `exit ${code}`}): ${why.slice(0, 800)}`));
    });
  });
}

/** A child's environment: PATH and what it is handed, nothing of ours (no secrets, no DATABASE_URL). */
export const childEnv = (extra: Record<string, string>) => ({ PATH: process.env.PATH ?? "", ...extra }) as unknown as NodeJS.ProcessEnv;

const projectFile = (rel: string) => path.join(process.cwd(), "node_modules", rel);

const camel = (s: string) => {
  const parts = s.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return parts.map((p, i) => (i ? p[0]!.toUpperCase() + p.slice(1) : p[0]!.toLowerCase() + p.slice(1))).join("");
};

interface Operation {
  method: string;
  path: string;
  name: string | null;
  pathParams: string[];
  query: string[];
  body: boolean;
}

function operationsOf(doc: Doc): Operation[] {
  const out: Operation[] = [];
  const paths = (doc.paths ?? {}) as Record<string, Record<string, unknown>>;
  for (const [p, item] of Object.entries(paths)) {
    for (const m of ["get", "post", "put", "patch", "delete"]) {
      const op = item?.[m] as
        { operationId?: string; parameters?: { in?: string; name?: string; required?: boolean }[]; requestBody?: { required?: boolean } } | undefined;
      if (!op) continue;
      const params = [...((item.parameters as typeof op.parameters) ?? []), ...(op.parameters ?? [])];
      out.push({
        method: m.toUpperCase(),
        path: p,
        name: op.operationId ? camel(op.operationId) : null,
        pathParams: params.filter((x) => x.in === "path" && x.name).map((x) => x.name!),
        query: params.filter((x) => x.in === "query" && x.required && x.name).map((x) => x.name!),
        body: !!op.requestBody?.required,
      });
    }
  }
  return out.sort((a, b) => Number(b.method === "GET") - Number(a.method === "GET"));
}

function baseUrlOf(doc: Doc): string | undefined {
  const url = (doc.servers as { url?: string }[] | undefined)?.[0]?.url;
  return url && /^https?:\/\//.test(url) ? url : undefined;
}

function readmeFor(input: ReleaseJobInput["npm"] | SyncJobInput["npm"], title: string, op: Operation | undefined) {
  if (input.readme?.trim()) return input.readme;
  const call = op?.name
    ? `const { data, error } = await ${input.className}.${op.name}(${op.pathParams.length ? `{ path: { ${op.pathParams.map((p) => `${JSON.stringify(p)}: "…"`).join(", ")} } }` : ""});`
    : `// ${input.className}.<operation>(…)`;
  return [
    `# ${input.packageName}`,
    "",
    input.description || `A TypeScript client for ${title}.`,
    "",
    "## Install",
    "",
    "```sh",
    `npm install ${input.packageName}`,
    "```",
    "",
    "## Usage",
    "",
    "```ts",
    `import { client, ${input.className} } from "${input.packageName}";`,
    "",
    `client.setConfig({ baseUrl: "https://api.example.com", headers: { authorization: "Bearer <token>" } });`,
    call,
    "```",
    "",
  ].join("\n");
}

/** Writes the package around the generated sources: package.json, README, tsconfig, the entry. */
async function writePackage(dir: string, npm: ReleaseJobInput["npm"] | SyncJobInput["npm"], version: string, title: string, ops: Operation[]) {
  const manifest = {
    name: npm.packageName,
    version,
    description: npm.description || `A TypeScript client for ${title}`,
    license: npm.license || "UNLICENSED",
    ...(npm.author ? { author: npm.author } : {}),
    ...(npm.homepage ? { homepage: npm.homepage } : {}),
    keywords: npm.keywords,
    type: "module",
    main: "./dist/main.js",
    types: "./dist/main.d.ts",
    exports: { ".": { types: "./dist/main.d.ts", import: "./dist/main.js" }, "./package.json": "./package.json" },
    files: ["dist", "README.md"],
    sideEffects: false,
    engines: { node: ">=18" },
  };
  await writeFile(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(path.join(dir, "README.md"), readmeFor(npm, title, ops[0]));
  await writeFile(
    path.join(dir, "tsconfig.json"),
    `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "DOM", "DOM.Iterable"],
          types: [],
          declaration: true,
          outDir: "dist",
          rootDir: "src",
          strict: true,
          skipLibCheck: true,
        },
        include: ["src"],
      },
      null,
      2,
    )}\n`,
  );
  await writeFile(path.join(dir, "src", "main.ts"), `export * from "./index.js";\nexport { client } from "./client.gen.js";\n`);
  return manifest;
}

/** Loads the built package in a child process and calls one operation against a loopback stub; throws unless the stub saw the call. */
async function smokeTest(dir: string, className: string, ops: Operation[], signal: AbortSignal, log: (l: string) => void) {
  const seen: string[] = [];
  const stub = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
  try {
    const base = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    const script = `
      const mod = await import(${JSON.stringify(pathToFileURL(path.join(dir, "dist", "main.js")).href)});
      const ops = JSON.parse(process.env.UC_OPS);
      mod.client.setConfig({ baseUrl: process.env.UC_STUB });
      const C = mod[${JSON.stringify(className)}];
      if (!C) throw new Error("the package exports no ${className}");
      // The operations are the class's instance methods (the generator's "instance" style) or its static ones.
      const inst = new C();
      const own = Object.getOwnPropertyNames(Object.getPrototypeOf(inst)).filter((n) => n !== "constructor" && typeof inst[n] === "function");
      const target = own.length ? inst : C;
      const names = own.length ? own : Object.getOwnPropertyNames(C).filter((n) => typeof C[n] === "function");
      const op = ops.find((o) => o.name && names.includes(o.name)) ?? ops[0];
      const name = op && op.name && names.includes(op.name) ? op.name : names[0];
      if (!name) throw new Error("the package has no operation");
      const path = Object.fromEntries((op?.pathParams ?? []).map((p) => [p, "1"]));
      const query = Object.fromEntries((op?.query ?? []).map((p) => [p, "1"]));
      const r = await target[name]({ path, query, ...(op?.body ? { body: {} } : {}) });
      console.log("called " + name + ": " + r.response.status);
    `;
    await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: dir,
      signal,
      log,
      env: childEnv({ UC_STUB: base, UC_OPS: JSON.stringify(ops.slice(0, 50)) }),
      timeoutMs: 30_000,
    });
    if (!seen.length) throw new Error("The built package made no request to the stub");
    log(`stub received ${seen[0]}`);
  } finally {
    stub.closeAllConnections();
    await new Promise((r) => stub.close(r));
  }
}

interface GitPlan {
  dir: string;
  commit: string;
  tag: string | null;
}

/**
 * Prepares the commit (and tag) on the configured branch with the token checked against the
 * remote; nothing leaves this machine until `pushGit`. The remote's branch is fetched when it
 * exists (the commit goes on top), else the commit starts it.
 */
async function prepareGit(
  work: string,
  files: { from: string; docs?: { document: Doc; title: string } },
  g: { remoteUrl: string; branch: string; user: string; email?: string; token: string },
  message: string,
  tag: string | null,
  log: (l: string) => void,
): Promise<GitPlan> {
  await assertOutbound(g.remoteUrl);
  const { git, http: gitHttp } = await loadGit();
  const dir = path.join(work, "repo");
  await mkdir(dir, { recursive: true });
  const onAuth = () => ({ username: g.user, password: g.token });
  const onAuthFailure = () => ({ cancel: true as const });
  let refs: { ref: string; oid: string }[];
  try {
    // ls-refs with the token: the credentials check, and which branches and tags the remote has.
    refs = await git.listServerRefs({ http: gitHttp, url: g.remoteUrl, onAuth, onAuthFailure, prefix: "refs/" });
  } catch (e) {
    throw new Error(`The Git repository refused the token or cannot be reached: ${e instanceof Error ? e.message : String(e)}`);
  }
  const ref = `refs/heads/${g.branch}`;
  const exists = refs.some((r) => r.ref === ref);
  // A tag the remote already has would refuse the push after the publish: refuse now, before it.
  if (tag && refs.some((r) => r.ref === `refs/tags/${tag}`)) throw new Error(`The Git repository already has the tag ${tag}: release another version`);
  await git.init({ fs, dir, defaultBranch: g.branch });
  await git.addRemote({ fs, dir, remote: "origin", url: g.remoteUrl, force: true });
  if (exists) {
    log(`fetching ${g.branch}`);
    await git.fetch({ fs, http: gitHttp, dir, remote: "origin", ref: g.branch, singleBranch: true, depth: 1, onAuth, onAuthFailure });
    const oid = await git.resolveRef({ fs, dir, ref: `refs/remotes/origin/${g.branch}` });
    await git.writeRef({ fs, dir, ref, value: oid, force: true });
    await git.checkout({ fs, dir, ref: g.branch, force: true });
  } else log(`the branch ${g.branch} is new`);
  // The tree is exactly the package (and docs): what was there and is no longer generated goes.
  for (const e of await readdir(dir)) if (e !== ".git") await rm(path.join(dir, e), { recursive: true, force: true });
  for (const e of ["src", "package.json", "README.md", "tsconfig.json"])
    await cp(path.join(files.from, e), path.join(dir, e), { recursive: true }).catch(() => undefined);
  await writeFile(path.join(dir, ".gitignore"), "node_modules/\ndist/\n");
  if (files.docs) {
    await mkdir(path.join(dir, "docs"), { recursive: true });
    await writeFile(path.join(dir, "docs", "openapi.json"), `${JSON.stringify(files.docs.document, null, 2)}\n`);
  }
  const matrix = await git.statusMatrix({ fs, dir });
  let changed = 0;
  for (const [filepath, head, work_] of matrix) {
    if (work_ === 0) {
      await git.remove({ fs, dir, filepath });
      changed++;
    } else if (head !== 1 || work_ !== 1) {
      await git.add({ fs, dir, filepath });
      changed++;
    }
  }
  const author = { name: g.user, email: g.email || `${g.user.replace(/[^A-Za-z0-9._-]/g, "") || "sdk"}@users.noreply.user-center` };
  const commit = await git.commit({ fs, dir, message, author });
  log(`commit ${commit.slice(0, 12)} (${changed} file(s) changed)`);
  if (tag) await git.annotatedTag({ fs, dir, ref: tag, message, tagger: author, force: true });
  return { dir, commit, tag };
}

async function pushGit(p: GitPlan, g: { branch: string; user: string; token: string }, log: (l: string) => void) {
  const onAuth = () => ({ username: g.user, password: g.token });
  const onAuthFailure = () => ({ cancel: true as const });
  const { git, http: gitHttp } = await loadGit();
  const r = await git.push({ fs, http: gitHttp, dir: p.dir, remote: "origin", ref: g.branch, onAuth, onAuthFailure });
  if (!r.ok) throw new Error(`The Git push was refused: ${r.error ?? JSON.stringify(r.refs)}`);
  log(`pushed ${g.branch}`);
  if (p.tag) {
    const t = await git.push({ fs, http: gitHttp, dir: p.dir, remote: "origin", ref: p.tag, onAuth, onAuthFailure });
    if (!t.ok) throw new Error(`The tag push was refused: ${t.error ?? ""}`);
    log(`pushed tag ${p.tag}`);
  }
}

/** Steps with their durations, for the result and the bench. */
function stepper(job: RunningJob) {
  const timings: Record<string, number> = {};
  let current: { name: string; at: number } | null = null;
  const close = () => {
    if (current) timings[current.name] = Math.round(performance.now() - current.at);
  };
  return {
    timings,
    async step(name: ReleaseStep) {
      close();
      await job.step(name);
      current = { name, at: performance.now() };
    },
    close,
  };
}

async function generateStep(input: ReleaseJobInput | SyncJobInput, doc: Doc, pkg: string, job: RunningJob) {
  const out = await generateInto({
    document: doc,
    generatorId: input.generatorId,
    settings: { packageName: input.npm.packageName, className: input.npm.className, version: input.version, baseUrl: input.baseUrl || baseUrlOf(doc) },
    outDir: path.join(pkg, "src"),
    signal: job.signal,
    onLog: (l) => job.log(l),
  });
  job.log(`${out.files.length} file(s) generated`);
  return out;
}

/** The job with its log lines also kept here, for the history row. */
function tracked(job: RunningJob, lines: string[]): RunningJob {
  return {
    ...job,
    log(l) {
      lines.push(l);
      job.log(l);
    },
    async step(name) {
      lines.push(`▶ ${name}`);
      await job.step(name);
    },
  };
}

/**
 * Runs a release or sync with its CodegenHistory row: opened (running) when the job starts,
 * closed with the outcome, duration and log when it ends, however it ends: done, failed or
 * cancelled (the error is passed on to the runner, which settles the job).
 */
async function withHistory(
  db: Db,
  raw: RunningJob,
  row: JobRow,
  kind: "release" | "gitsync",
  input: ReleaseJobInput | SyncJobInput,
  body: (job: RunningJob, scope: Scope, done: (end: { gitCommit?: string | null; files?: { path: string; size: number }[] }) => Promise<void>) => Promise<void>,
) {
  const actor = await jobActor(db, row.actorId, row.tenantId);
  const scope = systemScope(db, actor, { tenantId: row.tenantId ?? undefined });
  const resource = await findResource(db, scope, input.apiResourceId);
  const revision = await db.apiRevision.findFirst({
    where: { id: input.revisionId, version: { apiResourceId: input.apiResourceId } },
    select: { id: true, number: true, version: { select: { name: true } } },
  });
  const registry = "registryUrl" in input.npm ? input.npm.registryUrl : null;
  const run = await startRun(scope, {
    kind,
    apiResourceId: resource.id,
    tenantId: resource.tenantId,
    generatorId: input.generatorId,
    language: findGenerator(input.generatorId)?.language ?? "typescript",
    revision: revision ? { id: revision.id, number: revision.number, versionName: revision.version.name } : null,
    version: input.version,
    registry,
    jobId: row.id,
  });
  const lines: string[] = [];
  const job = tracked(raw, lines);
  let closed = false;
  try {
    await body(job, scope, async (end) => {
      await finishRun(db, run.id, run.startedAt, { status: "succeeded", log: lines.join("\n"), ...end });
      closed = true;
    });
  } catch (e) {
    if (!closed) {
      const cancelled = e instanceof JobCancelled || raw.signal.aborted;
      const error = cancelled ? "Cancelled on request" : e instanceof Error ? e.message : String(e);
      await finishRun(db, run.id, run.startedAt, {
        status: cancelled ? "cancelled" : "failed",
        log: [...lines, cancelled ? "■ cancelled" : `✖ ${error}`].join("\n"),
        error,
      }).catch((err: unknown) => scope.log.error({ err }, "codegen history not closed"));
    }
    throw e;
  }
}

async function runRelease(db: Db, raw: RunningJob, row: JobRow, input: ReleaseJobInput) {
  await withHistory(db, raw, row, "release", input, (job, scope, record) => releaseSteps(db, job, scope, input, record));
}

async function releaseSteps(
  db: Db,
  job: RunningJob,
  scope: Scope,
  input: ReleaseJobInput,
  record: (end: { gitCommit?: string | null; files?: { path: string; size: number }[] }) => Promise<void>,
) {
  const npmToken = decryptSecret(input.npm.token);
  const gitCfg = input.git ? { ...input.git, token: decryptSecret(input.git.token) } : null;
  const steps = RELEASE_STEPS.filter((s) => s !== "git" || gitCfg);
  await job.setSteps(steps);
  // The clients load while the generator and the compiler work in their own processes.
  void loadGradually("libnpmpublish");
  if (gitCfg) void loadGradually("isomorphic-git");
  const s = stepper(job);
  const work = await mkdtemp(path.join(os.tmpdir(), "uc-sdk-"));
  const pkg = path.join(work, "package");
  const result: Record<string, unknown> = {
    packageName: input.npm.packageName,
    version: input.version,
    revisionId: input.revisionId,
    registryUrl: input.npm.registryUrl,
  };
  try {
    await s.step("generate");
    const revision = await findRevision(db, scope, input.apiResourceId, input.revisionId);
    const ops = operationsOf(revision.document);
    job.log(`revision ${revision.number} of ${revision.version.name}: ${ops.length} operation(s)`);
    const generated = await generateStep(input, revision.document, pkg, job);

    await s.step("package");
    const manifest = await writePackage(pkg, input.npm, input.version, revision.title, ops);
    job.log(`package.json: ${manifest.name}@${manifest.version}`);

    await s.step("compile");
    await run(process.execPath, [projectFile("typescript/bin/tsc"), "-p", "tsconfig.json"], { cwd: pkg, signal: job.signal, log: (l) => job.log(l) });
    job.log(`compiled: ${(await readdir(path.join(pkg, "dist"))).length} entries in dist/`);

    await s.step("smoke");
    await smokeTest(pkg, input.npm.className, ops, job.signal, (l) => job.log(l));

    await s.step("version");
    const published = await registryVersions(input.npm.registryUrl, input.npm.packageName, npmToken, job.signal).catch(() => {
      throw new Error("The registry cannot be read (or refused the token)");
    });
    if (published.includes(input.version)) throw new Error(`The registry already has ${input.npm.packageName}@${input.version}`);
    job.log(`${input.npm.packageName}@${input.version} (the registry has ${published.length} other version(s))`);

    await s.step("pack");
    const packed = JSON.parse(
      await run("npm", ["pack", "--json", "--ignore-scripts", "--loglevel=error", "--pack-destination", work], {
        cwd: pkg,
        signal: job.signal,
        env: childEnv({ HOME: work, npm_config_cache: path.join(work, ".npm") }),
      }),
    ) as { filename: string; size: number; integrity: string }[];
    const tarball = await readFile(path.join(work, packed[0]!.filename));
    job.log(`${packed[0]!.filename}: ${tarball.length} bytes, ${packed[0]!.integrity}`);

    // Everything that can be checked without changing anything outside has passed once the Git
    // commit is prepared; only then the one irreversible step.
    let gitPlan: GitPlan | null = null;
    if (gitCfg) {
      job.log("preparing the Git commit");
      gitPlan = await prepareGit(
        work,
        { from: pkg, docs: gitCfg.syncDocs ? { document: revision.document, title: revision.title } : undefined },
        gitCfg,
        `Release ${input.npm.packageName} ${input.version}`,
        `v${input.version}`,
        (l) => job.log(l),
      );
    }

    await s.step("publish");
    job.checkCancelled();
    const npmPublish = await loadNpmPublish();
    await npmPublish(JSON.parse(await readFile(path.join(pkg, "package.json"), "utf8")) as Record<string, unknown>, tarball, {
      registry: registryBase(input.npm.registryUrl),
      forceAuth: { token: npmToken },
      access: "public",
      defaultTag: "latest",
    });
    result.publishedAt = new Date().toISOString();
    job.log(`published ${input.npm.packageName}@${input.version} to ${input.npm.registryUrl}`);
    await job.progress(steps.indexOf("publish") + 1, steps.length, { result, force: true });

    if (gitCfg && gitPlan) {
      await s.step("git");
      try {
        await pushGit(gitPlan, gitCfg, (l) => job.log(l));
      } catch (e) {
        throw new Error(
          `Published ${input.npm.packageName}@${input.version}, but the Git push failed (run a Git sync to push it): ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      Object.assign(result, { gitCommit: gitPlan.commit, gitTag: gitPlan.tag, gitBranch: gitCfg.branch });
    }

    await s.step("market");
    const entry = await upsertReleasedPackage(scope, {
      apiResourceId: input.apiResourceId,
      name: input.npm.packageName,
      description: input.npm.description || null,
      publisher: input.npm.author || null,
      link: input.npm.homepage ?? packageLink(input.npm.registryUrl, input.npm.packageName),
      version: input.version,
    });
    result.packageId = entry.id;
    job.log(`package market: ${entry.name}`);

    await s.step("record");
    s.close();
    result.files = generated.files.length;
    result.timings = s.timings;
    job.log("released");
    await record({ gitCommit: gitPlan?.commit ?? null, files: generated.files });
    await job.finish({ result: result as Prisma.InputJsonValue, done: steps.length, total: steps.length });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Where the market entry links: npmjs.com for the public registry, else the registry's page of the package. */
export const packageLink = (registryUrl: string, name: string) =>
  /^https:\/\/registry\.npmjs\.org\/?$/.test(registryUrl)
    ? `https://www.npmjs.com/package/${name}`
    : new URL(packagePath(name), registryBase(registryUrl)).href;

async function runGitSync(db: Db, raw: RunningJob, row: JobRow, input: SyncJobInput) {
  await withHistory(db, raw, row, "gitsync", input, (job, scope, record) => gitSyncSteps(db, job, scope, input, record));
}

async function gitSyncSteps(
  db: Db,
  job: RunningJob,
  scope: Scope,
  input: SyncJobInput,
  record: (end: { gitCommit?: string | null; files?: { path: string; size: number }[] }) => Promise<void>,
) {
  const g = { ...input.git, token: decryptSecret(input.git.token) };
  await job.setSteps(GIT_SYNC_STEPS);
  void loadGradually("isomorphic-git"); // while the generator works in its own process
  const s = stepper(job);
  const work = await mkdtemp(path.join(os.tmpdir(), "uc-sync-"));
  const pkg = path.join(work, "package");
  try {
    await s.step("generate");
    const revision = await findRevision(db, scope, input.apiResourceId, input.revisionId);
    const ops = operationsOf(revision.document);
    const generated = await generateStep(input, revision.document, pkg, job);
    await s.step("package");
    await writePackage(pkg, input.npm, input.version, revision.title, ops);
    await s.step("git");
    const plan = await prepareGit(
      work,
      { from: pkg, docs: g.syncDocs ? { document: revision.document, title: revision.title } : undefined },
      g,
      `Sync ${input.npm.packageName} from revision ${revision.number}`,
      null,
      (l) => job.log(l),
    );
    job.checkCancelled();
    await pushGit(plan, g, (l) => job.log(l));
    await s.step("record");
    s.close();
    job.log("synced");
    await record({ gitCommit: plan.commit, files: generated.files });
    await job.finish({
      result: {
        packageName: input.npm.packageName,
        version: input.version,
        revisionId: input.revisionId,
        gitCommit: plan.commit,
        gitBranch: g.branch,
        files: generated.files.length,
        timings: s.timings,
      },
      done: GIT_SYNC_STEPS.length,
      total: GIT_SYNC_STEPS.length,
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export const sdkReleaseJob: JobKind<ReleaseJobInput> = {
  input: releaseJobInput,
  permission: "uc.codegen.releasesdk",
  run: (db, job, row, input) => runRelease(db, job, row, input),
};

export const gitSyncJob: JobKind<SyncJobInput> = {
  input: syncJobInput,
  permission: "uc.codegen.gitsync",
  run: (db, job, row, input) => runGitSync(db, job, row, input),
};
