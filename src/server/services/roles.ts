import type { z } from "zod";
import type { Db } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import { BUILT_IN_ROLES, isGrantable } from "~/lib/permissions";
import { isTenantGrantable } from "~/lib/permission-scope";
import { AppError, isUniqueViolation } from "~/server/errors";
import { writeAudit, type AuditActor } from "~/server/services/audit";
import type { RoleClaim, RoleDetail, RoleSummary, roleCreateInput, roleListInput, roleMembersInput, roleUpdateInput } from "~/lib/validators/role";

/** Every tenant has the built-in roles, with the registry's current permissions. */
export async function ensureBuiltInRoles(db: Db | Prisma.TransactionClient, tenantId: string) {
  for (const [name, role] of Object.entries(BUILT_IN_ROLES)) {
    await db.role.upsert({
      where: { tenantId_name: { tenantId, name } },
      create: { tenantId, name, description: role.description, builtIn: true, permissions: [...role.permissions] },
      update: { builtIn: true, permissions: [...role.permissions] },
    });
  }
}

export interface RoleWho {
  userId: string;
  tenantId: string;
  isOperator: boolean;
  ip?: string | null;
  userAgent?: string | null;
}

/** Operators act on every tenant's roles; anyone else only on their own tenant's (others are a 404). */
const scope = (who: RoleWho): Prisma.RoleWhereInput => (who.isOperator ? {} : { tenantId: who.tenantId });
const auditActor = (who: RoleWho, tenantId: string): AuditActor => ({
  actorId: who.userId,
  tenantId,
  ip: who.ip ?? null,
  userAgent: who.userAgent ?? null,
});

const select = {
  id: true,
  tenantId: true,
  name: true,
  description: true,
  builtIn: true,
  permissions: true,
  claims: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { users: true } },
} satisfies Prisma.RoleSelect;
type Row = Prisma.RoleGetPayload<{ select: typeof select }>;

const toClaims = (v: unknown): RoleClaim[] =>
  Array.isArray(v) ? v.flatMap((c) => (c && typeof c === "object" && typeof c.type === "string" ? [{ type: c.type, value: String(c.value ?? "") }] : [])) : [];

function toSummary({ claims: _claims, _count, ...r }: Row): RoleSummary {
  return { ...r, memberCount: _count.users };
}
const toDetail = (r: Row): RoleDetail => ({ ...toSummary(r), claims: toClaims(r.claims) });
/** What the audit log keeps of a role. */
const snapshot = (r: RoleDetail) => ({
  name: r.name,
  description: r.description,
  builtIn: r.builtIn,
  permissions: r.permissions,
  claims: r.claims,
});

export async function listRoles(db: Db, who: RoleWho, input: z.output<typeof roleListInput>) {
  const where: Prisma.RoleWhereInput = {
    AND: [
      scope(who),
      who.isOperator && input.tenantId ? { tenantId: input.tenantId } : {},
      input.name ? { name: { contains: input.name, mode: "insensitive" } } : {},
      input.builtIn === undefined ? {} : { builtIn: input.builtIn },
      input.startTime || input.endTime ? { createdAt: { gte: input.startTime, lte: input.endTime } } : {},
    ],
  };
  const dir = input.asc ? "asc" : "desc";
  const [total, rows] = await db.$transaction([
    db.role.count({ where }),
    db.role.findMany({ where, orderBy: [{ [input.orderby]: dir }, { id: dir }], skip: input.skip, take: input.take, select }),
  ]);
  return { total, items: rows.map(toSummary) };
}

export async function getRole(db: Db | Prisma.TransactionClient, who: RoleWho, id: string): Promise<RoleDetail> {
  const row = await db.role.findFirst({ where: { AND: [{ id }, scope(who)] }, select });
  if (!row) throw new AppError(16001);
  return toDetail(row);
}

