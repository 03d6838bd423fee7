/**
 * Code generation for an API resource: the generators offered, the settings per API and
 * language (npm), per API (Git, common), previews generated into
 * DATA_DIR/codegen/<tenant>/<run id>/ and the history of previews, releases and Git syncs.
 * Who may see or change any of it is who may see or change the API resource (`findResource`:
 * its tenant, and a developer only the APIs they own). Tokens are encrypted at rest and never
 * returned: answers carry `hasToken`.
 *
 * The SDK release pipeline builds on `buildInput` (document, revision and settings of a run),
 * `startRun` / `finishRun` (its history row) and `secretsFor` (the decrypted tokens, server side).
 */
import "server-only";
import { createReadStream } from "node:fs";
import { open, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import type { Prisma } from "~/generated/prisma/client";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { auditActor, writeAudit } from "~/server/services/audit";
import { findResource } from "~/server/services/api-resources";
import type { Scope } from "~/server/services/scope";
import { decryptSecret, encryptSecret } from "~/server/crypto";
import { allowedAddresses } from "~/server/security/outbound";
import { findGenerator, listGenerators, type GeneratorKind } from "~/server/codegen/generators";
import { CodegenError, generateInto, prewarmGenerator } from "~/server/codegen/generate";
import { previewExpired, previewFolder } from "~/server/codegen/previews";
import { msg } from "~/lib/validators/common";
import { isLoopbackUrl } from "~/lib/validators/codegen";
import type {
  CodegenLanguageName,
  CommonSettingsItem,
  GeneratorItem,
  GitSettingsItem,
  HistoryItem,
  NpmSettingsItem,
  PreviewFileContent,
  PreviewTree,
  commonSettingsInput,
  gitSettingsInput,
  historyListInput,
  npmSettingsInput,
  previewInput,
} from "~/lib/validators/codegen";
import type { ApiResourceItem } from "~/lib/validators/api";
import type { Locale } from "~/lib/errors";

/** The largest part of one file the code view is sent. */
export const MAX_PREVIEW_FILE_BYTES = 512 * 1024;
/** Generations running at once in this process (each is a child process on its own core). */
const MAX_CONCURRENT = 2;
const MAX_LOG_CHARS = 200_000;

export { codegenRoot } from "~/server/codegen/previews";
const runFolder = previewFolder;

// --- generators ---

/** The generators offered; listing them (the SDKs tab opening) starts a warm worker, as a preview is likely next. */
export async function generatorsFor(kind: GeneratorKind, locale: Locale, log?: Scope["log"]): Promise<GeneratorItem[]> {
  prewarmGenerator().catch((err: unknown) => log?.warn({ err }, "codegen worker not started"));
  return (await listGenerators(kind)).map((g) => ({
    id: g.id,
    language: g.language,
    kind: g.kind,
    engine: g.engine,
    label: g.label[locale],
    available: g.available,
    unavailable: g.unavailable,
    entry: g.entry ?? null,
  }));
}

// --- settings ---

const words = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);

/** What the forms start from: names derived from the API, a README with its name, install and usage. */
export function defaultNpmSettings(api: Pick<ApiResourceItem, "name" | "displayName" | "description">, language: CodegenLanguageName) {
  const w = words(api.name);
  const slug = w.map((x) => x.toLowerCase()).join("-") || "api";
  const packageName = /^[a-z0-9]/.test(slug) ? `${slug}-sdk` : `sdk-${slug}`;
  const pascal = w.map((x) => x[0]!.toUpperCase() + x.slice(1)).join("") || "Api";
  const className = `${/^[A-Za-z]/.test(pascal) ? pascal : `Api${pascal}`}Client`;
  const title = api.displayName || api.name;
  return {
    packageName,
    className,
    version: "1.0.0",
    homepage: "",
    author: "",
    keywords: [slug, "sdk", "openapi"].filter((k, i, a) => a.indexOf(k) === i),
    description: `Client SDK for the ${title} API`,
    license: "MIT",
    readme: defaultReadme({ title, description: api.description ?? "", packageName, className, language }),
    registryUrl: "https://registry.npmjs.org/",
  };
}

