/**
 * API resources (微服务), API scopes and identity resources: tenant-isolated CRUD. Names are
 * unique per tenant (18002); an API resource's scopes must name ApiScope rows of its tenant
 * (18004) and its owners users of its tenant (18005); developers manage only the API resources
 * they own. The standard identity resources are seeded per tenant and cannot be deleted (18003).
 */
import type { z } from "zod";
import type { Db } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import { AppError, isUniqueViolation } from "~/server/errors";
import { writeAudit } from "~/server/services/audit";
import { managesAll, ownerOf, type Who } from "~/server/services/ownership";
import {
  STANDARD_IDENTITY_RESOURCES,
  type ApiResourceItem,
  type ApiScopeItem,
  type IdentityResourceItem,
  type apiResourceCreateInput,
  type apiResourceListInput,
  type apiResourceUpdateInput,
  type apiScopeCreateInput,
  type apiScopeListInput,
  type apiScopeUpdateInput,
  type identityResourceCreateInput,
  type identityResourceListInput,
  type identityResourceUpdateInput,
} from "~/lib/validators/api";

type Tx = Db | Prisma.TransactionClient;
const NOBODY = "00000000-0000-0000-0000-000000000000";
const auditActor = (who: Who, tenantId: string) => ({ actorId: who.userId, tenantId, ip: who.ip ?? null });
const tenantOf = (who: Who, tenantId?: string) => (who.isOperator ? (tenantId ? { tenantId } : {}) : { tenantId: who.tenantId });
const range = (i: { startTime?: Date; endTime?: Date }) => (i.startTime || i.endTime ? { createdAt: { gte: i.startTime, lte: i.endTime } } : {});
const nameFilter = (name?: string) =>
  name ? { OR: [{ name: { contains: name, mode: "insensitive" as const } }, { displayName: { contains: name, mode: "insensitive" as const } }] } : {};

async function targetTenant(db: Tx, who: Who, tenantId?: string) {
  const id = who.isOperator && tenantId ? tenantId : who.tenantId;
  if (id !== who.tenantId && !(await db.tenant.count({ where: { id } }))) throw new AppError(10004);
  return id;
}

const conflict = (e: unknown): never => {
  if (isUniqueViolation(e)) throw new AppError(18002, { name: ["taken"] });
  throw e;
};

// --- API resources ---------------------------------------------------------------------------

