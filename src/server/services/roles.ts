import type { z } from "zod";
import type { DbClient } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import { BUILT_IN_ROLES, isGrantable } from "~/lib/permissions";
import { isTenantGrantable } from "~/lib/permission-scope";
import { AppError, isUniqueViolation } from "~/server/errors";
import { auditActor, writeAudit } from "~/server/services/audit";
import { tenantWhere, type Scope } from "~/server/services/scope";
import type { RoleClaim, RoleDetail, RoleSummary, roleCreateInput, roleListInput, roleMembersInput, roleUpdateInput } from "~/lib/validators/role";
import { msg } from "~/lib/validators/common";

/** Every tenant has the built-in roles, with the registry's current permissions. */
export async function ensureBuiltInRoles(db: DbClient, tenantId: string) {
  for (const [name, role] of Object.entries(BUILT_IN_ROLES)) {
    await db.role.upsert({
      where: { tenantId_name: { tenantId, name } },
      create: { tenantId, name, description: role.description.en, builtIn: true, permissions: [...role.permissions] },
      update: { builtIn: true, permissions: [...role.permissions] },
    });
  }
}

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

export async function listRoles(scope: Scope, input: z.output<typeof roleListInput>) {
  const { db } = scope;
  const where: Prisma.RoleWhereInput = {
    AND: [
      // Operators act on every tenant's roles; anyone else only on their own tenant's (others are a 404).
      tenantWhere(scope, input.tenantId),
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

async function findRole(db: DbClient, scope: Scope, id: string): Promise<RoleDetail> {
  const row = await db.role.findFirst({ where: { AND: [{ id }, tenantWhere(scope)] }, select });
  if (!row) throw new AppError(16001);
  return toDetail(row);
}

export const getRole = (scope: Scope, id: string) => findRole(scope.db, scope, id);

/** The roles that can be assigned in a tenant: the actor's own, or for an operator the one they name. */
export const roleOptions = ({ db, actor }: Scope, tenantId?: string) =>
  db.role.findMany({
    where: { tenantId: actor.isOperator && tenantId ? tenantId : actor.tenantId },
    select: { id: true, name: true, description: true },
    orderBy: { name: "asc" },
  });

export async function roleMembers(scope: Scope, input: z.output<typeof roleMembersInput>) {
  const { db } = scope;
  const role = await findRole(db, scope, input.id);
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
function assertGrantable(scope: Scope, permissions: string[]) {
  const unknown: Record<string, string[]> = {};
  const outside: Record<string, string[]> = {};
  permissions.forEach((code, i) => {
    if (!isGrantable(code)) unknown[`permissions.${i}`] = [code];
    else if (!scope.actor.isOperator && !isTenantGrantable(code)) outside[`permissions.${i}`] = [code];
  });
  if (Object.keys(unknown).length) throw new AppError(16004, unknown);
  if (Object.keys(outside).length) throw new AppError(16006, outside);
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

function onConflict(e: unknown): never {
  if (isUniqueViolation(e)) throw new AppError(16005, { name: [msg("roleNameInUse")] });
  throw e;
}

export async function createRole(scope: Scope, input: z.output<typeof roleCreateInput>): Promise<RoleDetail> {
  const { db } = scope;
  assertGrantable(scope, input.permissions);
  const tenantId = scope.actor.isOperator && input.tenantId ? input.tenantId : scope.actor.tenantId;
  return db
    .$transaction(async (tx) => {
      if (!(await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) throw new AppError(11001);
      if (await tx.role.findUnique({ where: { tenantId_name: { tenantId, name: input.name } }, select: { id: true } }))
        throw new AppError(16005, { name: [msg("roleNameInUse")] });
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
      await writeAudit(tx, auditActor(scope, tenantId), "role.create", row.id, undefined, snapshot(detail));
      return detail;
    })
    .catch(onConflict);
}

export async function updateRole(scope: Scope, input: z.output<typeof roleUpdateInput>): Promise<RoleDetail> {
  const { db } = scope;
  return db
    .$transaction(async (tx) => {
      const before = await findRole(tx, scope, input.id);
      if (before.builtIn && (input.name !== before.name || !sameSet(input.permissions, before.permissions))) throw new AppError(16002);
      // Only the codes being added must be within the caller's reach: a tenant administrator can
      // still edit the description of a role an operator gave a platform-only code.
      if (!before.builtIn)
        assertGrantable(
          scope,
          input.permissions.filter((c) => !before.permissions.includes(c)),
        );
      if (input.name !== before.name) {
        const clash = await tx.role.findUnique({ where: { tenantId_name: { tenantId: before.tenantId, name: input.name } }, select: { id: true } });
        if (clash) throw new AppError(16005, { name: [msg("roleNameInUse")] });
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
      await writeAudit(tx, auditActor(scope, before.tenantId), "role.update", row.id, snapshot(before), snapshot(after));
      return after;
    })
    .catch(onConflict);
}

export async function deleteRole(scope: Scope, id: string) {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const before = await findRole(tx, scope, id);
    if (before.builtIn) throw new AppError(16002);
    await tx.role.delete({ where: { id: before.id } });
    await writeAudit(tx, auditActor(scope, before.tenantId), "role.delete", id, { ...snapshot(before), memberCount: before.memberCount }, undefined);
    return { id };
  });
}
