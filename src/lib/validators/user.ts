import { z } from "zod";
import { boolish, imageUrlSchema, listInput, msg, phoneSchema, refineRange, multiLineText, text, userNameSchema } from "~/lib/validators/common";
import { emailSchema } from "~/lib/validators/auth";
import { GENDERS } from "~/lib/validators/profile";
import { NICKNAME_MAX, USER_STATUSES, USER_ORDER } from "./values";
export { USER_STATUSES, USER_ORDER };

export { GENDERS };

const optText = (max: number) => z.union([text().trim().max(max), z.literal("")]).nullish();
const optLines = (max: number) => z.union([multiLineText().trim().max(max), z.literal("")]).nullish();
export { userNameSchema };

/** A custom property or claim: string keys to string values. */
export const userClaimSchema = z.object({ type: text().trim().min(1).max(100), value: text().trim().max(1000) });
export const propertiesSchema = z.record(text().trim().min(1).max(100), multiLineText().max(4000));

/** The profile fields the form and the create/update procedures share. */
export const userFields = z.object({
  userName: z.union([userNameSchema, z.literal("")]).nullish(),
  nickname: optText(NICKNAME_MAX),
  avatar: imageUrlSchema.nullish(),
  phone: z.union([phoneSchema, z.literal("")]).nullish(),
  email: z.union([emailSchema, z.literal("")]).nullish(),
  gender: z.union([z.enum(GENDERS), z.literal("")]).nullish(),
  birthday: z.coerce.date().nullish(),
  address: optText(200),
  description: optLines(500),
  remark: optLines(500),
  status: z.enum(USER_STATUSES).default("active"),
  referrerId: z.union([z.uuid(), z.literal("")]).nullish(),
});
export type UserFields = z.input<typeof userFields>;

export const userCreateInput = userFields
  .extend({
    password: z.union([text().max(128), z.literal("")]).optional(),
    /** With a password: the user must replace it at the first sign-in (the administrator knows it). */
    mustChangePassword: z.boolean().default(true),
    roleIds: z.array(z.uuid()).max(50).default([]),
    /** Operators only: create in another tenant. */
    tenantId: z.uuid().optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.userName && !v.phone && !v.email) ctx.addIssue({ code: "custom", path: ["userName"], message: msg("accountRequired") });
  });
export type UserCreateInput = z.input<typeof userCreateInput>;
export const userUpdateInput = userFields.partial().extend({ id: z.uuid() });

export const userListInput = listInput
  .extend({
    orderby: z.enum(USER_ORDER).default("createdAt"),
    /** Opaque keyset cursor from a previous page's `nextCursor`; when given, `skip` is ignored. */
    cursor: text().max(500).optional(),
    roleId: z.uuid().optional(),
    phone: text().trim().max(32).optional(),
    /** Prefix match on the lower-cased user name, or on the nickname. */
    name: text().trim().max(64).optional(),
    email: text().trim().toLowerCase().max(254).optional(),
    provider: text().trim().max(32).optional(),
    providerKey: text().trim().max(200).optional(),
    claimType: text().trim().max(100).optional(),
    claimValue: text().trim().max(1000).optional(),
    status: z.enum(USER_STATUSES).optional(),
    deleted: boolish.default(false),
    /** Operators only: another tenant's users. */
    tenantId: z.uuid().optional(),
  })
  .superRefine(refineRange);
export type UserListInput = z.input<typeof userListInput>;

export const userItem = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  userName: z.string().nullable(),
  nickname: z.string().nullable(),
  avatar: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  status: z.enum(USER_STATUSES),
  createdAt: z.date(),
  deletedAt: z.date().nullable(),
  referrerId: z.string().nullable(),
  roles: z.array(z.object({ id: z.uuid(), name: z.string() })),
});
export type UserItem = z.infer<typeof userItem>;

