/**
 * API publishing (网关): an API resource's versions, the revisions imported into each (an
 * OpenAPI document with its changelog against the version's online revision), which revision
 * of a version is online, the release notes of each release, and the last publish configuration.
 * Who may see or change an API's publishing is who may see or change the API resource itself
 * (`findResource`: its tenant, and a developer only the APIs they own).
 */
import { z } from "zod";
import {
  API_IMPORT_STEPS,
  STAT_WINDOW_HOURS,
  type GatewayStatRow,
  type GatewayTraffic,
  type StatWindow,
  type gatewayStatsInput,
  type gatewayTrafficInput,
  type RevisionImportFailure,
  type RevisionImportJobResult,
  type RevisionImportOutput,
} from "~/lib/validators/api-publish";
import type { Prisma } from "~/generated/prisma/client";
import type { DbClient } from "~/server/db";
import { AppError, isUniqueViolation } from "~/server/errors";
import { auditActor, writeAudit } from "~/server/services/audit";
import { findResource } from "~/server/services/api-resources";
import { systemScope, type Scope } from "~/server/services/scope";
import { parseApiDocument, type ParsedDocument } from "~/server/openapi/document";
import { compareDocuments } from "~/server/openapi/changelog";
import { checkDocumentUrl, fetchApiDocument } from "~/server/openapi/fetch";
import { enqueueJob, type JobKind } from "~/server/jobs/job";
import { JobCancelled, jobActor } from "~/server/jobs/runner";
import { describeError, type Locale } from "~/lib/errors";
import { hasPermission } from "~/lib/permissions";
import { enqueueReleaseMail } from "~/server/services/api-subscriptions";
import { checkAuthServer } from "~/server/services/api-auth-servers";
import { productsBundling, syncSubscriptionScopes } from "~/server/services/product-subscriptions";
import { localizeFields, msg } from "~/lib/validators/common";
import type {
  Changelog,
  PublishConfigItem,
  ReleaseItem,
  RevisionDetail,
  RevisionItem,
  VersionItem,
  apiVersionCreateInput,
  publishConfigInput,
  releaseCreateInput,
  releaseUpdateInput,
  revisionImportInput,
  revisionOnlineInput,
} from "~/lib/validators/api-publish";