export function defaultReadme(o: { title: string; description: string; packageName: string; className: string; language: CodegenLanguageName }): string {
  const install =
    o.language === "typescript"
      ? `npm install ${o.packageName}`
      : o.language === "python"
        ? `pip install ${o.packageName.replace(/^@/, "").replace(/\//g, "-")}`
        : o.language === "go"
          ? `go get ${o.packageName.replace(/^@/, "")}`
          : `# add ${o.packageName} to your build`;
  const usage =
    o.language === "typescript"
      ? `\`\`\`ts\nimport { ${o.className} } from "${o.packageName}";\n\nconst client = new ${o.className}();\nconst answer = await client.someOperation({ /* … */ });\n\`\`\``
      : `Create a \`${o.className}\` and call the API's operations on it.`;
  return `# ${o.title}\n\n${o.description ? `${o.description}\n\n` : ""}## Install\n\n\`\`\`sh\n${install}\n\`\`\`\n\n## Usage\n\n${usage}\n`;
}

/** A loopback http address is only for tests and operators who allow its address (as the outbound guard). */
function checkLoopback(fields: Record<string, string | undefined>) {
  const allowed = allowedAddresses();
  const bad: Record<string, string[]> = {};
  for (const [field, url] of Object.entries(fields)) {
    if (!url || !isLoopbackUrl(url)) continue;
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    const ok = allowed.has(host) || (host === "localhost" && (allowed.has("127.0.0.1") || allowed.has("::1")));
    if (!ok) bad[field] = [msg("loopbackNotAllowed")];
  }
  if (Object.keys(bad).length) throw new AppError(200015, bad);
}

/** The new encrypted token: a new one replaces, `clear` removes, empty keeps. */
const nextToken = (current: string | null | undefined, token: string, clear: boolean) => (token ? encryptSecret(token) : clear ? null : (current ?? null));

const npmSelect = {
  language: true,
  packageName: true,
  className: true,
  version: true,
  homepage: true,
  author: true,
  keywords: true,
  description: true,
  license: true,
  readme: true,
  registryUrl: true,
  tokenEnc: true,
  updatedAt: true,
} satisfies Prisma.CodegenNpmSettingsSelect;
type NpmRow = Prisma.CodegenNpmSettingsGetPayload<{ select: typeof npmSelect }>;
const npmItem = ({ tokenEnc, ...row }: NpmRow): NpmSettingsItem => ({
  ...row,
  language: row.language as CodegenLanguageName,
  hasToken: !!tokenEnc,
  saved: true,
});

export async function getNpmSettings(scope: Scope, apiResourceId: string, language: CodegenLanguageName): Promise<NpmSettingsItem> {
  const api = await findResource(scope.db, scope, apiResourceId);
  const row = await scope.db.codegenNpmSettings.findUnique({ where: { apiResourceId_language: { apiResourceId, language } }, select: npmSelect });
  if (row) return npmItem(row);
  return { ...defaultNpmSettings(api, language), language, hasToken: false, saved: false, updatedAt: null };
}

export async function saveNpmSettings(scope: Scope, input: z.output<typeof npmSettingsInput>): Promise<NpmSettingsItem> {
  const api = await findResource(scope.db, scope, input.id);
  checkLoopback({ registryUrl: input.registryUrl });
  const { id: _id, language, token, clearToken, ...fields } = input;
  const data = { ...fields, keywords: [...new Set(fields.keywords)], updatedBy: scope.actor.userId };
  return scope.db.$transaction(async (tx) => {
    const where = { apiResourceId_language: { apiResourceId: api.id, language } };
    const before = await tx.codegenNpmSettings.findUnique({ where, select: npmSelect });
    const tokenEnc = nextToken(before?.tokenEnc, token, clearToken);
    const row = await tx.codegenNpmSettings.upsert({
      where,
      create: { tenantId: api.tenantId, apiResourceId: api.id, language, ...data, tokenEnc },
      update: { ...data, tokenEnc },
      select: npmSelect,
    });
    await writeAudit(tx, auditActor(scope, api.tenantId), "codegen.putnpmoptions", api.id, before ? npmItem(before) : undefined, npmItem(row));
    return npmItem(row);
  });
}

