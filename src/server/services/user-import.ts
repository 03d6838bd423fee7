/**
 * Bulk import of users from a CSV or XLSX file, in two steps over the same file: the preview
 * reads and checks every row (the user create procedure's own schema, the tenant's password
 * policy, roles by name, duplicates inside the file and against the tenant's users) and says
 * what is wrong with each; the import checks the file again and creates each valid row through
 * `createUser` — its own transaction with its roles and audit row — so a row is either a whole
 * user or a reported failure. One more audit row records the import itself.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import { describeError, type Locale } from "~/lib/errors";
import { translator } from "~/i18n/catalog";
import {
  IMPORT_HASH_TYPES,
  userCreateInput,
  type CheckedRow,
  type ImportJobView,
  type ImportPreview,
  type ImportResult,
  type ImportedHashType,
  type RowError,
} from "~/lib/validators/user";
import { BUILT_IN_ROLES, hasPermission, type PermissionCode } from "~/lib/permissions";
import { AppError } from "~/server/errors";
import { detectHashFamily, hashDigest, importedHash, type ImportedHashProblem } from "~/server/password";
import { checkPasswordPolicy } from "~/server/security/passwords";
import { describePasswordPolicy, tenantPasswordPolicy } from "~/server/services/password-policy";
import { auditActor, writeAudit } from "~/server/services/audit";
import { createUser } from "~/server/services/user";
import { systemScope, type Scope } from "~/server/services/scope";
import { enqueueJob, type JobKind } from "~/server/jobs/job";
import { jobActor } from "~/server/jobs/runner";
import { IMPORT_KEY_RE, readImportFile, removeImportFile, saveImportFile } from "~/server/imports/store";
import { localizeFields, localizeIssue, msg } from "~/lib/validators/common";
import { parseImportFile, type ImportColumn, type ParsedFile } from "~/server/imports/users-file";

/** How many rows the preview sends back in full (every row with an error first, up to this many). */
export const PREVIEW_ROWS = 1_000;

interface Prepared {
  row: CheckedRow;
  input?: z.output<typeof userCreateInput>;
  passwordHash?: string;
  /** An imported MD5 hex: stored as our own argon2id over it, made at import (not at preview). */
  md5Digest?: string;
}

const YES = new Set(["1", "y", "yes", "true", "是", "禁用", "已禁用", "disabled", "x", "✓"]);
const NO = new Set(["", "0", "n", "no", "false", "否", "启用", "正常", "active", "enabled"]);
const ROLE_SEPARATOR = /[,;，；、|/\n]+/;
const HASH_PROBLEM: Record<ImportedHashProblem, string> = {
  unknownHash: "importHashUnknown",
  hashTypeMismatch: "importHashTypeMismatch",
  hashTooCostly: "importHashTooCostly",
  malformedHash: "importHashMalformed",
};
const HASH_TYPE_ALIASES: Record<string, ImportedHashType> = {
  argon2id: "argon2",
  argon2i: "argon2",
  argon2d: "argon2",
  md5hex: "md5",
  "2a": "bcrypt",
  "2b": "bcrypt",
  "2y": "bcrypt",
};

/**
 * Phones as people write them in China: a bare 11-digit mobile, or +86 without the hyphen, is
 * the `+86-…` form our phone schema takes. Anything else is left for the schema to judge.
 */
function normalisePhone(s: string): string {
  const bare = s.replace(/[\s()-]/g, "");
  const m = /^(?:\+?86)?(1\d{10})$/.exec(bare);
  return m ? `+86-${m[1]}` : s;
}

/** Roles by their name (the key), or a built-in role's label in either language. */
async function roleIndex(scope: Scope, tenantId: string) {
  const roles = await scope.db.role.findMany({ where: { tenantId }, select: { id: true, name: true } });
  const byName = new Map<string, { id: string; name: string }>();
  for (const r of roles) {
    byName.set(r.name.toLowerCase(), r);
    const builtIn = BUILT_IN_ROLES[r.name as keyof typeof BUILT_IN_ROLES];
    if (builtIn) for (const label of Object.values(builtIn.label)) byName.set(label.toLowerCase(), r);
  }
  return byName;
}