const resourceSelect = {
  id: true,
  tenantId: true,
  name: true,
  displayName: true,
  description: true,
  enabled: true,
  scopes: true,
  userClaims: true,
  owners: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.ApiResourceSelect;

function resourceScope(who: Who, tenantId?: string): Prisma.ApiResourceWhereInput {
  const t = tenantOf(who, tenantId);
  return managesAll(who) ? t : { ...t, owners: { has: ownerOf(who) ?? NOBODY } };
}

async function findResource(db: Tx, who: Who, id: string): Promise<ApiResourceItem> {
  const row = await db.apiResource.findFirst({ where: { AND: [{ id }, resourceScope(who)] }, select: resourceSelect });
  if (!row) throw new AppError(18001);
  return row;
}

/** Scopes must exist in the tenant; owners must be the tenant's users; a developer stays an owner of what they edit. */
async function checkResourceRefs(tx: Tx, who: Who, tenantId: string, input: { scopes: string[]; owners: string[] }) {
  const owners = [...input.owners];
  const me = ownerOf(who);
  if (!managesAll(who) && me && !owners.includes(me)) owners.push(me);
  const fields: Record<string, string[]> = {};
  if (input.scopes.length) {
    const found = new Set((await tx.apiScope.findMany({ where: { tenantId, name: { in: input.scopes } }, select: { name: true } })).map((s) => s.name));
    input.scopes.forEach((s, i) => !found.has(s) && (fields[`scopes.${i}`] = [s]));
    if (Object.keys(fields).length) throw new AppError(18004, fields);
  }
  if (owners.length) {
    const found = new Set((await tx.user.findMany({ where: { tenantId, id: { in: owners }, deletedAt: null }, select: { id: true } })).map((u) => u.id));
    owners.forEach((o, i) => !found.has(o) && (fields[`owners.${i}`] = [o]));
    if (Object.keys(fields).length) throw new AppError(18005, fields);
  }
  return owners;
}

export async function listApiResources(db: Db, who: Who, input: z.output<typeof apiResourceListInput>) {
  const where: Prisma.ApiResourceWhereInput = {
    AND: [
      resourceScope(who, input.tenantId),
      nameFilter(input.name),
      input.enabled === undefined ? {} : { enabled: input.enabled },
      input.scope ? { scopes: { has: input.scope } } : {},
      range(input),
    ],
  };
  const dir = input.asc ? "asc" : "desc";
  const [total, items] = await db.$transaction([
    db.apiResource.count({ where }),
    db.apiResource.findMany({ where, orderBy: [{ [input.orderby]: dir }, { id: dir }], skip: input.skip, take: input.take, select: resourceSelect }),
  ]);
  return { total, items };
}

export const getApiResource = (db: Db, who: Who, id: string) => findResource(db, who, id);

export async function createApiResource(db: Db, who: Who, input: z.output<typeof apiResourceCreateInput>) {
  return db
    .$transaction(async (tx) => {
      const tenantId = await targetTenant(tx, who, input.tenantId);
      const owners = await checkResourceRefs(tx, who, tenantId, input);
      const created = await tx.apiResource.create({
        data: {
          tenantId,
          name: input.name,
          displayName: input.displayName || null,
          description: input.description || null,
          enabled: input.enabled,
          scopes: input.scopes,
          userClaims: input.userClaims,
          owners,
        },
        select: resourceSelect,
      });
      await writeAudit(tx, auditActor(who, tenantId), "apiresource.create", created.id, undefined, created);
      return created;
    })
    .catch(conflict);
}

export async function updateApiResource(db: Db, who: Who, input: z.output<typeof apiResourceUpdateInput>) {
  return db
    .$transaction(async (tx) => {
      const before = await findResource(tx, who, input.id);
      const owners = await checkResourceRefs(tx, who, before.tenantId, input);
      const after = await tx.apiResource.update({
        where: { id: input.id },
        data: {
          name: input.name,
          displayName: input.displayName || null,
          description: input.description || null,
          enabled: input.enabled,
          scopes: input.scopes,
          userClaims: input.userClaims,
          owners,
        },
        select: resourceSelect,
      });
      await writeAudit(tx, auditActor(who, before.tenantId), "apiresource.update", input.id, before, after);
      return after;
    })
    .catch(conflict);
}

export async function deleteApiResource(db: Db, who: Who, id: string) {
  return db.$transaction(async (tx) => {
    const before = await findResource(tx, who, id);
    await tx.apiResource.delete({ where: { id } });
    await writeAudit(tx, auditActor(who, before.tenantId), "apiresource.delete", id, before);
    return { id };
  });
}

// --- API scopes ------------------------------------------------------------------------------

const scopeSelect = {
  id: true,
  tenantId: true,
  name: true,
  displayName: true,
  description: true,
  claims: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.ApiScopeSelect;

async function findScope(db: Tx, who: Who, id: string): Promise<ApiScopeItem> {
  const row = await db.apiScope.findFirst({ where: { id, ...tenantOf(who) }, select: scopeSelect });
  if (!row) throw new AppError(18007);
  return row;
}

export async function listApiScopes(db: Db, who: Who, input: z.output<typeof apiScopeListInput>) {
  const where: Prisma.ApiScopeWhereInput = { AND: [tenantOf(who, input.tenantId), nameFilter(input.name), range(input)] };
  const dir = input.asc ? "asc" : "desc";
  const [total, items] = await db.$transaction([
    db.apiScope.count({ where }),
    db.apiScope.findMany({ where, orderBy: [{ [input.orderby]: dir }, { id: dir }], skip: input.skip, take: input.take, select: scopeSelect }),
  ]);
  return { total, items };
}

export const getApiScope = (db: Db, who: Who, id: string) => findScope(db, who, id);

export async function createApiScope(db: Db, who: Who, input: z.output<typeof apiScopeCreateInput>) {
  return db
    .$transaction(async (tx) => {
      const tenantId = await targetTenant(tx, who, input.tenantId);
      const created = await tx.apiScope.create({
        data: { tenantId, name: input.name, displayName: input.displayName || null, description: input.description || null, claims: input.claims },
        select: scopeSelect,
      });
      await writeAudit(tx, auditActor(who, tenantId), "apiscope.create", created.id, undefined, created);
      return created;
    })
    .catch(conflict);
}

/** A scope named by API resources keeps its name and cannot be deleted (their references would dangle). */
async function assertUnused(tx: Tx, scope: ApiScopeItem) {
  const users = await tx.apiResource.findMany({ where: { tenantId: scope.tenantId, scopes: { has: scope.name } }, select: { name: true }, take: 10 });
  if (users.length) throw new AppError(18006, { name: users.map((u) => u.name) });
}

export async function updateApiScope(db: Db, who: Who, input: z.output<typeof apiScopeUpdateInput>) {
  return db
    .$transaction(async (tx) => {
      const before = await findScope(tx, who, input.id);
      if (before.name !== input.name) await assertUnused(tx, before);
      const after = await tx.apiScope.update({
        where: { id: input.id },
        data: { name: input.name, displayName: input.displayName || null, description: input.description || null, claims: input.claims },
        select: scopeSelect,
      });
      await writeAudit(tx, auditActor(who, before.tenantId), "apiscope.update", input.id, before, after);
      return after;
    })
    .catch(conflict);
}

export async function deleteApiScope(db: Db, who: Who, id: string) {
  return db.$transaction(async (tx) => {
    const before = await findScope(tx, who, id);
    await assertUnused(tx, before);
    await tx.apiScope.delete({ where: { id } });
    await writeAudit(tx, auditActor(who, before.tenantId), "apiscope.delete", id, before);
    return { id };
  });
}

// --- Identity resources ----------------------------------------------------------------------

const identitySelect = { ...scopeSelect, standard: true } satisfies Prisma.IdentityResourceSelect;

/** Seeds openid, profile, email, phone and address for a tenant; leaves existing rows as they are. */
export async function ensureStandardIdentityResources(db: Tx, tenantId: string) {
  await db.identityResource.createMany({
    data: STANDARD_IDENTITY_RESOURCES.map((r) => ({
      tenantId,
      name: r.name,
      displayName: r.displayName,
      description: r.description,
      claims: [...r.claims],
      standard: true,
    })),
    skipDuplicates: true,
  });
}

async function findIdentity(db: Tx, who: Who, id: string): Promise<IdentityResourceItem> {
  const row = await db.identityResource.findFirst({ where: { id, ...tenantOf(who) }, select: identitySelect });
  if (!row) throw new AppError(18008);
  return row;
}

export async function listIdentityResources(db: Db, who: Who, input: z.output<typeof identityResourceListInput>) {
  const where: Prisma.IdentityResourceWhereInput = {
    AND: [tenantOf(who, input.tenantId), nameFilter(input.name), input.standard === undefined ? {} : { standard: input.standard }, range(input)],
  };
  const dir = input.asc ? "asc" : "desc";
  const [total, items] = await db.$transaction([
    db.identityResource.count({ where }),
    db.identityResource.findMany({ where, orderBy: [{ [input.orderby]: dir }, { id: dir }], skip: input.skip, take: input.take, select: identitySelect }),
  ]);
  return { total, items };
}

export const getIdentityResource = (db: Db, who: Who, id: string) => findIdentity(db, who, id);

export async function createIdentityResource(db: Db, who: Who, input: z.output<typeof identityResourceCreateInput>) {
  return db
    .$transaction(async (tx) => {
      const tenantId = await targetTenant(tx, who, input.tenantId);
      const created = await tx.identityResource.create({
        data: { tenantId, name: input.name, displayName: input.displayName || null, description: input.description || null, claims: input.claims },
        select: identitySelect,
      });
      await writeAudit(tx, auditActor(who, tenantId), "identityresource.create", created.id, undefined, created);
      return created;
    })
    .catch(conflict);
}

export async function updateIdentityResource(db: Db, who: Who, input: z.output<typeof identityResourceUpdateInput>) {
  return db
    .$transaction(async (tx) => {
      const before = await findIdentity(tx, who, input.id);
      if (before.standard && before.name !== input.name) throw new AppError(18009, { name: [before.name] });
      const after = await tx.identityResource.update({
        where: { id: input.id },
        data: { name: input.name, displayName: input.displayName || null, description: input.description || null, claims: input.claims },
        select: identitySelect,
      });
      await writeAudit(tx, auditActor(who, before.tenantId), "identityresource.update", input.id, before, after);
      return after;
    })
    .catch(conflict);
}

export async function deleteIdentityResource(db: Db, who: Who, id: string) {
  return db.$transaction(async (tx) => {
    const before = await findIdentity(tx, who, id);
    if (before.standard) throw new AppError(18003);
    await tx.identityResource.delete({ where: { id } });
    await writeAudit(tx, auditActor(who, before.tenantId), "identityresource.delete", id, before);
    return { id };
  });
}
