/**
 * Administering a tenant's users: the list (one filter implementation for the console, the REST
 * mirror and the exporter), detail, create/update, soft delete and restore, lock/unlock, password
 * reset, roles, claims and properties, external logins. Every mutation runs in one transaction
 * with its audit row; password hashes never leave this module.
 */
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import type { DbClient } from "~/server/db";
import { Prisma } from "~/generated/prisma/client";
import { UUID_RE, likePrefix } from "~/server/db/sql";
import { readRows } from "~/server/db/fast-read";
import { tenantWhere, type Scope } from "~/server/services/scope";
import { AppError, isUniqueViolation } from "~/server/errors";
import { msg } from "~/lib/validators/common";
import { auditActor, writeAudit } from "~/server/services/audit";
import { hashPassword } from "~/server/password";
import { assertNewPassword, rememberReplacedPassword } from "~/server/services/password-policy";
import { accountLockedUntil, lockAccountUntil, unlockAccount } from "~/server/security/throttle";
import { setReferrer, teamPathOf } from "~/server/services/team";
import type { UserDetail, UserItem, userClaimsInput, userCreateInput, userExistsInput, userListInput, userUpdateInput } from "~/lib/validators/user";

/**
 * Counting stops here: past it the list answers the database's estimate instead. An exact count
 * walks every match (100,000 of them for a common name prefix), which costs many pages' worth.
 */
export const COUNT_CAP = 1_000;
const ADMIN_ROLE = "administrator";

const itemSelect = {
  id: true,
  tenantId: true,
  userName: true,
  nickname: true,
  avatar: true,
  phone: true,
  email: true,
  status: true,
  createdAt: true,
  deletedAt: true,
  referrerId: true,
  userNameKey: true,
  roles: { select: { role: { select: { id: true, name: true } } } },
} satisfies Prisma.UserSelect;
type ItemRow = Prisma.UserGetPayload<{ select: typeof itemSelect }>;

const toItem = (r: ItemRow): UserItem => ({
  id: r.id,
  tenantId: r.tenantId,
  userName: r.userName,
  nickname: r.nickname,
  avatar: r.avatar,
  phone: r.phone,
  email: r.email,
  status: r.status,
  createdAt: r.createdAt,
  deletedAt: r.deletedAt,
  referrerId: r.referrerId,
  roles: r.roles.map((x) => x.role).sort((a, b) => a.name.localeCompare(b.name)),
});

// ---------------------------------------------------------------------------------------------
// The list

type ListInput = z.output<typeof userListInput>;
/** `userName` sorts by the lower-cased key, which the (tenantId, userNameKey) index covers. */
const SORT_COLUMN = { createdAt: "createdAt", userName: "userNameKey", phone: "phone", email: "email" } as const;
type SortColumn = (typeof SORT_COLUMN)[keyof typeof SORT_COLUMN];
const column = (c: SortColumn) => Prisma.raw(`u."${c}"`);

interface Cursor {
  /** the sort column's value (ISO string for dates), or null */
  v: string | null;
  id: string;
}
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");
function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Cursor;
    if (typeof c.id === "string" && UUID_RE.test(c.id) && (c.v === null || typeof c.v === "string")) return c;
  } catch {
    /* fall through */
  }
  throw new AppError(10003, { cursor: [msg("invalidCursor")] });
}

/**
 * The rows after the cursor in (column, id) order, as segments read one after the other, each a
 * single index range: PostgreSQL puts NULLs last ascending and first descending, and cannot bound
 * an index scan by an OR, so every non-null segment also carries a plain `column >= v` (or `<=`)
 * the planner uses as the scan's start.
 */
function segmentsAfter(sort: SortColumn, asc: boolean, c: Cursor): Prisma.Sql[] {
  const col = column(sort);
  const idAfter = asc ? Prisma.sql`u."id" > ${c.id}::uuid` : Prisma.sql`u."id" < ${c.id}::uuid`;
  if (c.v === null) {
    const nulls = Prisma.sql`${col} IS NULL AND ${idAfter}`;
    return asc ? [nulls] : [nulls, Prisma.sql`${col} IS NOT NULL`];
  }
  // A cursor is the client's to send back: a date that does not parse is bad input, not a 500.
  if (sort === "createdAt" && Number.isNaN(Date.parse(c.v))) throw new AppError(10003, { cursor: [msg("invalidCursor")] });
  const v = sort === "createdAt" ? Prisma.sql`${c.v}::timestamptz` : Prisma.sql`${c.v}`;
  const rest = asc
    ? Prisma.sql`${col} >= ${v} AND (${col} > ${v} OR (${col} = ${v} AND ${idAfter}))`
    : Prisma.sql`${col} <= ${v} AND (${col} < ${v} OR (${col} = ${v} AND ${idAfter}))`;
  return asc && sort !== "createdAt" ? [rest, Prisma.sql`${col} IS NULL`] : [rest];
}

