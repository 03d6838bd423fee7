/**
 * Administering a tenant's users: the list (one filter implementation for the console, the REST
 * mirror and the exporter), detail, create/update, soft delete and restore, lock/unlock, password
 * reset, roles, claims and properties, external logins. Every mutation runs in one transaction
 * with its audit row; password hashes never leave this module.
 */
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import type { Db } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import type { Actor } from "~/server/services/session";
import { AppError, isUniqueViolation } from "~/server/errors";
import { describeError, type Locale } from "~/lib/errors";
import { writeAudit, type AuditActor } from "~/server/services/audit";
import { hashPassword } from "~/server/password";
import { checkPasswordPolicy } from "~/server/security/passwords";
import { accountLockedUntil, lockAccountUntil, unlockAccount } from "~/server/security/throttle";
import { setReferrer, teamPathOf } from "~/server/services/team";
import type {
  UserDetail,
  UserItem,
  userClaimsInput,
  userCreateInput,
  userExistsInput,
  userListInput,
  userUpdateInput,
} from "~/lib/validators/user";

type Tx = Prisma.TransactionClient;
export type Who = Pick<Actor, "userId" | "tenantId" | "isOperator"> & { ip?: string | null };
/** Whose users a call may touch: the tenant (operators: any, or the one they pass) and the actor. */
export interface UserScope {
  actor: Who;
  locale?: Locale;
}

/** Counting stops here: an exact count over a million rows costs more than the page itself. */
export const COUNT_CAP = 10_000;
const ADMIN_ROLE = "administrator";

const tenantWhere = (scope: UserScope, tenantId?: string): Prisma.UserWhereInput =>
  scope.actor.isOperator ? (tenantId ? { tenantId } : {}) : { tenantId: scope.actor.tenantId };
const auditActor = (scope: UserScope, tenantId: string): AuditActor => ({ actorId: scope.actor.userId, tenantId, ip: scope.actor.ip ?? null });

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

interface Cursor {
  /** the sort column's value (ISO string for dates), or null */
  v: string | null;
  id: string;
}
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");
function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Cursor;
    if (typeof c.id === "string" && /^[0-9a-f-]{36}$/.test(c.id) && (c.v === null || typeof c.v === "string")) return c;
  } catch {
    /* fall through */
  }
  throw new AppError(10003, { cursor: ["cursor"] });
}

/**
 * The rows after the cursor in (column, id) order, as segments read one after the other, each a
 * single index range: PostgreSQL puts NULLs last ascending and first descending (Prisma keeps that
 * default), and cannot bound an index scan by an OR, so every non-null segment also carries a
 * plain `column <= v` (or `>=`) the planner uses as the scan's start.
 */
function segmentsAfter(column: SortColumn, asc: boolean, c: Cursor): Prisma.UserWhereInput[] {
  const idAfter = asc ? { gt: c.id } : { lt: c.id };
  const nullable = column !== "createdAt";
  const v = c.v === null ? null : column === "createdAt" ? new Date(c.v) : c.v;
  if (v === null) {
    const nulls = { [column]: null, id: idAfter };
    return asc ? [nulls] : [nulls, { [column]: { not: null } }];
  }
  const rest: Prisma.UserWhereInput = {
    [column]: asc ? { gte: v } : { lte: v },
    OR: [{ [column]: asc ? { gt: v } : { lt: v } }, { [column]: v, id: idAfter }],
  };
  return asc && nullable ? [rest, { [column]: null }] : [rest];
}

/**
 * A prefix match a B-tree can answer under any collation: the range bounds the index scan (code
 * point order, as in C/C.UTF-8 and PGlite), `startsWith` keeps the answer exact everywhere.
 */
const prefix = (p: string) => ({ gte: p, lt: `${p}\u{10FFFF}`, startsWith: p });