export const userListOutput = z.object({
  total: z.number().int(),
  /** The count stopped at the cap: there are more than `total`. */
  totalCapped: z.boolean(),
  /** When capped, the database's estimate of all matches (from its statistics); else null. */
  estimatedTotal: z.number().int().nullable(),
  nextCursor: z.string().nullable(),
  items: z.array(userItem),
});

export const userDetail = userItem.extend({
  gender: z.string().nullable(),
  birthday: z.date().nullable(),
  address: z.string().nullable(),
  description: z.string().nullable(),
  remark: z.string().nullable(),
  properties: z.record(z.string(), z.string()),
  claims: z.array(userClaimSchema),
  referrer: z.object({ id: z.uuid(), name: z.string().nullable() }).nullable(),
  teamDepth: z.number().int(),
  hasPassword: z.boolean(),
  lockedUntil: z.date().nullable(),
  updatedAt: z.date(),
  externalLogins: z.array(
    z.object({
      id: z.uuid(),
      provider: z.string(),
      providerKey: z.string(),
      unionId: z.string().nullable(),
      nickname: z.string().nullable(),
      createdAt: z.date(),
    }),
  ),
});
export type UserDetail = z.infer<typeof userDetail>;

export const userExistsInput = z
  .object({ phone: phoneSchema.optional(), email: emailSchema.optional(), userName: text().trim().min(1).max(32).optional() })
  .refine((v) => v.phone || v.email || v.userName, { message: msg("required"), path: ["userName"] });

export const userLockInput = z.object({ id: z.uuid(), until: z.coerce.date() });
export const userResetPasswordInput = z.object({
  id: z.uuid(),
  password: z.union([text().max(128), z.literal("")]).optional(),
  /** The user must replace it at the next sign-in (the administrator knows it). */
  mustChangePassword: z.boolean().default(true),
});
export const userRolesInput = z.object({ id: z.uuid(), roleIds: z.array(z.uuid()).max(50) });
export const userClaimsInput = z.object({
  id: z.uuid(),
  claims: z.array(userClaimSchema).max(100),
  properties: propertiesSchema,
});
export const unlinkLoginInput = z.object({ id: z.uuid(), loginId: z.uuid() });

/** Up to 50 user ids, for the user picker's labels. REST: `?ids=a,b` or `?ids=a&ids=b`. */
export const userPickInput = z.object({
  ids: z.preprocess(
    (v) =>
      typeof v === "string"
        ? v
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean)
        : v,
    z.array(z.uuid()).max(50),
  ),
  /** Operators only: another tenant's users. */
  tenantId: z.uuid().optional(),
});
export const userPickItem = z.object({
  id: z.uuid(),
  /** Nickname, else user name (null when the user has neither). */
  name: z.string().nullable(),
  userName: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
});
export type UserPickItem = z.infer<typeof userPickItem>;

// ---------------------------------------------------------------------------------------------
// Bulk actions

export const USER_BULK_ACTIONS = ["lock", "unlock", "addRole", "removeRole", "disable", "enable", "delete"] as const;
export type UserBulkAction = (typeof USER_BULK_ACTIONS)[number];
/** At most this many ids in one request; more users are "all that match the filter". */
export const USER_BULK_IDS_MAX = 1000;
/** Up to this many ids run inside the request; more (or a filter) run as a background job. */
export const USER_BULK_INLINE_MAX = 200;

/**
 * A bulk action on explicit `ids` or on every user matching `filter` (the list's own input; its
 * paging is ignored). `roleId` for addRole/removeRole, `until` for lock.
 */
export const userBulkInput = z
  .object({
    action: z.enum(USER_BULK_ACTIONS),
    ids: z.array(z.uuid()).min(1).max(USER_BULK_IDS_MAX).optional(),
    filter: userListInput.optional(),
    roleId: z.uuid().optional(),
    until: z.coerce.date().optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.ids === !v.filter) ctx.addIssue({ code: "custom", path: ["ids"], message: msg("bulkTarget") });
    if ((v.action === "addRole" || v.action === "removeRole") && !v.roleId) ctx.addIssue({ code: "custom", path: ["roleId"], message: msg("required") });
    if (v.action === "lock" && !v.until) ctx.addIssue({ code: "custom", path: ["until"], message: msg("required") });
  });