/**
 * The list's filter as one SQL condition on `"User" u`: the page, the capped count and the
 * estimate all read it, so they can never disagree about which users match.
 *
 * A prefix is a range a B-tree can answer under any collation (code point order, as in C/C.UTF-8
 * and PGlite), plus a LIKE that keeps the answer exact everywhere. `forEstimate` leaves the LIKE
 * out: the planner multiplies the two selectivities as if independent, which made 100,000
 * matches of a name prefix look like 7,000.
 */
export function userListFilter(scope: Scope, input: ListInput, { forEstimate = false } = {}): Prisma.Sql {
  const tenantId = scope.actor.isOperator ? input.tenantId : scope.actor.tenantId;
  const name = input.name?.trim();
  const prefix = (col: Prisma.Sql, p: string) =>
    forEstimate
      ? Prisma.sql`(${col} >= ${p} AND ${col} < ${`${p}\u{10FFFF}`})`
      : Prisma.sql`(${col} >= ${p} AND ${col} < ${`${p}\u{10FFFF}`} AND ${col} LIKE ${likePrefix(p)})`;
  // Naming the tenant inside a subquery lets it use the (tenantId, ...) unique index of the
  // logins and claims: one provider key is then an index probe, not a scan of every login.
  const exists = (table: string, alias: string, conditions: (Prisma.Sql | null)[]) =>
    Prisma.sql`EXISTS (SELECT 1 FROM ${Prisma.raw(`"${table}" ${alias}`)} WHERE ${Prisma.join(
      [Prisma.raw(`${alias}."userId" = u."id"`), ...conditions.filter((c) => c !== null)],
      " AND ",
    )})`;
  const sameTenant = (alias: string) => (tenantId ? Prisma.sql`${Prisma.raw(`${alias}."tenantId"`)} = ${tenantId}::uuid` : null);
  const parts: (Prisma.Sql | null)[] = [
    tenantId ? Prisma.sql`u."tenantId" = ${tenantId}::uuid` : null,
    input.deleted ? Prisma.sql`u."deletedAt" IS NOT NULL` : Prisma.sql`u."deletedAt" IS NULL`,
    input.status ? Prisma.sql`u."status" = ${input.status}::"UserStatus"` : null,
    input.roleId ? exists("UserRole", "r", [Prisma.sql`r."roleId" = ${input.roleId}::uuid`]) : null,
    input.phone ? prefix(column("phone"), input.phone) : null,
    input.email ? prefix(column("email"), input.email) : null,
    // Prefix, not infix: a B-tree range on the lower-cased key stays an index scan at any size.
    name ? Prisma.sql`(${prefix(column("userNameKey"), name.toLowerCase())} OR ${prefix(Prisma.raw(`u."nickname"`), name)})` : null,
    input.provider || input.providerKey
      ? exists("ExternalLogin", "e", [
          sameTenant("e"),
          input.provider ? Prisma.sql`e."provider" = ${input.provider}` : null,
          input.providerKey ? Prisma.sql`e."providerKey" = ${input.providerKey}` : null,
        ])
      : null,
    input.claimType || input.claimValue
      ? exists("UserClaim", "c", [
          sameTenant("c"),
          input.claimType ? Prisma.sql`c."type" = ${input.claimType}` : null,
          input.claimValue ? Prisma.sql`c."value" = ${input.claimValue}` : null,
        ])
      : null,
    input.startTime ? Prisma.sql`u."createdAt" >= ${input.startTime}::timestamptz` : null,
    input.endTime ? Prisma.sql`u."createdAt" <= ${input.endTime}::timestamptz` : null,
  ];
  return Prisma.join(
    parts.filter((p) => p !== null),
    " AND ",
  );
}

interface ItemSqlRow extends Omit<UserItem, "roles"> {
  userNameKey: string | null;
}

/**
 * The roles of a page of users in one query, each user's sorted by name. (A correlated subquery
 * per row cost about as much as the page itself: PostgreSQL hashed the whole Role table once per
 * user.)
 */