const settingsSelect = {
  gitRemoteUrl: true,
  gitBranch: true,
  gitUserName: true,
  gitUserEmail: true,
  gitTokenEnc: true,
  gitSyncLabels: true,
  gitSyncDocs: true,
  gitSaved: true,
  gitUpdatedAt: true,
  revisionId: true,
  baseUrl: true,
  commonSaved: true,
  commonUpdatedAt: true,
} satisfies Prisma.CodegenSettingsSelect;
type SettingsRow = Prisma.CodegenSettingsGetPayload<{ select: typeof settingsSelect }>;

const gitItem = (r: SettingsRow | null): GitSettingsItem => ({
  remoteUrl: r?.gitRemoteUrl ?? "",
  branch: r?.gitBranch ?? "main",
  userName: r?.gitUserName ?? "",
  userEmail: r?.gitUserEmail ?? "",
  syncLabels: r?.gitSyncLabels ?? false,
  syncDocs: r?.gitSyncDocs ?? false,
  hasToken: !!r?.gitTokenEnc,
  saved: r?.gitSaved ?? false,
  updatedAt: r?.gitUpdatedAt ?? null,
});
const commonItem = (r: SettingsRow | null): CommonSettingsItem => ({
  revisionId: r?.revisionId ?? null,
  baseUrl: r?.baseUrl ?? "",
  saved: r?.commonSaved ?? false,
  updatedAt: r?.commonUpdatedAt ?? null,
});

const readSettings = (db: DbClient, apiResourceId: string) => db.codegenSettings.findUnique({ where: { apiResourceId }, select: settingsSelect });

export async function getGitSettings(scope: Scope, apiResourceId: string): Promise<GitSettingsItem> {
  await findResource(scope.db, scope, apiResourceId);
  return gitItem(await readSettings(scope.db, apiResourceId));
}

export async function saveGitSettings(scope: Scope, input: z.output<typeof gitSettingsInput>): Promise<GitSettingsItem> {
  const api = await findResource(scope.db, scope, input.id);
  checkLoopback({ remoteUrl: input.remoteUrl });
  return scope.db.$transaction(async (tx) => {
    const before = await readSettings(tx, api.id);
    const data = {
      gitRemoteUrl: input.remoteUrl,
      gitBranch: input.branch,
      gitUserName: input.userName,
      gitUserEmail: input.userEmail,
      gitTokenEnc: nextToken(before?.gitTokenEnc, input.token, input.clearToken),
      gitSyncLabels: input.syncLabels,
      gitSyncDocs: input.syncDocs,
      gitSaved: true,
      gitUpdatedAt: new Date(),
    };
    const row = await tx.codegenSettings.upsert({
      where: { apiResourceId: api.id },
      create: { apiResourceId: api.id, tenantId: api.tenantId, ...data },
      update: data,
      select: settingsSelect,
    });
    await writeAudit(tx, auditActor(scope, api.tenantId), "codegen.putgithuboptions", api.id, before?.gitSaved ? gitItem(before) : undefined, gitItem(row));
    return gitItem(row);
  });
}

export async function getCommonSettings(scope: Scope, apiResourceId: string): Promise<CommonSettingsItem> {
  await findResource(scope.db, scope, apiResourceId);
  return commonItem(await readSettings(scope.db, apiResourceId));
}

export async function saveCommonSettings(scope: Scope, input: z.output<typeof commonSettingsInput>): Promise<CommonSettingsItem> {
  const api = await findResource(scope.db, scope, input.id);
  if (input.revisionId) {
    const rev = await scope.db.apiRevision.findFirst({ where: { id: input.revisionId, version: { apiResourceId: api.id } }, select: { id: true } });
    if (!rev) throw new AppError(200007, { revisionId: [msg("revisionNotInApi")] });
  }
  return scope.db.$transaction(async (tx) => {
    const before = await readSettings(tx, api.id);
    const data = { revisionId: input.revisionId, baseUrl: input.baseUrl, commonSaved: true, commonUpdatedAt: new Date() };
    const row = await tx.codegenSettings.upsert({
      where: { apiResourceId: api.id },
      create: { apiResourceId: api.id, tenantId: api.tenantId, ...data },
      update: data,
      select: settingsSelect,
    });
    await writeAudit(
      tx,
      auditActor(scope, api.tenantId),
      "codegen.putcommonoptions",
      api.id,
      before?.commonSaved ? commonItem(before) : undefined,
      commonItem(row),
    );
    return commonItem(row);
  });
}