export type UserBulkInput = z.input<typeof userBulkInput>;

/** What a bulk action did: users changed, users skipped and, per reason (an error code), how many. */
export const userBulkOutcome = z.object({
  changed: z.number().int(),
  skipped: z.number().int(),
  reasons: z.array(z.object({ code: z.number().int(), count: z.number().int() })),
});
export type UserBulkOutcome = z.infer<typeof userBulkOutcome>;

export const userBulkJob = z.object({
  id: z.uuid(),
  action: z.enum(USER_BULK_ACTIONS),
  status: z.enum(["queued", "running", "done", "failed", "cancelled"]),
  total: z.number().int().nullable(),
  done: z.number().int(),
  outcome: userBulkOutcome.nullable(),
  error: z.string().nullable(),
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
});
export type UserBulkJob = z.infer<typeof userBulkJob>;

/** Inline: the outcome at once; else the job that carries it out. */
export const userBulkOutput = z.object({ outcome: userBulkOutcome.nullable(), job: userBulkJob.nullable() });

// ---------------------------------------------------------------------------------------------
// Import (POST /api/v1/users/import: a preview of every row, then the import)

/** The columns an import file may have (header names in both languages: src/server/imports/users-file.ts). */
export const IMPORT_COLUMNS = ["userName", "phone", "email", "nickname", "roles", "disabled", "password", "passwordHash", "hashType"] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
export const IMPORT_HASH_TYPES = ["argon2", "argon2-md5", "bcrypt", "bcrypt-md5", "md5"] as const;
export type ImportedHashType = (typeof IMPORT_HASH_TYPES)[number];

/** One problem of a row, in the caller's language; `column` null for the row as a whole. */
export const importRowError = z.object({ column: z.enum(IMPORT_COLUMNS).nullable(), message: z.string() });
export type RowError = z.infer<typeof importRowError>;

export const importCheckedRow = z.object({
  /** The row's number as a spreadsheet shows it (the header is row 1). */
  line: z.number().int(),
  userName: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  nickname: z.string().nullable(),
  roles: z.array(z.string()),
  status: z.enum(USER_STATUSES),
  /** How the user will sign in: a carried-over hash, an initial password (changed at the first sign-in), or none yet. */
  password: z.enum(["hash", "initial", "none"]),
  hashType: z.enum(IMPORT_HASH_TYPES).nullable(),
  errors: z.array(importRowError),
});
export type CheckedRow = z.infer<typeof importCheckedRow>;

export const importPreview = z.object({
  format: z.enum(["csv", "xlsx"]),
  total: z.number().int(),
  okCount: z.number().int(),
  errorCount: z.number().int(),
  /** Header cells no column answers to (ignored). */
  unknownHeaders: z.array(z.string()),
  /** Rows with errors first (in file order), then valid ones, at most 1,000; `total` counts them all. */
  rows: z.array(importCheckedRow),
});
export type ImportPreview = z.infer<typeof importPreview>;

export const importResult = z.object({
  importId: z.uuid(),
  total: z.number().int(),
  created: z.number().int(),
  /** Rows not created: those the preview refuses, and those refused while importing (taken meanwhile). */
  failedCount: z.number().int(),
  /** The first 1,000 of them, with their errors. */
  failed: z.array(z.object({ line: z.number().int(), errors: z.array(importRowError) })),
});
export type ImportResult = z.infer<typeof importResult>;

export const userImportJob = z.object({
  id: z.uuid(),
  status: z.enum(["queued", "running", "done", "failed", "cancelled"]),
  total: z.number().int().nullable(),
  done: z.number().int(),
  /** The result so far (while running) or in the end. */
  result: importResult.nullable(),
  error: z.string().nullable(),
});
export type ImportJobView = z.infer<typeof userImportJob>;