async function rolesOfUsers(db: DbClient, ids: string[]): Promise<Map<string, { id: string; name: string }[]>> {
  const out = new Map<string, { id: string; name: string }[]>();
  if (!ids.length) return out;
  // unnest, not `= ANY(ids)`: the planner probes the (userId, roleId) key once per id instead of
  // building a bitmap over a thousand-element array (half the time for an export's page). The
  // ids go as one text (they are ours, read from the table): no per-element array encoding.
  const rows = await readRows<{ userId: string; id: string; name: string }[]>(
    db,
    Prisma.sql`
    SELECT ur."userId"::text AS "userId", r."id"::text AS "id", r."name"
      FROM unnest(string_to_array(${ids.join(",")}, ',')::uuid[]) p("id") JOIN "UserRole" ur ON ur."userId" = p."id" JOIN "Role" r ON r."id" = ur."roleId"`,
  );
  for (const r of rows) {
    const list = out.get(r.userId);
    if (list) list.push({ id: r.id, name: r.name });
    else out.set(r.userId, [{ id: r.id, name: r.name }]);
  }
  for (const list of out.values()) if (list.length > 1) list.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}

/**
 * How many users match: exact up to COUNT_CAP; past it, PostgreSQL's own estimate (from the
 * planner's statistics, costing a plan and no rows). The count has no ORDER BY, so the planner
 * takes its cheapest way to the first COUNT_CAP + 1 matches (a bitmap over the prefix index, a
 * semi-join from the claims) instead of walking the page's order.
 */
async function countUsers(db: DbClient, scope: Scope, input: ListInput, filter: Prisma.Sql) {
  const [{ n }] = await readRows<[{ n: number }]>(
    db,
    Prisma.sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM "User" u WHERE ${filter} LIMIT ${COUNT_CAP + 1}) s`,
  );
  if (n <= COUNT_CAP) return { total: n, totalCapped: false, estimatedTotal: null };
  const query = Prisma.sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM "User" u WHERE ${userListFilter(scope, input, { forEstimate: true })}`;
  const key = `${query.text}\0${JSON.stringify(query.values)}`;
  const now = Date.now();
  let estimate = estimates.get(key);
  if (!estimate || estimate.until <= now) {
    const [plan] = await readRows<[{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }]>(db, query);
    if (estimates.size >= ESTIMATES_MAX) estimates.delete(estimates.keys().next().value!);
    estimate = { rows: Math.round(plan["QUERY PLAN"][0]?.Plan["Plan Rows"] ?? 0), until: now + ESTIMATE_TTL_MS };
    estimates.set(key, estimate);
  }
  return { total: COUNT_CAP, totalCapped: true, estimatedTotal: Math.max(estimate.rows, COUNT_CAP + 1) };
}

/**
 * The planner's estimates by filter, for a minute: they change only when PostgreSQL's statistics
 * do (ANALYZE), and a console paging through a large tenant asks for the same one on every page.
 */
const ESTIMATE_TTL_MS = 60_000;
const ESTIMATES_MAX = 500;
const estimates = new Map<string, { rows: number; until: number }>();

/**
 * The rows of one page in the list's order, after the cursor (keyset) or from `skip`, reading
 * `columns` (which must include the sort column): one more than `take` when there is a next page.
 * The table's page and the export's pages both come from here.
 */
async function readPage<Row>(db: DbClient, filter: Prisma.Sql, input: ListInput, columns: Prisma.Sql, take: number): Promise<Row[]> {
  const sort = SORT_COLUMN[input.orderby];
  const asc = !!input.asc;
  const dir = Prisma.raw(asc ? "ASC" : "DESC");
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  const page = (extra: Prisma.Sql | null, limit: number) =>
    readRows<Row[]>(
      db,
      Prisma.sql`
    SELECT ${columns}
    FROM "User" u
    WHERE ${filter} ${extra ? Prisma.sql`AND ${extra}` : Prisma.empty}
    ORDER BY ${column(sort)} ${dir}, u."id" ${dir}
    LIMIT ${limit} OFFSET ${extra ? 0 : input.skip}`,
    );
  if (!cursor) return page(null, take + 1);
  const out: Row[] = [];
  for (const segment of segmentsAfter(sort, asc, cursor)) {
    out.push(...(await page(segment, take + 1 - out.length)));
    if (out.length > take) break;
  }
  return out;
}

/** Splits off the look-ahead row and makes the cursor of the page's last row. */
function pageOf<Row extends { id: string }>(input: ListInput, rows: Row[], take: number) {
  const sort = SORT_COLUMN[input.orderby];
  const more = rows.length > take;
  const items = more ? rows.slice(0, take) : rows;
  const last = items.at(-1);
  let nextCursor: string | null = null;
  if (more && last) {
    const v = (last as unknown as Record<SortColumn, unknown>)[sort] as string | Date | null;
    nextCursor = encodeCursor({ v: v === null ? null : v instanceof Date ? v.toISOString() : v, id: last.id });
  }
  return { items, nextCursor };
}