/** The stored tokens, decrypted: for the release pipeline on the server only, never for an answer. */
export async function secretsFor(
  scope: Scope,
  apiResourceId: string,
  language: CodegenLanguageName,
): Promise<{ npmToken: string | null; gitToken: string | null }> {
  await findResource(scope.db, scope, apiResourceId);
  const npm = await scope.db.codegenNpmSettings.findUnique({ where: { apiResourceId_language: { apiResourceId, language } }, select: { tokenEnc: true } });
  const git = await scope.db.codegenSettings.findUnique({ where: { apiResourceId }, select: { gitTokenEnc: true } });
  return { npmToken: npm?.tokenEnc ? decryptSecret(npm.tokenEnc) : null, gitToken: git?.gitTokenEnc ? decryptSecret(git.gitTokenEnc) : null };
}

// --- what a run builds from ---

export interface BuildInput {
  api: ApiResourceItem;
  revision: { id: string; number: number; versionName: string; title: string; operationCount: number };
  document: unknown;
  npm: NpmSettingsItem;
  common: CommonSettingsItem;
}

/**
 * The revision (the one asked for, else the common settings' one, else the online revision of
 * the newest version that has one), its document and the settings of `language`.
 */
export async function buildInput(scope: Scope, apiResourceId: string, language: CodegenLanguageName, revisionId?: string): Promise<BuildInput> {
  const api = await findResource(scope.db, scope, apiResourceId);
  const common = commonItem(await readSettings(scope.db, api.id));
  const pick = revisionId ?? common.revisionId;
  const select = { id: true, number: true, title: true, operationCount: true, document: true, version: { select: { name: true } } } as const;
  const rev = pick
    ? await scope.db.apiRevision.findFirst({ where: { id: pick, version: { apiResourceId: api.id } }, select })
    : ((
        await scope.db.apiVersion.findFirst({
          where: { apiResourceId: api.id, onlineRevisionId: { not: null } },
          orderBy: { createdAt: "desc" },
          select: { onlineRevision: { select } },
        })
      )?.onlineRevision ?? null);
  if (!rev) throw pick ? new AppError(200007) : new AppError(200006);
  if (!rev.document || typeof rev.document !== "object") throw new AppError(200001);
  const npm = await getNpmSettings(scope, api.id, language);
  return {
    api,
    revision: { id: rev.id, number: rev.number, versionName: rev.version.name, title: rev.title, operationCount: rev.operationCount },
    document: rev.document,
    npm,
    common,
  };
}

// --- history ---

const historySelect = {
  id: true,
  apiResourceId: true,
  kind: true,
  status: true,
  actorId: true,
  actorName: true,
  revisionId: true,
  revisionNumber: true,
  versionName: true,
  generatorId: true,
  language: true,
  version: true,
  registry: true,
  gitCommit: true,
  durationMs: true,
  fileCount: true,
  totalBytes: true,
  error: true,
  jobId: true,
  createdAt: true,
  finishedAt: true,
} satisfies Prisma.CodegenHistorySelect;

export interface RunStart {
  kind: "preview" | "release" | "gitsync";
  apiResourceId: string;
  tenantId: string;
  generatorId: string;
  language: string;
  revision?: { id: string; number: number; versionName: string } | null;
  version?: string | null;
  registry?: string | null;
  jobId?: string | null;
}