export async function roleMembers(db: Db, who: RoleWho, input: z.output<typeof roleMembersInput>) {
  const role = await getRole(db, who, input.id);
  const where: Prisma.UserWhereInput = { roles: { some: { roleId: role.id } }, tenantId: role.tenantId };
  const [total, items] = await db.$transaction([
    db.user.count({ where }),
    db.user.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: input.skip,
      take: input.take,
      select: { id: true, userName: true, nickname: true, phone: true, email: true, status: true, createdAt: true },
    }),
  ]);
  return { total, items };
}

/**
 * 16004 for codes not in the registry; 10002 (with the offending codes as field errors) when a
 * tenant administrator grants a platform-only code.
 */
function assertGrantable(who: RoleWho, permissions: string[]) {
  const unknown: Record<string, string[]> = {};
  const outside: Record<string, string[]> = {};
  permissions.forEach((code, i) => {
    if (!isGrantable(code)) unknown[`permissions.${i}`] = [code];
    else if (!who.isOperator && !isTenantGrantable(code)) outside[`permissions.${i}`] = [code];
  });
  if (Object.keys(unknown).length) throw new AppError(16004, unknown);
  if (Object.keys(outside).length) throw new AppError(16006, outside);
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

function onConflict(e: unknown): never {
  if (isUniqueViolation(e)) throw new AppError(16005, { name: [] });
  throw e;
}

export async function createRole(db: Db, who: RoleWho, input: z.output<typeof roleCreateInput>): Promise<RoleDetail> {
  assertGrantable(who, input.permissions);
  const tenantId = who.isOperator && input.tenantId ? input.tenantId : who.tenantId;
  return db
    .$transaction(async (tx) => {
      if (!(await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) throw new AppError(11001);
      if (await tx.role.findUnique({ where: { tenantId_name: { tenantId, name: input.name } }, select: { id: true } }))
        throw new AppError(16005, { name: [input.name] });
      const row = await tx.role.create({
        data: {
          tenantId,
          name: input.name,
          description: input.description || null,
          permissions: input.permissions,
          claims: input.claims,
        },
        select,
      });
      const detail = toDetail(row);
      await writeAudit(tx, auditActor(who, tenantId), "role.create", row.id, undefined, snapshot(detail));
      return detail;
    })
    .catch(onConflict);
}

export async function updateRole(db: Db, who: RoleWho, input: z.output<typeof roleUpdateInput>): Promise<RoleDetail> {
  return db
    .$transaction(async (tx) => {
      const before = await getRole(tx, who, input.id);
      if (before.builtIn && (input.name !== before.name || !sameSet(input.permissions, before.permissions))) throw new AppError(16002);
      // Only the codes being added must be within the caller's reach: a tenant administrator can
      // still edit the description of a role an operator gave a platform-only code.
      if (!before.builtIn)
        assertGrantable(
          who,
          input.permissions.filter((c) => !before.permissions.includes(c)),
        );
      if (input.name !== before.name) {
        const clash = await tx.role.findUnique({ where: { tenantId_name: { tenantId: before.tenantId, name: input.name } }, select: { id: true } });
        if (clash) throw new AppError(16005, { name: [input.name] });
      }
      const row = await tx.role.update({
        where: { id: before.id },
        data: {
          name: input.name,
          description: input.description || null,
          permissions: before.builtIn ? before.permissions : input.permissions,
          claims: input.claims,
        },
        select,
      });
      const after = toDetail(row);
      await writeAudit(tx, auditActor(who, before.tenantId), "role.update", row.id, snapshot(before), snapshot(after));
      return after;
    })
    .catch(onConflict);
}

export async function deleteRole(db: Db, who: RoleWho, id: string) {
  return db.$transaction(async (tx) => {
    const before = await getRole(tx, who, id);
    if (before.builtIn) throw new AppError(16002);
    await tx.role.delete({ where: { id: before.id } });
    await writeAudit(tx, auditActor(who, before.tenantId), "role.delete", id, { ...snapshot(before), memberCount: before.memberCount }, undefined);
    return { id };
  });
}