/**
 * One page of users. With `cursor` the page is found by keyset (as fast on page 50,000 as on
 * page 1); otherwise by `skip`. `total` is exact up to COUNT_CAP, then `totalCapped` is true and
 * `estimatedTotal` holds the database's estimate.
 */
export async function listUsers(scope: Scope, input: ListInput) {
  const { db } = scope;
  const filter = userListFilter(scope, input);
  const columns = Prisma.sql`u."id"::text AS "id", u."tenantId"::text AS "tenantId", u."userName", u."nickname", u."avatar", u."phone", u."email",
           u."status"::text AS "status", u."createdAt", u."deletedAt", u."referrerId"::text AS "referrerId", u."userNameKey"`;
  const [counted, rows] = await Promise.all([countUsers(db, scope, input, filter), readPage<ItemSqlRow>(db, filter, input, columns, input.take)]);
  const { items, nextCursor } = pageOf(input, rows, input.take);
  const roles = await rolesOfUsers(
    db,
    items.map((r) => r.id),
  );
  return {
    ...counted,
    nextCursor,
    items: items.map(({ userNameKey: _key, ...r }): UserItem => ({ ...r, roles: roles.get(r.id) ?? [] })),
  };
}

/** A user as the export writes it: the exported columns only, the role names sorted as in the list. */
export interface UserExportRow {
  id: string;
  userName: string | null;
  nickname: string | null;
  phone: string | null;
  email: string | null;
  status: UserItem["status"];
  createdAt: Date;
  roles: string[];
}

/**
 * A page of the list for an export: the same filter, order and keyset cursor as listUsers (so
 * the file holds exactly what the table shows), reading only the exported columns and no count
 * after the first page. It answers as soon as the page's users are read, with the cursor of the
 * next page; `rows` (the users with their role names) completes meanwhile, so the caller can ask
 * for the next page while this one's roles are read. An export of a million users walks a
 * thousand of these.
 */
export async function listUsersForExport(scope: Scope, input: ListInput, cursor: string | null, take: number) {
  const { db } = scope;
  const paged: ListInput = { ...input, cursor: cursor ?? undefined, skip: 0 };
  const filter = userListFilter(scope, paged);
  const sortKey = SORT_COLUMN[paged.orderby] === "userNameKey" ? Prisma.sql`, u."userNameKey"` : Prisma.empty;
  const columns = Prisma.sql`u."id"::text AS "id", u."userName", u."nickname", u."phone", u."email", u."status"::text AS "status", u."createdAt"${sortKey}`;
  const [counted, read] = await Promise.all([
    cursor === null ? countUsers(db, scope, paged, filter) : null,
    readPage<Omit<UserExportRow, "roles">>(db, filter, paged, columns, take),
  ]);
  const { items, nextCursor } = pageOf(paged, read, take);
  const rows = rolesOfUsers(
    db,
    items.map((r) => r.id),
  ).then((roles) => {
    // Fresh objects of one shape: the columns read them a million times, and the rows as the
    // driver answers them are slow to extend (adding `roles` to them cost twice the copy).
    const out = new Array<UserExportRow>(items.length);
    for (let i = 0; i < items.length; i++) {
      const r = items[i]!;
      const mine = roles.get(r.id);
      out[i] = {
        id: r.id,
        userName: r.userName,
        nickname: r.nickname,
        phone: r.phone,
        email: r.email,
        status: r.status,
        createdAt: r.createdAt,
        roles: mine ? mine.map((x) => x.name) : [],
      };
    }
    return out;
  });
  return { total: counted ? (counted.estimatedTotal ?? counted.total) : null, nextCursor, rows };
}

/**
 * The ids of a page of the list (the same filter, order and keyset cursor as listUsers), for bulk
 * actions on "all that match": a cursor is a position, not an offset, so users that stop matching
 * as they are changed (disabled under "status: active") do not shift the pages after them.
 * `total` (exact to COUNT_CAP, else the estimate) comes with the first page only.
 */