const revisionSelect = {
  id: true,
  apiVersionId: true,
  number: true,
  note: true,
  sourceFormat: true,
  sourceSyntax: true,
  sourceOrigin: true,
  title: true,
  operationCount: true,
  comparedToId: true,
  breaking: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.ApiRevisionSelect;
type RevisionRow = Prisma.ApiRevisionGetPayload<{ select: typeof revisionSelect }>;

const versionSelect = {
  id: true,
  tenantId: true,
  apiResourceId: true,
  name: true,
  scheme: true,
  onlineRevisionId: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.ApiVersionSelect;

const revisionItem = (r: RevisionRow, onlineId: string | null, newest: number): RevisionItem => ({
  ...r,
  online: r.id === onlineId,
  current: r.number === newest,
});

/** A version of an API the caller may manage (300001 otherwise). */
async function findVersion(db: DbClient, scope: Scope, apiResourceId: string, versionId: string) {
  await findResource(db, scope, apiResourceId);
  const v = await db.apiVersion.findFirst({ where: { id: versionId, apiResourceId }, select: versionSelect });
  if (!v) throw new AppError(300001);
  return v;
}

/** A revision the caller may manage, with its version (300009 otherwise). */
async function findRevision(db: DbClient, scope: Scope, id: string) {
  const r = await db.apiRevision.findFirst({ where: { id }, select: { ...revisionSelect, tenantId: true, version: { select: versionSelect } } });
  if (!r) throw new AppError(300009);
  try {
    await findResource(db, scope, r.version.apiResourceId);
  } catch {
    throw new AppError(300009);
  }
  return r;
}

export async function listVersions(scope: Scope, apiResourceId: string): Promise<VersionItem[]> {
  await findResource(scope.db, scope, apiResourceId);
  const versions = await scope.db.apiVersion.findMany({
    where: { apiResourceId },
    orderBy: { createdAt: "asc" },
    select: { ...versionSelect, revisions: { select: revisionSelect, orderBy: { number: "desc" } } },
  });
  return versions.map(({ revisions, tenantId: _t, ...v }) => {
    const newest = revisions[0]?.number ?? 0;
    return { ...v, revisions: revisions.map((r) => revisionItem(r, v.onlineRevisionId, newest)) };
  });
}

export async function createVersion(scope: Scope, input: z.output<typeof apiVersionCreateInput>): Promise<VersionItem> {
  const resource = await findResource(scope.db, scope, input.id);
  try {
    return await scope.db.$transaction(async (tx) => {
      const v = await tx.apiVersion.create({
        data: { tenantId: resource.tenantId, apiResourceId: resource.id, name: input.name, scheme: input.scheme },
        select: versionSelect,
      });
      await writeAudit(tx, auditActor(scope, resource.tenantId), "apiresource.publishversion", v.id, undefined, v);
      const { tenantId: _t, ...item } = v;
      return { ...item, revisions: [] };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError(300010, { name: [msg("versionNameInUse")] });
    throw e;
  }
}

/** The document of a version's online revision, if one is online. */
async function onlineDocument(db: DbClient, onlineRevisionId: string | null) {
  if (!onlineRevisionId) return null;
  const r = await db.apiRevision.findUnique({ where: { id: onlineRevisionId }, select: { id: true, document: true } });
  return r ? { id: r.id, document: r.document as Record<string, unknown> } : null;
}

interface ImportSource {
  text: string;
  /** The file's name or the URL it came from. */
  origin: string | null;
}

/** What an import job hooks into the import: its steps, and a last look for a cancel request before the revision is committed. */
interface ImportHooks {
  step?: (name: (typeof API_IMPORT_STEPS)[number]) => Promise<void>;
  beforeCommit?: () => void;
}

/**
 * The import itself, for an uploaded text and for a job's fetched one alike: the text checked and
 * normalised (document.ts), compared with the online revision and stored as the version's next
 * revision with its audit row, in one transaction. Nothing is stored unless all of it succeeded.
 */
async function importDocument(
  scope: Scope,
  version: { id: string; tenantId: string; name: string },
  source: ImportSource,
  note: string | null | undefined,
  hooks: ImportHooks = {},
): Promise<RevisionItem> {
  await hooks.step?.("parse");
  const parsed: ParsedDocument = await parseApiDocument(source.text);
  await hooks.step?.("import");
  return scope.db.$transaction(async (tx) => {
    // One importer at a time per version, so revision numbers never collide.
    await tx.$executeRaw`SELECT 1 FROM "ApiVersion" WHERE "id" = ${version.id}::uuid FOR UPDATE`;
    const fresh = await tx.apiVersion.findUniqueOrThrow({ where: { id: version.id }, select: { onlineRevisionId: true } });
    const online = await onlineDocument(tx, fresh.onlineRevisionId);
    const changes = online ? compareDocuments(online.document, parsed.document) : null;
    const last = await tx.apiRevision.aggregate({ where: { apiVersionId: version.id }, _max: { number: true } });
    const number = (last._max.number ?? 0) + 1;
    const row = await tx.apiRevision.create({
      data: {
        tenantId: version.tenantId,
        apiVersionId: version.id,
        number,
        note: note || null,
        sourceFormat: parsed.sourceFormat,
        sourceSyntax: parsed.sourceSyntax,
        sourceOrigin: source.origin,
        source: source.text,
        document: parsed.document as Prisma.InputJsonValue,
        title: parsed.title,
        operationCount: parsed.operationCount,
        comparedToId: online?.id ?? null,
        changes: (changes ?? undefined) as Prisma.InputJsonValue | undefined,
        breaking: changes?.breaking ?? false,
        createdBy: scope.actor.userId,
      },
      select: revisionSelect,
    });
    await tx.apiVersion.update({ where: { id: version.id }, data: { updatedAt: new Date() } });
    const { id, number: n, sourceFormat, sourceOrigin, title, operationCount, breaking } = row;
    await writeAudit(tx, auditActor(scope, version.tenantId), "apiresource.publishrevision", id, undefined, {
      version: version.name,
      number: n,
      sourceFormat,
      sourceOrigin,
      title,
      operationCount,
      breaking,
    });
    // A cancel asked for until now rolls all of it back.
    hooks.beforeCommit?.();
    return revisionItem(row, fresh.onlineRevisionId, number);
  });
}

/**
 * Imports an API description as the version's next revision. An uploaded or pasted text is
 * imported at once (answering the revision); a URL is fetched by a job on the runner (answering
 * the job: its progress, the revision or the error come from job.get), since the server-side
 * request may take up to 10 seconds and 10 MB.
 */
export async function importRevision(scope: Scope, input: z.output<typeof revisionImportInput>): Promise<RevisionImportOutput> {
  const version = await findVersion(scope.db, scope, input.id, input.versionId);
  if (input.source.kind === "text") return importDocument(scope, version, { text: input.source.text, origin: input.source.fileName || null }, input.note);
  // A client's rights are its token's: a job, run later as a user, could not keep to them.
  if (scope.actor.client) throw new AppError(10003, { "source.url": [msg("documentUrlUserOnly")] });
  // An address that could never be fetched is refused now; where it leads is the job's to find out.
  checkDocumentUrl(input.source.url);
  const job = await enqueueJob(scope.db, API_IMPORT_KIND, apiImportJob, {
    tenantId: version.tenantId,
    actorId: scope.actor.userId,
    input: {
      id: version.apiResourceId,
      versionId: version.id,
      url: input.source.url,
      note: input.note ?? null,
      locale: scope.locale,
      audit: { ip: scope.audit.ip, userAgent: scope.audit.userAgent, reqId: scope.audit.reqId ?? null },
    },
  });
  return { jobId: job.id };
}

// --- importing by URL: a job on the runner ---------------------------------------------------

export const API_IMPORT_KIND = "api.import";

const importJobInput = z.object({
  /** The API resource. */
  id: z.uuid(),
  versionId: z.uuid(),
  url: z.string().max(2000),
  note: z.string().max(500).nullable(),
  /** The creator's language, for the job's error. */
  locale: z.enum(["zh-CN", "en"]),
  audit: z.object({ ip: z.string().nullable(), userAgent: z.string().nullable(), reqId: z.string().nullable() }),
});
type ImportJobInput = z.output<typeof importJobInput>;

/** An AppError as the synchronous import answers it (name, description and field messages), in both languages. */
function importFailure(e: AppError): RevisionImportFailure {
  const text = (locale: Locale) => {
    const d = describeError(e.appCode, locale);
    return { name: d.name, description: d.description, fields: e.fields ? localizeFields(e.fields, locale) : {} };
  };
  return { appCode: e.appCode, "zh-CN": text("zh-CN"), en: text("en") };
}

/**
 * Fetches the document at the job's URL and imports it as the creator now is (rights read again:
 * a creator who lost the permission or the API gets the error the request would). Cancelled
 * before the revision is committed, nothing is stored; once it is, the job ends done. A failure
 * leaves the error in the job's result in both languages, and in the creator's as its message.
 */
export const apiImportJob: JobKind<ImportJobInput> = {
  input: importJobInput,
  run: async (db, job, row, input) => {
    await job.setSteps(API_IMPORT_STEPS);
    let at = 0;
    const step = async (name: (typeof API_IMPORT_STEPS)[number]) => {
      at = API_IMPORT_STEPS.indexOf(name);
      await job.step(name);
    };
    const actor = await jobActor(db, row.actorId, row.tenantId);
    const scope = systemScope(db, actor, { tenantId: row.tenantId ?? undefined, locale: input.locale, audit: input.audit });
    try {
      await step("fetch");
      if (!hasPermission(actor.permissions, "uc.apiresource.publishrevision")) throw new AppError(10002);
      const version = await findVersion(db, scope, input.id, input.versionId);
      job.log(`GET ${input.url}`);
      const text = await fetchApiDocument(input.url, job.signal);
      job.log(`${Buffer.byteLength(text, "utf8")} bytes`);
      const revision = await importDocument(scope, version, { text, origin: input.url }, input.note, { step, beforeCommit: () => job.checkCancelled() });
      job.log(`revision ${revision.number}: ${revision.title} (${revision.operationCount} operations${revision.breaking ? ", breaking" : ""})`);
      // Stored: a cancel asked for from here on comes too late, and the job ends done.
      await step("record").catch((e: unknown) => {
        if (!(e instanceof JobCancelled)) throw e;
        job.log("the revision was stored before the cancel request arrived");
      });
      const { id, apiVersionId, number, title, operationCount, breaking } = revision;
      const result: RevisionImportJobResult = { revision: { id, apiVersionId, number, title, operationCount, breaking }, failure: null };
      await job.finish({ result, done: API_IMPORT_STEPS.length, total: API_IMPORT_STEPS.length });
    } catch (e) {
      if (!(e instanceof AppError) || job.signal.aborted) throw e;
      const failure = importFailure(e);
      const result: RevisionImportJobResult = { revision: null, failure };
      await job.progress(at, API_IMPORT_STEPS.length, { result, force: true });
      const said = failure[input.locale];
      throw new Error([said.description, ...Object.values(said.fields).flat()].join("\n"));
    }
  },
};

export async function getRevision(scope: Scope, id: string): Promise<RevisionDetail> {
  const r = await findRevision(scope.db, scope, id);
  const [full, newest] = await Promise.all([
    scope.db.apiRevision.findUniqueOrThrow({ where: { id }, select: { changes: true, document: true } }),
    scope.db.apiRevision.aggregate({ where: { apiVersionId: r.apiVersionId }, _max: { number: true } }),
  ]);
  const { version, tenantId: _t, ...row } = r;
  return {
    ...revisionItem(row, version.onlineRevisionId, newest._max.number ?? r.number),
    changes: (full.changes as Changelog | null) ?? null,
    document: full.document as Record<string, unknown>,
  };
}

/** The revision's source as it was imported (for download). */
export async function getRevisionSource(scope: Scope, id: string) {
  await findRevision(scope.db, scope, id);
  return scope.db.apiRevision.findUniqueOrThrow({ where: { id }, select: { source: true, sourceSyntax: true, number: true } });
}

/**
 * Puts a revision online in its version (a release, with its notes). A revision that breaks the
 * callers of the online one (compared again now: another revision may have gone online since
 * the import) needs `confirmBreaking`; otherwise 300011 says so and suggests a new version.
 * Confirmed subscribers are emailed the notes and the changelog by a job queued here.
 */
export async function setOnline(scope: Scope, input: z.output<typeof revisionOnlineInput>): Promise<{ release: ReleaseItem; changes: Changelog | null }> {
  const r = await findRevision(scope.db, scope, input.id);
  return scope.db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM "ApiVersion" WHERE "id" = ${r.apiVersionId}::uuid FOR UPDATE`;
    const v = await tx.apiVersion.findUniqueOrThrow({ where: { id: r.apiVersionId }, select: versionSelect });
    if (v.onlineRevisionId === r.id) throw new AppError(300004, { id: [msg("revisionAlreadyOnline")] });
    const online = await onlineDocument(tx, v.onlineRevisionId);
    const mine = await tx.apiRevision.findUniqueOrThrow({ where: { id: r.id }, select: { document: true } });
    const changes = online ? compareDocuments(online.document, mine.document as Record<string, unknown>) : null;
    if (changes?.breaking && !input.confirmBreaking) throw new AppError(300011);
    await tx.apiVersion.update({ where: { id: v.id }, data: { onlineRevisionId: r.id } });
    const release = await tx.apiRelease.create({
      data: { tenantId: v.tenantId, apiVersionId: v.id, revisionId: r.id, notes: input.notes, createdBy: scope.actor.userId },
      select: { id: true, apiVersionId: true, revisionId: true, notes: true, createdAt: true, updatedAt: true },
    });
    // The subscribers' emails go out once this commits (the job is a row of this transaction).
    await enqueueReleaseMail(tx, { id: release.id, tenantId: v.tenantId, apiResourceId: v.apiResourceId }, changes, scope.actor.userId);
    await writeAudit(
      tx,
      auditActor(scope, v.tenantId),
      "apiresource.setonlineversion",
      v.id,
      { onlineRevisionId: v.onlineRevisionId },
      { onlineRevisionId: r.id, number: r.number, breaking: changes?.breaking ?? false, confirmed: input.confirmBreaking },
    );
    return { release: { ...release, versionName: v.name, revisionNumber: r.number }, changes };
  });
}

// --- release notes ---------------------------------------------------------------------------

const releaseSelect = {
  id: true,
  apiVersionId: true,
  revisionId: true,
  notes: true,
  createdAt: true,
  updatedAt: true,
  version: { select: { name: true, apiResourceId: true, tenantId: true } },
  revision: { select: { number: true } },
} satisfies Prisma.ApiReleaseSelect;
type ReleaseRow = Prisma.ApiReleaseGetPayload<{ select: typeof releaseSelect }>;
const releaseItem = ({ version, revision, ...r }: ReleaseRow): ReleaseItem => ({ ...r, versionName: version.name, revisionNumber: revision.number });

export async function listReleases(scope: Scope, input: { id: string; versionId?: string; skip: number; take: number }) {
  await findResource(scope.db, scope, input.id);
  const where: Prisma.ApiReleaseWhereInput = { version: { apiResourceId: input.id }, ...(input.versionId ? { apiVersionId: input.versionId } : {}) };
  const [total, rows] = await Promise.all([
    scope.db.apiRelease.count({ where }),
    scope.db.apiRelease.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: input.skip, take: input.take, select: releaseSelect }),
  ]);
  return { total, items: rows.map(releaseItem) };
}

async function findRelease(db: DbClient, scope: Scope, id: string) {
  const row = await db.apiRelease.findFirst({ where: { id }, select: releaseSelect });
  if (!row) throw new AppError(300014);
  try {
    await findResource(db, scope, row.version.apiResourceId);
  } catch {
    throw new AppError(300014);
  }
  return row;
}

/** Release notes for a revision that is or was online (a revision never put online has no release). */
export async function createRelease(scope: Scope, input: z.output<typeof releaseCreateInput>): Promise<ReleaseItem> {
  const r = await findRevision(scope.db, scope, input.revisionId);
  const released = await scope.db.apiRelease.count({ where: { revisionId: r.id } });
  if (!released && r.version.onlineRevisionId !== r.id) throw new AppError(300004, { revisionId: [msg("revisionNeverOnline")] });
  return scope.db.$transaction(async (tx) => {
    const row = await tx.apiRelease.create({
      data: { tenantId: r.tenantId, apiVersionId: r.apiVersionId, revisionId: r.id, notes: input.notes, createdBy: scope.actor.userId },
      select: releaseSelect,
    });
    await writeAudit(tx, auditActor(scope, r.tenantId), "apiresource.postrelease", row.id, undefined, { notes: row.notes, revision: r.number });
    return releaseItem(row);
  });
}

export async function updateRelease(scope: Scope, input: z.output<typeof releaseUpdateInput>): Promise<ReleaseItem> {
  const before = await findRelease(scope.db, scope, input.id);
  return scope.db.$transaction(async (tx) => {
    const row = await tx.apiRelease.update({ where: { id: input.id }, data: { notes: input.notes }, select: releaseSelect });
    await writeAudit(tx, auditActor(scope, before.version.tenantId), "apiresource.putrelease", row.id, { notes: before.notes }, { notes: row.notes });
    return releaseItem(row);
  });
}

export async function deleteRelease(scope: Scope, id: string) {
  const before = await findRelease(scope.db, scope, id);
  return scope.db.$transaction(async (tx) => {
    await tx.apiRelease.delete({ where: { id } });
    await writeAudit(tx, auditActor(scope, before.version.tenantId), "apiresource.deleterelease", id, { notes: before.notes });
    return { id };
  });
}

// --- publish configuration -------------------------------------------------------------------

const configSelect = {
  apiResourceId: true,
  suffix: true,
  productIds: true,
  authServer: true,
  scopes: true,
  openId: true,
  backendUrl: true,
  rateLimitPerMinute: true,
  updatedAt: true,
} satisfies Prisma.ApiPublishConfigSelect;

/** The last publish configuration, or null before the first. */
export async function getPublishConfig(scope: Scope, apiResourceId: string): Promise<PublishConfigItem | null> {
  await findResource(scope.db, scope, apiResourceId);
  return scope.db.apiPublishConfig.findUnique({ where: { apiResourceId }, select: configSelect });
}

/**
 * Keeps the publish configuration; its scopes must be the API's own (18004), its suffix free in the
 * tenant (300015), its authorization server `self` or one of the tenant's (300045).
 */
export async function savePublishConfig(scope: Scope, input: z.output<typeof publishConfigInput>): Promise<PublishConfigItem> {
  const resource = await findResource(scope.db, scope, input.id);
  const foreign = input.scopes.filter((s) => !resource.scopes.includes(s));
  if (foreign.length) throw new AppError(18004, { scopes: [msg("scopeNotOfApi")] });
  const data = {
    suffix: input.suffix,
    authServer: input.authServer,
    scopes: [...new Set(input.scopes)],
    openId: input.openId,
    backendUrl: input.backendUrl || null,
    rateLimitPerMinute: input.rateLimitPerMinute ?? null,
  };
  try {
    return await scope.db.$transaction(async (tx) => {
      const before = await tx.apiPublishConfig.findUnique({ where: { apiResourceId: resource.id }, select: configSelect });
      await checkAuthServer(tx, resource.tenantId, data.authServer);
      const row = await tx.apiPublishConfig.upsert({
        where: { apiResourceId: resource.id },
        create: { apiResourceId: resource.id, tenantId: resource.tenantId, ...data },
        update: data,
        select: configSelect,
      });
      await writeAudit(tx, auditActor(scope, resource.tenantId), "apiresource.publish", resource.id, before ?? undefined, row);
      // The products bundling this API grant the configuration's scopes: their subscriptions' clients follow now.
      await syncSubscriptionScopes(tx, scope, resource.tenantId, await productsBundling(tx, resource.tenantId, resource.id));
      return row;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError(300015, { suffix: [msg("suffixInUse")] });
    throw e;
  }
}

// --- gateway traffic -------------------------------------------------------------------------

type StatGroup = { version: string; clientId: string; calls: number; clientErrors: number; serverErrors: number; totalMs: number };
const rate = (calls: number, errors: number) => (calls ? errors / calls : 0);

/** The product subscription (with its product and subscriber) behind each of `clientIds` of `tenantId`. */
async function subscriptionsOf(db: DbClient, tenantId: string, clientIds: string[]) {
  const ids = [...new Set(clientIds.filter(Boolean))];
  if (!ids.length) return new Map<string, GatewayStatRow["subscription"]>();
  const rows = await db.oAuthClient.findMany({
    where: { tenantId, clientId: { in: ids }, subscription: { isNot: null } },
    select: {
      clientId: true,
      subscription: {
        select: {
          id: true,
          status: true,
          product: { select: { id: true, name: true, displayName: true } },
          user: { select: { id: true, userName: true, nickname: true, email: true } },
        },
      },
    },
  });
  return new Map(
    rows.flatMap((r) =>
      r.subscription
        ? [[r.clientId, { id: r.subscription.id, status: r.subscription.status, product: r.subscription.product, owner: r.subscription.user }] as const]
        : [],
    ),
  );
}

async function statRows(db: DbClient, tenantId: string, apiResourceId: string, sinceMinute: number): Promise<GatewayStatRow[]> {
  const groups = await db.gatewayStat.groupBy({
    by: ["version", "clientId"],
    where: { tenantId, apiResourceId, minute: { gt: sinceMinute } },
    _sum: { calls: true, clientErrors: true, serverErrors: true, totalMs: true },
    orderBy: { _sum: { calls: "desc" } },
    take: 500,
  });
  const flat: StatGroup[] = groups.map((g) => ({
    version: g.version,
    clientId: g.clientId,
    calls: g._sum.calls ?? 0,
    clientErrors: g._sum.clientErrors ?? 0,
    serverErrors: g._sum.serverErrors ?? 0,
    totalMs: Number(g._sum.totalMs ?? 0n),
  }));
  const subs = await subscriptionsOf(
    db,
    tenantId,
    flat.map((g) => g.clientId),
  );
  return flat.map((g) => ({
    version: g.version,
    clientId: g.clientId,
    subscription: subs.get(g.clientId) ?? null,
    calls: g.calls,
    clientErrors: g.clientErrors,
    serverErrors: g.serverErrors,
    errorRate: rate(g.calls, g.clientErrors + g.serverErrors),
    meanMs: g.calls ? g.totalMs / g.calls : 0,
  }));
}

const windowHours = (input: { hours: number; window?: StatWindow }) => (input.window ? STAT_WINDOW_HOURS[input.window] : input.hours);

/**
 * Calls through the gateway to this API over the last `hours` (or `window`), per version and client,
 * each client with the product subscription that issued it (its product and subscriber), most
 * called first; the current instance's last few seconds may not be written yet (src/server/gateway/stats.ts).
 */
export async function gatewayStats(scope: Scope, input: z.output<typeof gatewayStatsInput>): Promise<GatewayStatRow[]> {
  const resource = await findResource(scope.db, scope, input.id);
  const since = Math.floor(Date.now() / 60_000) - windowHours(input) * 60;
  return statRows(scope.db, resource.tenantId, resource.id, since);
}

/**
 * The console's Traffic tab: totals, a series per hour (24 hours) or per UTC day (7 or 30 days) with
 * every bucket present (zero when quiet), calls and error rate per version, and the rows of gatewayStats.
 */
export async function gatewayTraffic(scope: Scope, input: z.output<typeof gatewayTrafficInput>): Promise<GatewayTraffic> {
  const resource = await findResource(scope.db, scope, input.id);
  const hours = STAT_WINDOW_HOURS[input.window];
  const bucket = input.window === "24h" ? "hour" : "day";
  const size = bucket === "hour" ? 60 : 1440;
  const nowMinute = Math.floor(Date.now() / 60_000);
  const since = nowMinute - hours * 60;
  const [rows, points] = await Promise.all([
    statRows(scope.db, resource.tenantId, resource.id, since),
    scope.db.$queryRaw<{ b: number; calls: number; clientErrors: number; serverErrors: number }[]>`
      SELECT ("minute" / ${size}::int) * ${size}::int AS "b", SUM("calls")::int AS "calls",
             SUM("clientErrors")::int AS "clientErrors", SUM("serverErrors")::int AS "serverErrors"
        FROM "GatewayStat"
       WHERE "tenantId" = ${resource.tenantId}::uuid AND "apiResourceId" = ${resource.id}::uuid AND "minute" > ${since}::int
       GROUP BY 1 ORDER BY 1`,
  ]);
  const byBucket = new Map(points.map((p) => [Number(p.b), p]));
  const series: GatewayTraffic["series"] = [];
  for (let b = Math.floor((since + 1) / size) * size; b <= nowMinute; b += size) {
    const p = byBucket.get(b);
    series.push({ at: new Date(b * 60_000), calls: p?.calls ?? 0, clientErrors: p?.clientErrors ?? 0, serverErrors: p?.serverErrors ?? 0 });
  }
  const totals = rows.reduce(
    (t, r) => ({ calls: t.calls + r.calls, clientErrors: t.clientErrors + r.clientErrors, serverErrors: t.serverErrors + r.serverErrors }),
    {
      calls: 0,
      clientErrors: 0,
      serverErrors: 0,
    },
  );
  const versions = new Map<string, { calls: number; errors: number }>();
  for (const r of rows) {
    const v = versions.get(r.version) ?? { calls: 0, errors: 0 };
    v.calls += r.calls;
    v.errors += r.clientErrors + r.serverErrors;
    versions.set(r.version, v);
  }
  return {
    window: input.window,
    since: new Date(since * 60_000),
    bucket,
    totals: { ...totals, errorRate: rate(totals.calls, totals.clientErrors + totals.serverErrors) },
    series,
    byVersion: [...versions].map(([version, v]) => ({ version, calls: v.calls, errorRate: rate(v.calls, v.errors) })).sort((a, b) => b.calls - a.calls),
    rows,
  };
}
