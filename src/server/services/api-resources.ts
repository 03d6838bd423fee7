/**
 * API resources (微服务), API scopes and identity resources: tenant-isolated CRUD. Names are
 * unique per tenant (18002); an API resource's scopes must name ApiScope rows of its tenant
 * (18004) and its owners users of its tenant (18005); developers manage only the API resources
 * they own. The standard identity resources are seeded per tenant and cannot be deleted (18003).
 */
import { identityResourcesChanged } from "~/server/oidc/changes";
import type { z } from "zod";
import type { DbClient } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import { AppError, isUniqueViolation } from "~/server/errors";
import { auditActor, writeAudit } from "~/server/services/audit";
import { productsBundling, syncSubscriptionScopes } from "~/server/services/product-subscriptions";
import { managesAll, ownerOf } from "~/server/services/ownership";
import { tenantWhere, type Scope } from "~/server/services/scope";
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
import { msg } from "~/lib/validators/common";

const NOBODY = "00000000-0000-0000-0000-000000000000";
const range = (i: { startTime?: Date; endTime?: Date }) => (i.startTime || i.endTime ? { createdAt: { gte: i.startTime, lte: i.endTime } } : {});
const nameFilter = (name?: string) =>
  name ? { OR: [{ name: { contains: name, mode: "insensitive" as const } }, { displayName: { contains: name, mode: "insensitive" as const } }] } : {};

async function targetTenant(db: DbClient, scope: Scope, tenantId?: string) {
  const id = scope.actor.isOperator && tenantId ? tenantId : scope.actor.tenantId;
  if (id !== scope.actor.tenantId && !(await db.tenant.count({ where: { id } }))) throw new AppError(10004);
  return id;
}