export async function listUserIds(scope: Scope, input: ListInput, cursor: string | null, take: number) {
  const paged: ListInput = { ...input, cursor: cursor ?? undefined, skip: 0 };
  const filter = userListFilter(scope, paged);
  const sort = SORT_COLUMN[paged.orderby];
  const columns = Prisma.sql`u."id"::text AS "id", ${column(sort)} AS ${Prisma.raw(`"${sort}"`)}`;
  const [counted, read] = await Promise.all([
    cursor === null ? countUsers(scope.db, scope, paged, filter) : null,
    readPage<{ id: string }>(scope.db, filter, paged, columns, take),
  ]);
  const { items, nextCursor } = pageOf(paged, read, take);
  return { ids: items.map((r) => r.id), nextCursor, total: counted ? (counted.estimatedTotal ?? counted.total) : null };
}

// ---------------------------------------------------------------------------------------------
// Detail

const detailSelect = {
  ...itemSelect,
  gender: true,
  birthday: true,
  address: true,
  description: true,
  remark: true,
  properties: true,
  teamDepth: true,
  teamPath: true,
  passwordHash: true,
  updatedAt: true,
  isOperator: true,
  claims: { select: { type: true, value: true }, orderBy: [{ type: "asc" }, { value: "asc" }] },
  referrer: { select: { id: true, userName: true, nickname: true, phone: true, email: true } },
  externalLogins: {
    select: { id: true, provider: true, providerKey: true, unionId: true, nickname: true, createdAt: true },
    orderBy: { createdAt: "asc" },
  },
} satisfies Prisma.UserSelect;
type DetailRow = Prisma.UserGetPayload<{ select: typeof detailSelect }>;

const displayName = (u: { nickname: string | null; userName: string | null; phone: string | null; email: string | null }) =>
  u.nickname ?? u.userName ?? u.phone ?? u.email;

function toDetail(r: DetailRow, lockedUntil: Date | null): UserDetail {
  const props = r.properties && typeof r.properties === "object" && !Array.isArray(r.properties) ? (r.properties as Record<string, unknown>) : {};
  return {
    ...toItem(r),
    gender: r.gender,
    birthday: r.birthday,
    address: r.address,
    description: r.description,
    remark: r.remark,
    properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, String(v)])),
    claims: r.claims,
    referrer: r.referrer ? { id: r.referrer.id, name: displayName(r.referrer) } : null,
    teamDepth: r.teamDepth,
    hasPassword: !!r.passwordHash,
    lockedUntil,
    updatedAt: r.updatedAt,
    externalLogins: r.externalLogins,
  };
}

/** The user, if the caller may see them; another tenant's user is a 404. */
async function findUser(db: DbClient, scope: Scope, id: string, opts: { deleted?: boolean } = {}) {
  const row = await db.user.findFirst({
    where: { AND: [{ id }, tenantWhere(scope), opts.deleted === undefined ? {} : { deletedAt: opts.deleted ? { not: null } : null }] },
    select: detailSelect,
  });
  if (!row) throw new AppError(15001);
  return row;
}

async function detailOf(db: DbClient, row: DetailRow) {
  return toDetail(row, await accountLockedUntil(db, row.tenantId, row.id));
}

/**
 * Labels for the user picker: the given ids the caller may see (their tenant; operators any, or the
 * one they pass), live users only, in the order asked. Unknown or foreign ids are simply left out.
 */
export async function pickUsers(scope: Scope, input: { ids: string[]; tenantId?: string }) {
  const { db } = scope;
  const ids = [...new Set(input.ids)];
  if (!ids.length) return [];
  const rows = await db.user.findMany({
    where: { AND: [{ id: { in: ids } }, tenantWhere(scope, input.tenantId), { deletedAt: null }] },
    select: { id: true, userName: true, nickname: true, phone: true, email: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ id: r.id, name: r.nickname ?? r.userName, userName: r.userName, phone: r.phone, email: r.email }] : [];
  });
}

export async function getUser(scope: Scope, id: string) {
  const { db } = scope;
  return detailOf(db, await findUser(db, scope, id));
}

/** What the audit log keeps of a user: the detail, never the hash. */
const snapshot = (d: UserDetail) => ({ ...d, externalLogins: d.externalLogins.map((l) => ({ provider: l.provider, providerKey: l.providerKey })) });

// ---------------------------------------------------------------------------------------------
// Guards

/** Whether removing `userId` from the tenant's active administrators would leave none. */
async function isLastAdministrator(tx: DbClient, tenantId: string, userId: string) {
  const role = await tx.role.findUnique({ where: { tenantId_name: { tenantId, name: ADMIN_ROLE } }, select: { id: true } });
  if (!role) return false;
  const holds = await tx.userRole.findUnique({ where: { userId_roleId: { userId, roleId: role.id } } });
  if (!holds) return false;
  const others = await tx.userRole.count({
    where: { roleId: role.id, userId: { not: userId }, user: { tenantId, status: "active", deletedAt: null } },
  });
  return others === 0;
}

