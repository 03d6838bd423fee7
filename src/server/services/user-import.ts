/**
 * Bulk import of users from a CSV or XLSX file, in two steps over the same file: the preview
 * reads and checks every row (the user create procedure's own schema, the tenant's password
 * policy, roles by name, duplicates inside the file and against the tenant's users) and says
 * what is wrong with each; the import checks the file again and creates each valid row through
 * `createUser` — its own transaction with its roles and audit row — so a row is either a whole
 * user or a reported failure. One more audit row records the import itself.
 */
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { describeError, type Locale } from "~/lib/errors";
import { translator } from "~/i18n/catalog";
import { userCreateInput } from "~/lib/validators/user";
import { BUILT_IN_ROLES } from "~/lib/permissions";
import { AppError } from "~/server/errors";
import { IMPORTED_HASH_TYPES, detectHashFamily, importedHash, type ImportedHashProblem, type ImportedHashType } from "~/server/password";
import { checkPasswordPolicy } from "~/server/security/passwords";
import { describePasswordPolicy, tenantPasswordPolicy } from "~/server/services/password-policy";
import { auditActor, writeAudit } from "~/server/services/audit";
import { createUser } from "~/server/services/user";
import type { Scope } from "~/server/services/scope";
import { localizeFields, localizeIssue } from "~/lib/validators/common";
import type { ImportColumn, ParsedFile } from "~/server/imports/users-file";

/** How many rows the preview sends back in full (every row with an error first, up to this many). */
export const PREVIEW_ROWS = 1_000;

export interface RowError {
  /** The file's column the error is about, or null for the row as a whole. */
  column: ImportColumn | null;
  message: string;
}

export interface CheckedRow {
  line: number;
  userName: string | null;
  phone: string | null;
  email: string | null;
  nickname: string | null;
  roles: string[];
  status: "active" | "disabled";
  /** How the user will sign in: a carried-over hash, an initial password (changed at the first sign-in), or none yet. */
  password: "hash" | "initial" | "none";
  hashType: ImportedHashType | null;
  errors: RowError[];
}

interface Prepared {
  row: CheckedRow;
  input?: z.output<typeof userCreateInput>;
  passwordHash?: string;
}

export interface ImportPreview {
  format: ParsedFile["format"];
  total: number;
  okCount: number;
  errorCount: number;
  unknownHeaders: string[];
  /** Rows with errors first (in file order), then valid ones, at most PREVIEW_ROWS; `total` counts them all. */
  rows: CheckedRow[];
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
async function roleIndex(scope: Scope) {
  const roles = await scope.db.role.findMany({ where: { tenantId: scope.actor.tenantId }, select: { id: true, name: true } });
  const byName = new Map<string, { id: string; name: string }>();
  for (const r of roles) {
    byName.set(r.name.toLowerCase(), r);
    const builtIn = BUILT_IN_ROLES[r.name as keyof typeof BUILT_IN_ROLES];
    if (builtIn) for (const label of Object.values(builtIn.label)) byName.set(label.toLowerCase(), r);
  }
  return byName;
}

/** Every row checked, in file order, with what `createUser` needs for the valid ones. */
async function prepare(scope: Scope, file: ParsedFile): Promise<Prepared[]> {
  const locale = scope.locale;
  const t = translator(locale, "validation");
  const roles = await roleIndex(scope);
  const policy = await tenantPasswordPolicy(scope.db, scope.actor.tenantId);
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
      hashType = (IMPORTED_HASH_TYPES as readonly string[]).includes(typeText) ? (typeText as ImportedHashType) : (HASH_TYPE_ALIASES[typeText] ?? null);
      if (!hashType) errors.push({ column: "hashType", message: t("importHashTypes", { types: IMPORTED_HASH_TYPES.join(", ") }) });
      else if (!hash) errors.push({ column: "hashType", message: t("importHashTypeAlone") });
    }
    let passwordHash: string | undefined;
    if (hash && password) errors.push({ column: "password", message: t("importPasswordOrHash") });
    else if (hash) {
      const r = importedHash(hash, hashType);
      if (r.ok) passwordHash = r.stored;
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
      input: v ?? undefined,
      passwordHash,
    };
  });
  markDuplicates(prepared, locale);
  await markTaken(scope, prepared);
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
async function markTaken(scope: Scope, prepared: Prepared[]) {
  const messages = localizeFields({ phone: ["uc:phoneInUse"], email: ["uc:emailInUse"], userName: ["uc:userNameInUse"] }, scope.locale);
  const column = { phone: "phone", email: "email", userName: "userNameKey" } as const;
  for (const [field, key] of KEYS) {
    const values = [...new Set(prepared.map((p) => key(p.row)).filter((v): v is string => !!v))];
    const taken = new Set<string>();
    for (let i = 0; i < values.length; i += 1000) {
      const chunk = values.slice(i, i + 1000);
      const rows = await scope.db.user.findMany({
        where: { tenantId: scope.actor.tenantId, [column[field]]: { in: chunk } },
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

/** The preview: every row checked, nothing written. */
export async function previewUserImport(scope: Scope, file: ParsedFile): Promise<ImportPreview> {
  return summary(file, await prepare(scope, file));
}

export interface ImportResult {
  importId: string;
  total: number;
  created: number;
  /** Rows not created: those the preview refused, and those refused while importing (taken meanwhile). */
  failed: { line: number; errors: RowError[] }[];
}

/**
 * Checks the file again (the tenant may have changed since the preview) and creates every valid
 * row, one transaction each. `onProgress` hears after each row how many are done.
 */
export async function runUserImport(
  scope: Scope,
  file: ParsedFile,
  meta: { fileName: string },
  onProgress?: (done: number, total: number) => Promise<void> | void,
): Promise<ImportResult> {
  const prepared = await prepare(scope, file);
  const importId = randomUUID();
  const failed: ImportResult["failed"] = [];
  let created = 0;
  let done = 0;
  for (const p of prepared) {
    if (p.row.errors.length || !p.input) failed.push({ line: p.row.line, errors: p.row.errors });
    else {
      try {
        await createUser(scope, p.input, p.passwordHash ? { passwordHash: p.passwordHash } : undefined);
        created++;
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        const fields = e.fields ? localizeFields(e.fields, scope.locale) : {};
        const errors = Object.entries(fields).flatMap(([k, list]) =>
          list.map((message) => ({ column: (["phone", "email", "userName", "password"] as const).find((c) => c === k) ?? null, message })),
        );
        failed.push({ line: p.row.line, errors: errors.length ? errors : [{ column: null, message: describeError(e.appCode, scope.locale).description }] });
      }
    }
    done++;
    await onProgress?.(done, prepared.length);
  }
  await writeAudit(scope.db, auditActor(scope, scope.actor.tenantId), "user.import", importId, undefined, {
    fileName: meta.fileName.slice(0, 200),
    format: file.format,
    total: prepared.length,
    created,
    failed: failed.length,
  });
  return { importId, total: prepared.length, created, failed };
}