/** Every row checked, in file order, with what `createUser` needs for the valid ones. */
async function prepare(scope: Scope, file: ParsedFile, tenantId: string): Promise<Prepared[]> {
  const locale = scope.locale;
  const t = translator(locale, "validation");
  const roles = await roleIndex(scope, tenantId);
  const policy = await tenantPasswordPolicy(scope.db, tenantId);
  const prepared = file.rows.map(({ line, cells }): Prepared => {
    const errors: RowError[] = [];
    const cell = (c: ImportColumn) => cells[c] ?? "";
    const disabledText = cell("disabled").toLowerCase();
    const disabled = YES.has(disabledText) ? true : NO.has(disabledText) ? false : null;
    if (disabled === null) errors.push({ column: "disabled", message: t("importYesNo") });
    const roleNames = cell("roles")
      .split(ROLE_SEPARATOR)
      .map((r) => r.trim())
      .filter(Boolean);
    const roleRows = roleNames.map((name) => ({ name, role: roles.get(name.toLowerCase()) }));
    for (const r of roleRows) if (!r.role) errors.push({ column: "roles", message: t("importUnknownRole", { name: r.name }) });

    const password = cell("password");
    const hash = cell("passwordHash");
    const typeText = cell("hashType").toLowerCase().replace(/\s+/g, "");
    let hashType: ImportedHashType | null = null;
    if (typeText) {
      hashType = (IMPORT_HASH_TYPES as readonly string[]).includes(typeText) ? (typeText as ImportedHashType) : (HASH_TYPE_ALIASES[typeText] ?? null);
      if (!hashType) errors.push({ column: "hashType", message: t("importHashTypes", { types: IMPORT_HASH_TYPES.join(", ") }) });
      else if (!hash) errors.push({ column: "hashType", message: t("importHashTypeAlone") });
    }
    let passwordHash: string | undefined;
    let md5Digest: string | undefined;
    if (hash && password) errors.push({ column: "password", message: t("importPasswordOrHash") });
    else if (hash) {
      const r = importedHash(hash, hashType);
      if (r.ok) [passwordHash, md5Digest] = [r.stored, r.digest];
      else errors.push({ column: "passwordHash", message: t(HASH_PROBLEM[r.problem]) });
    } else if (password) {
      const p = checkPasswordPolicy(password, policy);
      if (!p.ok) errors.push({ column: "password", message: p.reason === "tooCommon" ? t("tooCommon") : describePasswordPolicy(policy, locale) });
    }

    const parsed = userCreateInput.safeParse({
      userName: cell("userName"),
      phone: cells.phone ? normalisePhone(cells.phone) : "",
      email: cell("email"),
      nickname: cell("nickname"),
      status: disabled ? "disabled" : "active",
      password: hash ? "" : password,
      mustChangePassword: true,
      roleIds: [...new Set(roleRows.flatMap((r) => (r.role ? [r.role.id] : [])))],
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? "");
        const column = (["userName", "phone", "email", "nickname", "password"] as const).find((c) => c === key) ?? (key === "roleIds" ? "roles" : null);
        errors.push({ column, message: localizeIssue(issue, locale) });
      }
    }
    const v = parsed.success ? parsed.data : null;
    return {
      row: {
        line,
        userName: (v ? v.userName : cell("userName")) || null,
        phone: (v ? v.phone : cell("phone")) || null,
        email: (v ? v.email : cell("email")) || null,
        nickname: (v ? v.nickname : cell("nickname")) || null,
        roles: roleRows.map((r) => r.role?.name ?? r.name),
        status: disabled ? "disabled" : "active",
        password: hash ? "hash" : password ? "initial" : "none",
        hashType: hash ? (hashType ?? detectHashFamily(hash)) : null,
        errors,
      },
      input: v ? { ...v, tenantId } : undefined,
      passwordHash,
      md5Digest,
    };
  });
  markDuplicates(prepared, locale);
  await markTaken(scope, prepared, tenantId);
  return prepared;
}

const KEYS = [
  ["phone", (r: CheckedRow) => r.phone],
  ["email", (r: CheckedRow) => r.email],
  ["userName", (r: CheckedRow) => r.userName?.toLowerCase() ?? null],
] as const;

/** A later row with the phone, email or user name of an earlier one is an error (the first one stands). */
function markDuplicates(prepared: Prepared[], locale: Locale) {
  const t = translator(locale, "validation");
  for (const [column, key] of KEYS) {
    const first = new Map<string, number>();
    for (const { row } of prepared) {
      const k = key(row);
      if (!k) continue;
      const earlier = first.get(k);
      if (earlier === undefined) first.set(k, row.line);
      else row.errors.push({ column, message: t("importSameAs", { line: earlier }) });
    }
  }
}