function notOnSelf(scope: Scope, id: string) {
  if (scope.actor.userId === id) throw new AppError(15003);
}

/** Phone, email or user name already used in the tenant (soft-deleted users keep theirs): 15002 with the fields. */
async function assertFree(
  tx: DbClient,
  scope: Scope,
  tenantId: string,
  v: { phone?: string | null; email?: string | null; userName?: string | null },
  exceptId?: string,
) {
  const key = v.userName ? v.userName.toLowerCase() : null;
  const or: Prisma.UserWhereInput[] = [];
  if (v.phone) or.push({ phone: v.phone });
  if (v.email) or.push({ email: v.email });
  if (key) or.push({ userNameKey: key });
  if (!or.length) return;
  const clashes = await tx.user.findMany({
    where: { tenantId, OR: or, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { phone: true, email: true, userNameKey: true },
  });
  if (!clashes.length) return;
  // Each clashing field says that it is the one in use (never the value, which the form shows).
  const fields: Record<string, string[]> = {};
  for (const c of clashes) {
    if (v.phone && c.phone === v.phone) fields.phone = [msg("phoneInUse")];
    if (v.email && c.email === v.email) fields.email = [msg("emailInUse")];
    if (key && c.userNameKey === key) fields.userName = [msg("userNameInUse")];
  }
  throw new AppError(15002, fields);
}

function wrapConflicts(e: unknown): never {
  if (isUniqueViolation(e)) throw new AppError(15002);
  throw e;
}

async function rolesOfTenant(tx: DbClient, tenantId: string, roleIds: string[]) {
  if (!roleIds.length) return [];
  const roles = await tx.role.findMany({ where: { tenantId, id: { in: roleIds } }, select: { id: true, name: true } });
  if (roles.length !== new Set(roleIds).size) throw new AppError(16001);
  return roles;
}

// ---------------------------------------------------------------------------------------------
// Mutations

const blank = (v: string | null | undefined) => (v === undefined ? undefined : v || null);

/**
 * Creates a user with their roles, in one transaction with its audit row. `imported.passwordHash`
 * (the user import only, never the procedure's input) is a hash carried over from another system
 * as `importedHash` stores it: the user keeps their password, so nothing must be changed.
 */
export async function createUser(scope: Scope, input: z.output<typeof userCreateInput>, imported?: { passwordHash: string }) {
  const { db } = scope;
  const tenantId = scope.actor.isOperator && input.tenantId ? input.tenantId : scope.actor.tenantId;
  if (input.password && !imported) await assertNewPassword(db, { tenantId, password: input.password, locale: scope.locale });
  const passwordHash = imported ? imported.passwordHash : input.password ? await hashPassword(input.password) : null;
  return db
    .$transaction(async (tx) => {
      await assertFree(tx, scope, tenantId, input);
      await rolesOfTenant(tx, tenantId, input.roleIds);
      const created = await tx.user.create({
        data: {
          tenantId,
          userName: blank(input.userName) ?? null,
          userNameKey: input.userName ? input.userName.toLowerCase() : null,
          nickname: blank(input.nickname) ?? null,
          avatar: blank(input.avatar) ?? null,
          phone: blank(input.phone) ?? null,
          email: blank(input.email) ?? null,
          gender: blank(input.gender) ?? null,
          birthday: input.birthday ?? null,
          address: blank(input.address) ?? null,
          description: blank(input.description) ?? null,
          remark: blank(input.remark) ?? null,
          status: input.status,
          passwordHash,
          passwordChangedAt: passwordHash ? new Date() : null,
          // The administrator knows this password: the user chooses their own at the first sign-in.
          mustChangePassword: !!passwordHash && !imported && input.mustChangePassword,
          roles: { create: input.roleIds.map((roleId) => ({ roleId })) },
        },
        select: { id: true },
      });
      await setReferrer(tx, tenantId, created.id, input.referrerId || null);
      const after = await detailOf(tx, await findUser(tx, scope, created.id));
      await writeAudit(tx, auditActor(scope, tenantId), "user.create", created.id, undefined, snapshot(after));
      return after;
    })
    .catch(wrapConflicts);
}

export async function updateUser(scope: Scope, input: z.output<typeof userUpdateInput>) {
  const { db } = scope;
  return db
    .$transaction(async (tx) => {
      const row = await findUser(tx, scope, input.id, { deleted: false });
      const before = await detailOf(tx, row);
      if (input.status === "disabled" && row.status !== "disabled") {
        notOnSelf(scope, row.id);
        if (await isLastAdministrator(tx, row.tenantId, row.id)) throw new AppError(16003);
      }
      await assertFree(tx, scope, row.tenantId, { phone: blank(input.phone), email: blank(input.email), userName: blank(input.userName) }, row.id);
      // A changed phone or email is no longer the one the user proved by a code (OIDC's *_verified).
      const changed = (next: string | null | undefined, current: string | null) => next !== undefined && next !== current;
      await tx.user.update({
        where: { id: row.id },
        data: {
          userName: blank(input.userName),
          userNameKey: input.userName === undefined ? undefined : input.userName ? input.userName.toLowerCase() : null,
          nickname: blank(input.nickname),
          avatar: blank(input.avatar),
          phone: blank(input.phone),
          email: blank(input.email),
          ...(changed(blank(input.phone), row.phone) ? { phoneVerifiedAt: null } : {}),
          ...(changed(blank(input.email), row.email) ? { emailVerifiedAt: null } : {}),
          gender: blank(input.gender),
          birthday: input.birthday,
          address: blank(input.address),
          description: blank(input.description),
          remark: blank(input.remark),
          status: input.status,
        },
      });
      if (input.referrerId !== undefined && (input.referrerId || null) !== row.referrerId) {
        await setReferrer(tx, row.tenantId, row.id, input.referrerId || null);
      }
      if (input.status === "disabled") await endSessions(tx, row.id);
      const after = await detailOf(tx, await findUser(tx, scope, row.id));
      await writeAudit(tx, auditActor(scope, row.tenantId), "user.update", row.id, snapshot(before), snapshot(after));
      return after;
    })
    .catch(wrapConflicts);
}

const endSessions = (tx: DbClient, userId: string) =>
  tx.loginSession.updateMany({ where: { userId, state: { in: ["active", "frozen"] } }, data: { state: "ended", endedAt: new Date() } });

export async function deleteUser(scope: Scope, id: string) {
  const { db } = scope;
  notOnSelf(scope, id);
  return db.$transaction(async (tx) => {
    const row = await findUser(tx, scope, id, { deleted: false });
    if (await isLastAdministrator(tx, row.tenantId, row.id)) throw new AppError(16003);
    await tx.user.update({ where: { id }, data: { deletedAt: new Date() } });
    await endSessions(tx, id);
    const after = await detailOf(tx, await findUser(tx, scope, id));
    await writeAudit(tx, auditActor(scope, row.tenantId), "user.delete", id, { deletedAt: null }, { deletedAt: after.deletedAt });
    return after;
  });
}

export async function restoreUser(scope: Scope, id: string) {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const row = await findUser(tx, scope, id, { deleted: true });
    await tx.user.update({ where: { id }, data: { deletedAt: null } });
    const after = await detailOf(tx, await findUser(tx, scope, id));
    await writeAudit(tx, auditActor(scope, row.tenantId), "user.recycle", id, { deletedAt: row.deletedAt }, { deletedAt: null });
    return after;
  });
}