/** A history row for a run that starts now (status `running`); 200003 when it cannot be written. */
export async function startRun(scope: Scope, run: RunStart): Promise<{ id: string; startedAt: Date }> {
  try {
    const row = await scope.db.codegenHistory.create({
      data: {
        tenantId: run.tenantId,
        apiResourceId: run.apiResourceId,
        kind: run.kind,
        actorId: scope.actor.userId,
        actorName: scope.actor.displayName || scope.actor.userName || null,
        revisionId: run.revision?.id ?? null,
        revisionNumber: run.revision?.number ?? null,
        versionName: run.revision?.versionName ?? null,
        generatorId: run.generatorId,
        language: run.language,
        version: run.version ?? null,
        registry: run.registry ?? null,
        jobId: run.jobId ?? null,
      },
      select: { id: true, createdAt: true },
    });
    return { id: row.id, startedAt: row.createdAt };
  } catch (e) {
    scope.log.error({ err: e }, "codegen history not written");
    throw new AppError(200003);
  }
}

export interface RunEnd {
  status: "succeeded" | "failed" | "cancelled";
  log: string;
  error?: string | null;
  files?: { path: string; size: number }[];
  version?: string | null;
  registry?: string | null;
  gitCommit?: string | null;
}

/** Closes a run's history row with its outcome, duration and log (cut to the last 200,000 characters). */
export async function finishRun(db: DbClient, runId: string, startedAt: Date, end: RunEnd): Promise<void> {
  const log = end.log.length > MAX_LOG_CHARS ? `…\n${end.log.slice(-MAX_LOG_CHARS)}` : end.log;
  await db.codegenHistory.update({
    where: { id: runId },
    data: {
      status: end.status,
      log,
      error: end.error?.slice(0, 2000) ?? null,
      durationMs: Date.now() - startedAt.getTime(),
      finishedAt: new Date(),
      ...(end.files
        ? { files: end.files as unknown as Prisma.InputJsonValue, fileCount: end.files.length, totalBytes: end.files.reduce((s, f) => s + f.size, 0) }
        : {}),
      ...(end.version !== undefined ? { version: end.version } : {}),
      ...(end.registry !== undefined ? { registry: end.registry } : {}),
      ...(end.gitCommit !== undefined ? { gitCommit: end.gitCommit } : {}),
    },
  });
}

type HistoryRow = Omit<HistoryItem, "previewExpired">;

/** A history row as the API answers it: with whether a preview's files have expired. */
const withExpiry = <T extends HistoryRow>(row: T): T & { previewExpired: boolean } => ({
  ...row,
  previewExpired: row.kind === "preview" && row.status !== "running" && previewExpired(row.finishedAt ?? row.createdAt),
});

export async function listHistory(scope: Scope, input: z.output<typeof historyListInput>): Promise<{ total: number; items: HistoryItem[] }> {
  await findResource(scope.db, scope, input.id);
  const where = { apiResourceId: input.id, ...(input.kind ? { kind: input.kind } : {}) };
  const [total, items] = await Promise.all([
    scope.db.codegenHistory.count({ where }),
    scope.db.codegenHistory.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: input.skip, take: input.take, select: historySelect }),
  ]);
  return { total, items: items.map(withExpiry) };
}

async function findRun(scope: Scope, id: string) {
  const row = await scope.db.codegenHistory.findFirst({ where: { id }, select: { ...historySelect, tenantId: true, files: true, log: true } });
  if (!row) throw new AppError(200012);
  try {
    await findResource(scope.db, scope, row.apiResourceId);
  } catch {
    throw new AppError(200012);
  }
  return row;
}

export async function historyDetail(scope: Scope, id: string): Promise<HistoryItem & { log: string }> {
  const { tenantId: _t, files: _f, ...row } = await findRun(scope, id);
  return withExpiry(row);
}

// --- preview ---

let running = 0;