/** Rows whose phone, email or user name a user of the tenant already has (soft-deleted ones too, as create does). */
async function markTaken(scope: Scope, prepared: Prepared[], tenantId: string) {
  const messages = localizeFields({ phone: ["uc:phoneInUse"], email: ["uc:emailInUse"], userName: ["uc:userNameInUse"] }, scope.locale);
  const column = { phone: "phone", email: "email", userName: "userNameKey" } as const;
  for (const [field, key] of KEYS) {
    const values = [...new Set(prepared.map((p) => key(p.row)).filter((v): v is string => !!v))];
    const taken = new Set<string>();
    for (let i = 0; i < values.length; i += 1000) {
      const chunk = values.slice(i, i + 1000);
      const rows = await scope.db.user.findMany({
        where: { tenantId, [column[field]]: { in: chunk } },
        select: { phone: true, email: true, userNameKey: true },
      });
      for (const r of rows) {
        const v = r[column[field]];
        if (v) taken.add(v);
      }
    }
    for (const { row } of prepared) {
      const k = key(row);
      if (k && taken.has(k)) row.errors.push({ column: field, message: messages[field]![0]! });
    }
  }
}

function summary(file: ParsedFile, prepared: Prepared[]): ImportPreview {
  const bad = prepared.filter((p) => p.row.errors.length);
  const good = prepared.filter((p) => !p.row.errors.length);
  const shown = [...bad.slice(0, PREVIEW_ROWS), ...good.slice(0, Math.max(0, PREVIEW_ROWS - bad.length))].map((p) => p.row);
  return { format: file.format, total: prepared.length, okCount: good.length, errorCount: bad.length, unknownHeaders: file.unknownHeaders, rows: shown };
}

/**
 * An import creates users, with roles and password hashes: it needs what `user.create` needs
 * (`uc.user.post`, which takes `roleIds` too) besides `uc.user.import`, or a holder of the import
 * permission alone could make themselves an administrator with a password they know.
 */
export const IMPORT_PERMISSIONS = ["uc.user.import", "uc.user.post"] as const satisfies readonly PermissionCode[];

/** 403 (17005 for a client) unless the actor holds every IMPORT_PERMISSIONS code. */
export function assertCanImport(actor: { permissions: Scope["actor"]["permissions"]; client?: unknown }) {
  for (const code of IMPORT_PERMISSIONS) if (!hasPermission(actor.permissions, code)) throw new AppError(actor.client ? 17005 : 10002);
}

/**
 * The tenant the users go to: the caller's own, or for a platform operator the one named (as
 * `user.create` does); a tenant that does not exist is a 404. Anyone else naming a tenant gets
 * their own, never the one named.
 */
export async function importTenant(scope: Scope, requested?: string | null): Promise<string> {
  if (!scope.actor.isOperator || !requested || requested === scope.actor.tenantId) return scope.actor.tenantId;
  const tenant = await scope.db.tenant.findUnique({ where: { id: requested }, select: { id: true } });
  if (!tenant) throw new AppError(10004);
  return tenant.id;
}

/** The preview: every row checked, nothing written. */
export async function previewUserImport(scope: Scope, file: ParsedFile, tenantId?: string | null): Promise<ImportPreview> {
  assertCanImport(scope.actor);
  return summary(file, await prepare(scope, file, await importTenant(scope, tenantId)));
}

/** Failed rows a result lists (a job keeps its result in its row). */
const FAILED_KEPT = 1_000;

/**
 * Checks the file again (the tenant may have changed since the preview) and creates every valid
 * row, one transaction each. `onProgress` hears how many rows are done and the result so far.
 */
export async function runUserImport(
  scope: Scope,
  file: ParsedFile,
  meta: { fileName: string; importId?: string; tenantId?: string | null },
  onProgress?: (done: number, total: number, soFar: ImportResult) => Promise<void> | void,
): Promise<ImportResult> {
  assertCanImport(scope.actor);
  const tenantId = await importTenant(scope, meta.tenantId);
  const prepared = await prepare(scope, file, tenantId);
  const result: ImportResult = { importId: meta.importId ?? randomUUID(), total: prepared.length, created: 0, failedCount: 0, failed: [] };
  const fail = (line: number, errors: RowError[]) => {
    result.failedCount++;
    if (result.failed.length < FAILED_KEPT) result.failed.push({ line, errors });
  };
  let done = 0;
  for (const p of prepared) {
    if (p.row.errors.length || !p.input) fail(p.row.line, p.row.errors);
    else {
      try {
        const passwordHash = p.md5Digest ? await hashDigest(p.md5Digest) : p.passwordHash;
        await createUser(scope, p.input, passwordHash ? { passwordHash } : undefined);
        result.created++;
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        const fields = e.fields ? localizeFields(e.fields, scope.locale) : {};
        const errors = Object.entries(fields).flatMap(([k, list]) =>
          list.map((message) => ({ column: (["phone", "email", "userName", "password"] as const).find((c) => c === k) ?? null, message })),
        );
        fail(p.row.line, errors.length ? errors : [{ column: null, message: describeError(e.appCode, scope.locale).description }]);
      }
    }
    done++;
    await onProgress?.(done, prepared.length, result);
  }
  await writeAudit(scope.db, auditActor(scope, tenantId), "user.import", result.importId, undefined, {
    fileName: meta.fileName.slice(0, 200),
    format: file.format,
    total: result.total,
    created: result.created,
    failed: result.failedCount,
  });
  return result;
}