export async function lockUser(scope: Scope, id: string, until: Date) {
  const { db } = scope;
  notOnSelf(scope, id);
  if (until.getTime() <= Date.now()) throw new AppError(10003, { until: [msg("lockInFuture")] });
  return db.$transaction(async (tx) => {
    const row = await findUser(tx, scope, id, { deleted: false });
    const before = await accountLockedUntil(tx, row.tenantId, id);
    await lockAccountUntil(tx, { tenantId: row.tenantId, userId: id, until, ip: scope.audit.ip });
    await endSessions(tx, id);
    await writeAudit(tx, auditActor(scope, row.tenantId), "user.lock", id, { lockedUntil: before }, { lockedUntil: until, reason: "admin" });
    return detailOf(tx, row);
  });
}

export async function unlockUser(scope: Scope, id: string) {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const row = await findUser(tx, scope, id);
    const before = await accountLockedUntil(tx, row.tenantId, id);
    await unlockAccount(tx, row.tenantId, id);
    await writeAudit(tx, auditActor(scope, row.tenantId), "user.unlock", id, { lockedUntil: before }, { lockedUntil: null });
    return detailOf(tx, row);
  });
}

/** A password that passes the policy: 16 characters from 96 random bits. */
const generatePassword = () => randomBytes(12).toString("base64url");