export async function preview(scope: Scope, input: z.output<typeof previewInput>): Promise<HistoryItem> {
  const def = findGenerator(input.generatorId);
  if (!def) throw new AppError(200004);
  const built = await buildInput(scope, input.id, def.language as CodegenLanguageName, input.revisionId);
  if (running >= MAX_CONCURRENT) throw new AppError(200014);
  running++;
  try {
    const run = await startRun(scope, {
      kind: "preview",
      apiResourceId: built.api.id,
      tenantId: built.api.tenantId,
      generatorId: def.id,
      language: def.language,
      revision: built.revision,
      version: built.npm.version,
    });
    const lines: string[] = [];
    try {
      const { files } = await generateInto({
        document: built.document,
        generatorId: def.id,
        settings: {
          packageName: built.npm.packageName,
          className: built.npm.className,
          version: built.npm.version,
          baseUrl: built.common.baseUrl || undefined,
        },
        outDir: runFolder(built.api.tenantId, run.id),
        onLog: (l) => lines.push(l),
      });
      await finishRun(scope.db, run.id, run.startedAt, { status: "succeeded", log: lines.join("\n"), files });
    } catch (e) {
      const code = e instanceof CodegenError ? e.code : 200008;
      await finishRun(scope.db, run.id, run.startedAt, {
        status: code === 200010 ? "cancelled" : "failed",
        log: [...lines, `error: ${e instanceof Error ? e.message : String(e)}`].join("\n"),
        error: e instanceof Error ? e.message : String(e),
      }).catch((err: unknown) => scope.log.error({ err }, "codegen history not closed"));
      await rm(runFolder(built.api.tenantId, run.id), { recursive: true, force: true });
      await writeAudit(scope.db, auditActor(scope, built.api.tenantId), "codegen.preview", run.id, undefined, { generatorId: def.id, status: "failed", code });
      throw new AppError(code);
    }
    const row = await scope.db.codegenHistory.findUniqueOrThrow({ where: { id: run.id }, select: historySelect });
    await writeAudit(scope.db, auditActor(scope, built.api.tenantId), "codegen.preview", run.id, undefined, {
      generatorId: def.id,
      revisionId: built.revision.id,
      status: row.status,
      fileCount: row.fileCount,
    });
    return withExpiry(row);
  } finally {
    running--;
  }
}

const previewFiles = (files: unknown): { path: string; size: number }[] =>
  Array.isArray(files) ? files.filter((f): f is { path: string; size: number } => typeof f?.path === "string" && typeof f?.size === "number") : [];

/**
 * A finished preview of an API the caller may manage, with its folder: 200012 when there is no
 * such preview, 200017 once it has outlived UC_CODEGEN_PREVIEW_TTL_HOURS or its folder is gone
 * (housekeeping removes expired folders; a sweep not yet run does not make it readable longer).
 */
export async function previewRun(scope: Scope, id: string) {
  const row = await findRun(scope, id);
  if (row.kind !== "preview" || row.status !== "succeeded") throw new AppError(200012);
  if (previewExpired(row.finishedAt ?? row.createdAt)) throw new AppError(200017);
  const dir = runFolder(row.tenantId, row.id);
  const ok = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!ok) throw new AppError(200017);
  return { row, dir, files: previewFiles(row.files) };
}

export async function previewTree(scope: Scope, id: string): Promise<PreviewTree> {
  const { row, files } = await previewRun(scope, id);
  return { id: row.id, generatorId: row.generatorId, entry: findGenerator(row.generatorId)?.entry ?? null, files };
}

export async function previewFile(scope: Scope, id: string, filePath: string): Promise<PreviewFileContent> {
  const { dir, files } = await previewRun(scope, id);
  // Only a path the generation listed: never a path built from the request alone.
  const entry = files.find((f) => f.path === filePath);
  if (!entry) throw new AppError(200013);
  const full = path.join(dir, ...entry.path.split("/"));
  if (!full.startsWith(dir + path.sep)) throw new AppError(200013);
  const handle = await open(full, "r").catch(() => null);
  if (!handle) throw new AppError(200013);
  try {
    const size = (await handle.stat()).size;
    const length = Math.min(size, MAX_PREVIEW_FILE_BYTES);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, 0);
    const binary = buf.subarray(0, 8000).includes(0);
    return { path: entry.path, size, content: binary ? "" : buf.toString("utf8"), truncated: size > length, binary };
  } finally {
    await handle.close();
  }
}

/** A preview's files as streams for the zip download. */
export async function previewArchive(scope: Scope, id: string) {
  const { row, dir, files } = await previewRun(scope, id);
  const api = await findResource(scope.db, scope, row.apiResourceId);
  return {
    name: `${api.name}-${row.generatorId}-${row.id.slice(-8)}`,
    files: files.map((f) => ({ path: f.path, open: () => createReadStream(path.join(dir, ...f.path.split("/"))) })),
  };
}