const conflict = (e: unknown): never => {
  if (isUniqueViolation(e)) throw new AppError(18002, { name: [msg("nameInUse")] });
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

function resourceScope(scope: Scope, tenantId?: string): Prisma.ApiResourceWhereInput {
  const t = tenantWhere(scope, tenantId);
  return managesAll(scope.actor) ? t : { ...t, owners: { has: ownerOf(scope.actor) ?? NOBODY } };
}

export async function findResource(db: DbClient, scope: Scope, id: string): Promise<ApiResourceItem> {
  const row = await db.apiResource.findFirst({ where: { AND: [{ id }, resourceScope(scope)] }, select: resourceSelect });
  if (!row) throw new AppError(18001);
  return row;
}

/** Scopes must exist in the tenant; owners must be the tenant's users; a developer stays an owner of what they edit. */
async function checkResourceRefs(tx: DbClient, scope: Scope, tenantId: string, input: { scopes: string[]; owners: string[] }) {
  const owners = [...input.owners];
  const me = ownerOf(scope.actor);
  if (!managesAll(scope.actor) && me && !owners.includes(me)) owners.push(me);
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

export async function listApiResources(scope: Scope, input: z.output<typeof apiResourceListInput>) {
  const { db } = scope;
  const where: Prisma.ApiResourceWhereInput = {
    AND: [
      resourceScope(scope, input.tenantId),
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

export const getApiResource = (scope: Scope, id: string) => findResource(scope.db, scope, id);

export async function createApiResource(scope: Scope, input: z.output<typeof apiResourceCreateInput>) {
  const { db } = scope;
  return db
    .$transaction(async (tx) => {
      const tenantId = await targetTenant(tx, scope, input.tenantId);
      const owners = await checkResourceRefs(tx, scope, tenantId, input);
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
      await writeAudit(tx, auditActor(scope, tenantId), "apiresource.create", created.id, undefined, created);
      return created;
    })
    .catch(conflict);
}

export async function updateApiResource(scope: Scope, input: z.output<typeof apiResourceUpdateInput>) {
  const { db } = scope;
  return db
    .$transaction(async (tx) => {
      const before = await findResource(tx, scope, input.id);
      const owners = await checkResourceRefs(tx, scope, before.tenantId, input);
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
      await writeAudit(tx, auditActor(scope, before.tenantId), "apiresource.update", input.id, before, after);
      // Products bundling this API grant its scopes when its publish configuration names none.
      if (before.scopes.join(" ") !== after.scopes.join(" "))
        await syncSubscriptionScopes(tx, scope, before.tenantId, await productsBundling(tx, before.tenantId, input.id));
      return after;
    })
    .catch(conflict);
}

export async function deleteApiResource(scope: Scope, id: string) {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const before = await findResource(tx, scope, id);
    await tx.apiResource.delete({ where: { id } });
    await writeAudit(tx, auditActor(scope, before.tenantId), "apiresource.delete", id, before);
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

async function findScope(db: DbClient, scope: Scope, id: string): Promise<ApiScopeItem> {
  const row = await db.apiScope.findFirst({ where: { id, ...tenantWhere(scope) }, select: scopeSelect });
  if (!row) throw new AppError(18007);
  return row;
}

export async function listApiScopes(scope: Scope, input: z.output<typeof apiScopeListInput>) {
  const { db } = scope;
  const where: Prisma.ApiScopeWhereInput = { AND: [tenantWhere(scope, input.tenantId), nameFilter(input.name), range(input)] };
  const dir = input.asc ? "asc" : "desc";
  const [total, items] = await db.$transaction([
    db.apiScope.count({ where }),
    db.apiScope.findMany({ where, orderBy: [{ [input.orderby]: dir }, { id: dir }], skip: input.skip, take: input.take, select: scopeSelect }),
  ]);
  return { total, items };
}

export const getApiScope = (scope: Scope, id: string) => findScope(scope.db, scope, id);

export async function createApiScope(scope: Scope, input: z.output<typeof apiScopeCreateInput>) {
  const { db } = scope;
  return db
    .$transaction(async (tx) => {
      const tenantId = await targetTenant(tx, scope, input.tenantId);
      const created = await tx.apiScope.create({
        data: { tenantId, name: input.name, displayName: input.displayName || null, description: input.description || null, claims: input.claims },
        select: scopeSelect,
      });
      await writeAudit(tx, auditActor(scope, tenantId), "apiscope.create", created.id, undefined, created);
      return created;
    })
    .catch(conflict);
}

/** A scope named by API resources keeps its name and cannot be deleted (their references would dangle). */
async function assertUnused(tx: DbClient, scope: ApiScopeItem) {
  const users = await tx.apiResource.findMany({ where: { tenantId: scope.tenantId, scopes: { has: scope.name } }, select: { name: true }, take: 10 });
  if (users.length) throw new AppError(18006, { name: [msg("scopeInUse")] });
}

export async function updateApiScope(scope: Scope, input: z.output<typeof apiScopeUpdateInput>) {
  const { db } = scope;
  return db
    .$transaction(async (tx) => {
      const before = await findScope(tx, scope, input.id);
      if (before.name !== input.name) await assertUnused(tx, before);
      const after = await tx.apiScope.update({
        where: { id: input.id },
        data: { name: input.name, displayName: input.displayName || null, description: input.description || null, claims: input.claims },
        select: scopeSelect,
      });
      await writeAudit(tx, auditActor(scope, before.tenantId), "apiscope.update", input.id, before, after);
      return after;
    })
    .catch(conflict);
}

export async function deleteApiScope(scope: Scope, id: string) {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const before = await findScope(tx, scope, id);
    await assertUnused(tx, before);
    await tx.apiScope.delete({ where: { id } });
    await writeAudit(tx, auditActor(scope, before.tenantId), "apiscope.delete", id, before);
    return { id };
  });
}

// --- Identity resources ----------------------------------------------------------------------

const identitySelect = { ...scopeSelect, standard: true } satisfies Prisma.IdentityResourceSelect;

/** Seeds openid, profile, email, phone and address for a tenant; leaves existing rows as they are. */
export async function ensureStandardIdentityResources(db: DbClient, tenantId: string) {
  await db.identityResource.createMany({
    data: STANDARD_IDENTITY_RESOURCES.map((r) => ({
      tenantId,
      name: r.name,
      displayName: r.displayName.en,
      description: r.description.en,
      claims: [...r.claims],
      standard: true,
    })),
    skipDuplicates: true,
  });
}

async function findIdentity(db: DbClient, scope: Scope, id: string): Promise<IdentityResourceItem> {
  const row = await db.identityResource.findFirst({ where: { id, ...tenantWhere(scope) }, select: identitySelect });
  if (!row) throw new AppError(18008);
  return row;
}

export async function listIdentityResources(scope: Scope, input: z.output<typeof identityResourceListInput>) {
  const { db } = scope;
  const where: Prisma.IdentityResourceWhereInput = {
    AND: [tenantWhere(scope, input.tenantId), nameFilter(input.name), input.standard === undefined ? {} : { standard: input.standard }, range(input)],
  };
  const dir = input.asc ? "asc" : "desc";
  const [total, items] = await db.$transaction([
    db.identityResource.count({ where }),
    db.identityResource.findMany({ where, orderBy: [{ [input.orderby]: dir }, { id: dir }], skip: input.skip, take: input.take, select: identitySelect }),
  ]);
  return { total, items };
}

export const getIdentityResource = (scope: Scope, id: string) => findIdentity(scope.db, scope, id);

export async function createIdentityResource(scope: Scope, input: z.output<typeof identityResourceCreateInput>) {
  const { db } = scope;
  return db
    .$transaction(async (tx) => {
      const tenantId = await targetTenant(tx, scope, input.tenantId);
      const created = await tx.identityResource.create({
        data: { tenantId, name: input.name, displayName: input.displayName || null, description: input.description || null, claims: input.claims },
        select: identitySelect,
      });
      await writeAudit(tx, auditActor(scope, tenantId), "identityresource.create", created.id, undefined, created);
      return created;
    })
    .then((created) => {
      // The tenant's OpenID Providers serve its identity resources as scopes: made again at once.
      identityResourcesChanged(created.tenantId);
      return created;
    })
    .catch(conflict);
}

export async function updateIdentityResource(scope: Scope, input: z.output<typeof identityResourceUpdateInput>) {
  const { db } = scope;
  return db
    .$transaction(async (tx) => {
      const before = await findIdentity(tx, scope, input.id);
      if (before.standard && before.name !== input.name) throw new AppError(18009, { name: [msg("standardNameFixed")] });
      const after = await tx.identityResource.update({
        where: { id: input.id },
        data: { name: input.name, displayName: input.displayName || null, description: input.description || null, claims: input.claims },
        select: identitySelect,
      });
      await writeAudit(tx, auditActor(scope, before.tenantId), "identityresource.update", input.id, before, after);
      return after;
    })
    .then((after) => {
      identityResourcesChanged(after.tenantId);
      return after;
    })
    .catch(conflict);
}

export async function deleteIdentityResource(scope: Scope, id: string) {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const before = await findIdentity(tx, scope, id);
    if (before.standard) throw new AppError(18003);
    await tx.identityResource.delete({ where: { id } });
    await writeAudit(tx, auditActor(scope, before.tenantId), "identityresource.delete", id, before);
    identityResourcesChanged(before.tenantId);
    return { id };
  });
}