export function userListWhere(scope: UserScope, input: ListInput): Prisma.UserWhereInput {
  const name = input.name?.trim();
  return {
    AND: [
      tenantWhere(scope, input.tenantId),
      { deletedAt: input.deleted ? { not: null } : null },
      input.status ? { status: input.status } : {},
      input.roleId ? { roles: { some: { roleId: input.roleId } } } : {},
      input.phone ? { phone: prefix(input.phone) } : {},
      input.email ? { email: prefix(input.email) } : {},
      // Prefix, not infix: a B-tree range on the lower-cased key stays an index scan at any size.
      name ? { OR: [{ userNameKey: prefix(name.toLowerCase()) }, { nickname: prefix(name) }] } : {},
      input.provider || input.providerKey
        ? {
            externalLogins: {
              some: { ...(input.provider ? { provider: input.provider } : {}), ...(input.providerKey ? { providerKey: input.providerKey } : {}) },
            },
          }
        : {},
      input.claimType || input.claimValue
        ? { claims: { some: { ...(input.claimType ? { type: input.claimType } : {}), ...(input.claimValue ? { value: input.claimValue } : {}) } } }
        : {},
      input.startTime || input.endTime ? { createdAt: { gte: input.startTime, lte: input.endTime } } : {},
    ],
  };
}

/**
 * One page of users. With `cursor` the page is found by keyset (as fast on page 50,000 as on
 * page 1); otherwise by `skip`. `total` is exact up to COUNT_CAP, then `totalCapped` is true.
 */