/** Sets the given password, or a generated one returned once; every session of the user ends. */
export async function resetUserPassword(scope: Scope, id: string, password?: string, mustChangePassword = true) {
  const { db } = scope;
  const chosen = password || generatePassword();
  const target = await findUser(db, scope, id, { deleted: false });
  await assertNewPassword(db, { tenantId: target.tenantId, userId: id, password: chosen, locale: scope.locale });
  const passwordHash = await hashPassword(chosen);
  return db.$transaction(async (tx) => {
    const row = await findUser(tx, scope, id, { deleted: false });
    const { passwordHash: replaced } = await tx.user.findUniqueOrThrow({ where: { id }, select: { passwordHash: true } });
    await rememberReplacedPassword(tx, id, replaced);
    // The administrator knows this password: the user chooses their own at the next sign-in.
    await tx.user.update({ where: { id }, data: { passwordHash, passwordChangedAt: new Date(), mustChangePassword } });
    const ended = await endSessions(tx, id);
    await writeAudit(tx, auditActor(scope, row.tenantId), "user.resetpassword", id, undefined, {
      generated: !password,
      sessionsEnded: ended.count,
      mustChangePassword,
    });
    return { generatedPassword: password ? null : chosen, sessionsEnded: ended.count };
  });
}

export const setUserRoles = (scope: Scope, id: string, roleIds: string[]) => changeUserRoles(scope, id, () => roleIds);

/**
 * The user's roles made `next(current role ids)`, with the checks and the audit row of
 * setUserRoles (the bulk "add / remove a role" reads the current roles inside the same transaction).
 */
export async function changeUserRoles(scope: Scope, id: string, next: (current: string[]) => string[]) {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const row = await findUser(tx, scope, id, { deleted: false });
    const roleIds = [...new Set(next(row.roles.map((r) => r.role.id)))];
    const roles = await rolesOfTenant(tx, row.tenantId, roleIds);
    const keepsAdmin = roles.some((r) => r.name === ADMIN_ROLE);
    if (!keepsAdmin && (await isLastAdministrator(tx, row.tenantId, id))) throw new AppError(16003);
    const before = toItem(row).roles;
    await tx.userRole.deleteMany({ where: { userId: id } });
    await tx.userRole.createMany({ data: roleIds.map((roleId) => ({ userId: id, roleId })), skipDuplicates: true });
    const after = await detailOf(tx, await findUser(tx, scope, id));
    await writeAudit(tx, auditActor(scope, row.tenantId), "user.roles", id, { roles: before.map((r) => r.name) }, { roles: after.roles.map((r) => r.name) });
    return after;
  });
}

export async function setUserClaims(scope: Scope, input: z.output<typeof userClaimsInput>) {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const row = await findUser(tx, scope, input.id, { deleted: false });
    const before = await detailOf(tx, row);
    const unique = [...new Map(input.claims.map((c) => [`${c.type}\u0000${c.value}`, c])).values()];
    await tx.userClaim.deleteMany({ where: { userId: row.id } });
    await tx.userClaim.createMany({ data: unique.map((c) => ({ tenantId: row.tenantId, userId: row.id, type: c.type, value: c.value })) });
    await tx.user.update({ where: { id: row.id }, data: { properties: input.properties } });
    const after = await detailOf(tx, await findUser(tx, scope, row.id));
    await writeAudit(
      tx,
      auditActor(scope, row.tenantId),
      "user.claims",
      row.id,
      { claims: before.claims, properties: before.properties },
      { claims: after.claims, properties: after.properties },
    );
    return after;
  });
}

export async function unlinkExternalLogin(scope: Scope, id: string, loginId: string) {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const row = await findUser(tx, scope, id);
    const login = row.externalLogins.find((l) => l.id === loginId);
    if (!login) throw new AppError(10004);
    await tx.externalLogin.delete({ where: { id: loginId } });
    await writeAudit(tx, auditActor(scope, row.tenantId), "user.unlink", id, { provider: login.provider, providerKey: login.providerKey });
    return detailOf(tx, await findUser(tx, scope, id));
  });
}

/** "Exists?" in the caller's tenant, by phone, email or user name (soft-deleted users count: the value is taken). */
export async function userExists(scope: Scope, input: z.output<typeof userExistsInput>) {
  const { db } = scope;
  const or: Prisma.UserWhereInput[] = [];
  if (input.phone) or.push({ phone: input.phone });
  if (input.email) or.push({ email: input.email });
  if (input.userName) or.push({ userNameKey: input.userName.toLowerCase() });
  const row = await db.user.findFirst({ where: { tenantId: scope.actor.tenantId, OR: or }, select: { id: true } });
  return { exists: !!row };
}

export { teamPathOf };