// ---------------------------------------------------------------------------------------------
// Larger files: a job on the runner

export const USER_IMPORT_KIND = "user.import";
/** Rows imported inside the request; a larger file becomes a job (about 20 ms a row, more with a password to hash). */
export const IMPORT_INLINE_MAX = 200;

const jobInput = z.object({
  fileKey: z.string().regex(IMPORT_KEY_RE),
  fileName: z.string().max(200),
  locale: z.enum(["zh-CN", "en"]),
  /** The tenant the users go to, when an operator named another one (checked again when the job runs). */
  tenantId: z.uuid().nullish(),
  audit: z.object({ ip: z.string().nullable(), userAgent: z.string().nullable(), reqId: z.string().nullable() }),
});
type JobInput = z.output<typeof jobInput>;

/** Runs a user.import job as its creator now is (rights read again), with progress and the result so far; the file goes when it ends. */
export const userImportJob: JobKind<JobInput> = {
  input: jobInput,
  run: async (db: Db, job, row, input) => {
    try {
      const actor = await jobActor(db, row.actorId, row.tenantId);
      assertCanImport(actor);
      const scope = systemScope(db, actor, { tenantId: row.tenantId ?? undefined, locale: input.locale, audit: input.audit });
      const file = await parseImportFile(await readImportFile(input.fileKey));
      const json = (r: ImportResult) => r as unknown as Prisma.InputJsonValue;
      const result = await runUserImport(scope, file, { fileName: input.fileName, importId: row.id, tenantId: input.tenantId }, (done, total, soFar) =>
        job.progress(done, total, { result: json(soFar) }),
      );
      await job.finish({ result: json(result), done: result.total, total: result.total });
    } finally {
      await removeImportFile(input.fileKey);
    }
  },
};

/**
 * The import: up to IMPORT_INLINE_MAX rows at once (answering the result), a larger file kept in
 * the import store and queued as a job (answering it; the runner takes it from there).
 */
export async function importUsers(
  scope: Scope,
  file: ParsedFile,
  bytes: Buffer,
  fileName: string,
  requestedTenant?: string | null,
): Promise<{ result: ImportResult | null; job: ImportJobView | null }> {
  assertCanImport(scope.actor);
  const tenantId = await importTenant(scope, requestedTenant);
  if (file.rows.length <= IMPORT_INLINE_MAX) return { result: await runUserImport(scope, file, { fileName, tenantId }), job: null };
  // A client's rights are its token's: a job, run later as a user, could not keep to them.
  if (scope.actor.client) throw new AppError(10003, { file: [msg("importInlineOnly")] });
  const fileKey = await saveImportFile(scope.actor.tenantId, randomUUID(), file.format, bytes);
  let id: string;
  try {
    ({ id } = await enqueueJob(scope.db, USER_IMPORT_KIND, userImportJob, {
      tenantId: scope.actor.tenantId,
      actorId: scope.actor.userId,
      input: {
        fileKey,
        fileName: fileName.slice(0, 200),
        locale: scope.locale,
        tenantId: tenantId === scope.actor.tenantId ? null : tenantId,
        audit: { ip: scope.audit.ip, userAgent: scope.audit.userAgent, reqId: scope.audit.reqId ?? null },
      },
    }));
  } catch (e) {
    await removeImportFile(fileKey);
    throw e;
  }
  return { result: null, job: await getImportJob(scope, id) };
}

/** An import job of the caller's own; anyone else's is a 404, as if it did not exist. */
export async function getImportJob(scope: Scope, id: string): Promise<ImportJobView> {
  const row = await scope.db.job.findFirst({
    where: { id, kind: USER_IMPORT_KIND, actorId: scope.actor.userId },
    select: { id: true, status: true, total: true, done: true, result: true, error: true },
  });
  if (!row) throw new AppError(10004);
  const r = row.result as ImportResult | null;
  return { ...row, result: r && typeof r.created === "number" ? r : null };
}