export async function listUsers(db: Db | Tx, scope: UserScope, input: ListInput) {
  const where = userListWhere(scope, input);
  const column = SORT_COLUMN[input.orderby];
  const asc = !!input.asc;
  const dir = asc ? "asc" : "desc";
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  const page = (extra: Prisma.UserWhereInput | null, take: number) =>
    db.user.findMany({
      where: extra ? { AND: [where, extra] } : where,
      orderBy: [{ [column]: dir }, { id: dir }],
      skip: extra ? 0 : input.skip,
      take,
      select: itemSelect,
    });
  const readPage = async () => {
    if (!cursor) return page(null, input.take + 1);
    const out: ItemRow[] = [];
    for (const segment of segmentsAfter(column, asc, cursor)) {
      out.push(...(await page(segment, input.take + 1 - out.length)));
      if (out.length > input.take) break;
    }
    return out;
  };
  // Prisma would order the capped count's subquery by id (a sort over every match); ordering it
  // like the page lets the count walk the very index range the page reads.
  const counted = db.user.count({ where, orderBy: [{ [column]: dir }, { id: dir }], take: COUNT_CAP + 1 });
  const [total, rows] = await Promise.all([counted, readPage()]);
  const more = rows.length > input.take;
  const items = more ? rows.slice(0, input.take) : rows;
  const last = items.at(-1);
  const value = (r: ItemRow) => {
    const v = r[column];
    return v === null ? null : v instanceof Date ? v.toISOString() : v;
  };
  return {
    total: Math.min(total, COUNT_CAP),
    totalCapped: total > COUNT_CAP,
    nextCursor: more && last ? encodeCursor({ v: value(last), id: last.id }) : null,
    items: items.map(toItem),
  };
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
async function findUser(db: Db | Tx, scope: UserScope, id: string, opts: { deleted?: boolean } = {}) {
  const row = await db.user.findFirst({
    where: { AND: [{ id }, tenantWhere(scope), opts.deleted === undefined ? {} : { deletedAt: opts.deleted ? { not: null } : null }] },
    select: detailSelect,
  });
  if (!row) throw new AppError(15001);
  return row;
}

async function detailOf(db: Db | Tx, row: DetailRow) {
  return toDetail(row, await accountLockedUntil(db as Db, row.tenantId, row.id));
}

/**
 * Labels for the user picker: the given ids the caller may see (their tenant; operators any, or the
 * one they pass), live users only, in the order asked. Unknown or foreign ids are simply left out.
 */
export async function pickUsers(db: Db, scope: UserScope, input: { ids: string[]; tenantId?: string }) {
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

export async function getUser(db: Db, scope: UserScope, id: string) {
  return detailOf(db, await findUser(db, scope, id));
}

/** What the audit log keeps of a user: the detail, never the hash. */
const snapshot = (d: UserDetail) => ({ ...d, externalLogins: d.externalLogins.map((l) => ({ provider: l.provider, providerKey: l.providerKey })) });

// ---------------------------------------------------------------------------------------------
// Guards

/** Whether removing `userId` from the tenant's active administrators would leave none. */
async function isLastAdministrator(tx: Tx, tenantId: string, userId: string) {
  const role = await tx.role.findUnique({ where: { tenantId_name: { tenantId, name: ADMIN_ROLE } }, select: { id: true } });
  if (!role) return false;
  const holds = await tx.userRole.findUnique({ where: { userId_roleId: { userId, roleId: role.id } } });
  if (!holds) return false;
  const others = await tx.userRole.count({
    where: { roleId: role.id, userId: { not: userId }, user: { tenantId, status: "active", deletedAt: null } },
  });
  return others === 0;
}

function notOnSelf(scope: UserScope, id: string) {
  if (scope.actor.userId === id) throw new AppError(15003);
}

/** Phone, email or user name already used in the tenant (soft-deleted users keep theirs): 15002 with the fields. */
async function assertFree(tx: Tx, scope: UserScope, tenantId: string, v: { phone?: string | null; email?: string | null; userName?: string | null }, exceptId?: string) {
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
  const text = describeError(15002, scope.locale ?? "zh-CN").description;
  const fields: Record<string, string[]> = {};
  for (const c of clashes) {
    if (v.phone && c.phone === v.phone) fields.phone = [text];
    if (v.email && c.email === v.email) fields.email = [text];
    if (key && c.userNameKey === key) fields.userName = [text];
  }
  throw new AppError(15002, fields);
}

function wrapConflicts(e: unknown): never {
  if (isUniqueViolation(e)) throw new AppError(15002);
  throw e;
}

function checkedPassword(password: string, field = "password") {
  const r = checkPasswordPolicy(password);
  if (!r.ok) throw new AppError(14006, { [field]: [describeError(14006, "zh-CN").description] });
}

async function rolesOfTenant(tx: Tx, tenantId: string, roleIds: string[]) {
  if (!roleIds.length) return [];
  const roles = await tx.role.findMany({ where: { tenantId, id: { in: roleIds } }, select: { id: true, name: true } });
  if (roles.length !== new Set(roleIds).size) throw new AppError(16001);
  return roles;
}

// ---------------------------------------------------------------------------------------------
// Mutations

const blank = (v: string | null | undefined) => (v === undefined ? undefined : v || null);

export async function createUser(db: Db, scope: UserScope, input: z.output<typeof userCreateInput>) {
  const tenantId = scope.actor.isOperator && input.tenantId ? input.tenantId : scope.actor.tenantId;
  if (input.password) checkedPassword(input.password);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
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

export async function updateUser(db: Db, scope: UserScope, input: z.output<typeof userUpdateInput>) {
  return db
    .$transaction(async (tx) => {
      const row = await findUser(tx, scope, input.id, { deleted: false });
      const before = await detailOf(tx, row);
      if (input.status === "disabled" && row.status !== "disabled") {
        notOnSelf(scope, row.id);
        if (await isLastAdministrator(tx, row.tenantId, row.id)) throw new AppError(16003);
      }
      await assertFree(tx, scope, row.tenantId, { phone: blank(input.phone), email: blank(input.email), userName: blank(input.userName) }, row.id);
      await tx.user.update({
        where: { id: row.id },
        data: {
          userName: blank(input.userName),
          userNameKey: input.userName === undefined ? undefined : input.userName ? input.userName.toLowerCase() : null,
          nickname: blank(input.nickname),
          avatar: blank(input.avatar),
          phone: blank(input.phone),
          email: blank(input.email),
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

const endSessions = (tx: Tx, userId: string) =>
  tx.loginSession.updateMany({ where: { userId, state: { in: ["active", "frozen"] } }, data: { state: "ended", endedAt: new Date() } });

export async function deleteUser(db: Db, scope: UserScope, id: string) {
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

export async function restoreUser(db: Db, scope: UserScope, id: string) {
  return db.$transaction(async (tx) => {
    const row = await findUser(tx, scope, id, { deleted: true });
    await tx.user.update({ where: { id }, data: { deletedAt: null } });
    const after = await detailOf(tx, await findUser(tx, scope, id));
    await writeAudit(tx, auditActor(scope, row.tenantId), "user.recycle", id, { deletedAt: row.deletedAt }, { deletedAt: null });
    return after;
  });
}

export async function lockUser(db: Db, scope: UserScope, id: string, until: Date) {
  notOnSelf(scope, id);
  if (until.getTime() <= Date.now()) throw new AppError(10003, { until: [describeError(10003, scope.locale ?? "zh-CN").description] });
  return db.$transaction(async (tx) => {
    const row = await findUser(tx, scope, id, { deleted: false });
    const before = await accountLockedUntil(tx as unknown as Db, row.tenantId, id);
    await lockAccountUntil(tx, { tenantId: row.tenantId, userId: id, until, ip: scope.actor.ip ?? null });
    await endSessions(tx, id);
    await writeAudit(tx, auditActor(scope, row.tenantId), "user.lock", id, { lockedUntil: before }, { lockedUntil: until, reason: "admin" });
    return detailOf(tx, row);
  });
}

export async function unlockUser(db: Db, scope: UserScope, id: string) {
  return db.$transaction(async (tx) => {
    const row = await findUser(tx, scope, id);
    const before = await accountLockedUntil(tx as unknown as Db, row.tenantId, id);
    await unlockAccount(tx as unknown as Db, row.tenantId, id);
    await writeAudit(tx, auditActor(scope, row.tenantId), "user.unlock", id, { lockedUntil: before }, { lockedUntil: null });
    return detailOf(tx, row);
  });
}

/** A password that passes the policy: 16 characters from 96 random bits. */
const generatePassword = () => randomBytes(12).toString("base64url");

/** Sets the given password, or a generated one returned once; every session of the user ends. */
export async function resetUserPassword(db: Db, scope: UserScope, id: string, password?: string) {
  const chosen = password || generatePassword();
  checkedPassword(chosen);
  const passwordHash = await hashPassword(chosen);
  return db.$transaction(async (tx) => {
    const row = await findUser(tx, scope, id, { deleted: false });
    await tx.user.update({ where: { id }, data: { passwordHash, passwordChangedAt: new Date() } });
    const ended = await endSessions(tx, id);
    await writeAudit(tx, auditActor(scope, row.tenantId), "user.resetpassword", id, undefined, { generated: !password, sessionsEnded: ended.count });
    return { generatedPassword: password ? null : chosen, sessionsEnded: ended.count };
  });
}

export async function setUserRoles(db: Db, scope: UserScope, id: string, roleIds: string[]) {
  return db.$transaction(async (tx) => {
    const row = await findUser(tx, scope, id, { deleted: false });
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

export async function setUserClaims(db: Db, scope: UserScope, input: z.output<typeof userClaimsInput>) {
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

export async function unlinkExternalLogin(db: Db, scope: UserScope, id: string, loginId: string) {
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
export async function userExists(db: Db, scope: UserScope, input: z.output<typeof userExistsInput>) {
  const or: Prisma.UserWhereInput[] = [];
  if (input.phone) or.push({ phone: input.phone });
  if (input.email) or.push({ email: input.email });
  if (input.userName) or.push({ userNameKey: input.userName.toLowerCase() });
  const row = await db.user.findFirst({ where: { tenantId: scope.actor.tenantId, OR: or }, select: { id: true } });
  return { exists: !!row };
}

export { teamPathOf };
