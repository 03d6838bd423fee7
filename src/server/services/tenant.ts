import "server-only";
import type { z } from "zod";
import type { Db, DbClient } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import { AppError, isUniqueViolation } from "~/server/errors";
import { decryptSecret, encryptSecret } from "~/server/crypto";
import { auditActor, writeAudit } from "~/server/services/audit";
import { tenantWhere, type Scope } from "~/server/services/scope";
import { normalizeHost } from "~/server/services/host";
import { ensureBuiltInRoles } from "~/server/services/roles";
import { ensureStandardIdentityResources } from "~/server/services/api-resources";
import { forgetBrand } from "~/server/services/branding";
import { forgetTenantSettings } from "~/server/services/tenant-settings";
import type { TenantDetail, tenantCreateInput, tenantListInput, tenantStatusInput, tenantUpdateInput } from "~/lib/validators/tenant";

/** Operators see every tenant; anyone else only their own (another tenant's id is a 404). */
const tenantRows = (scope: Scope): Prisma.TenantWhereInput => ({ id: tenantWhere(scope).tenantId });

const detailSelect = {
  id: true,
  name: true,
  status: true,
  logo: true,
  description: true,
  theme: true,
  background: true,
  ownerId: true,
  isDefault: true,
  createdAt: true,
  updatedAt: true,
  hosts: { select: { host: true }, orderBy: { host: "asc" } },
  claims: { select: { type: true, value: true, isPublic: true }, orderBy: { id: "asc" } },
  properties: { select: { key: true, value: true, secret: true }, orderBy: { key: "asc" } },
} satisfies Prisma.TenantSelect;

type DetailRow = Prisma.TenantGetPayload<{ select: typeof detailSelect }>;

function decryptable(envelope: string): boolean {
  try {
    decryptSecret(envelope);
    return true;
  } catch {
    return false;
  }
}

/**
 * The only way a tenant leaves the server: secret property values are never included, only
 * whether one is stored and, when this instance cannot decrypt it, that it cannot.
 */
function toDetail(row: DetailRow): TenantDetail {
  return {
    ...row,
    hosts: row.hosts.map((h) => h.host),
    properties: row.properties.map((p) => ({
      key: p.key,
      secret: p.secret,
      value: p.secret ? null : p.value,
      isSet: p.value !== "",
      ...(p.secret && p.value !== "" && !decryptable(p.value) ? { undecryptable: true } : {}),
    })),
  };
}

export async function listTenants(scope: Scope, input: z.output<typeof tenantListInput>) {
  const { db } = scope;
  const where: Prisma.TenantWhereInput = {
    AND: [
      tenantRows(scope),
      input.name ? { name: { contains: input.name, mode: "insensitive" } } : {},
      input.host ? { hosts: { some: { host: { contains: normalizeHost(input.host) } } } } : {},
      input.status ? { status: input.status } : {},
      input.startTime || input.endTime ? { createdAt: { gte: input.startTime, lte: input.endTime } } : {},
    ],
  };
  const dir = input.asc ? "asc" : "desc";
  const [total, rows] = await db.$transaction([
    db.tenant.count({ where }),
    db.tenant.findMany({
      where,
      orderBy: [{ [input.orderby]: dir }, { id: dir }],
      skip: input.skip,
      take: input.take,
      select: {
        id: true,
        name: true,
        status: true,
        logo: true,
        description: true,
        isDefault: true,
        createdAt: true,
        updatedAt: true,
        hosts: { select: { host: true }, orderBy: { host: "asc" } },
      },
    }),
  ]);
  return { total, items: rows.map((r) => ({ ...r, hosts: r.hosts.map((h) => h.host) })) };
}

async function findTenant(db: DbClient, scope: Scope, id: string): Promise<TenantDetail> {
  const row = await db.tenant.findFirst({ where: { AND: [{ id }, tenantRows(scope)] }, select: detailSelect });
  if (!row) throw new AppError(11001);
  return toDetail(row);
}

type Fields = z.output<typeof tenantCreateInput>;

export const getTenant = (scope: Scope, id: string) => findTenant(scope.db, scope, id);

async function assertHostsFree(tx: Prisma.TransactionClient, hosts: string[], tenantId?: string) {
  if (!hosts.length) return;
  const taken = await tx.tenantHost.findMany({
    where: { host: { in: hosts }, ...(tenantId ? { tenantId: { not: tenantId } } : {}) },
    select: { host: true },
  });
  if (taken.length) {
    const fields: Record<string, string[]> = {};
    for (const t of taken) fields[`hosts.${hosts.indexOf(t.host)}`] = [t.host];
    throw new AppError(11002, fields);
  }
}

/** Secret values are encrypted; a secret sent without a value keeps what is stored. */
function propertyRows(props: Fields["properties"], existing: Map<string, { value: string; secret: boolean }>) {
  return props.map((p) => {
    const old = existing.get(p.key);
    let value: string;
    if (p.value === undefined || p.value === null) value = old && old.secret === p.secret ? old.value : "";
    else value = p.secret && p.value !== "" ? encryptSecret(p.value) : p.value;
    return { key: p.key, secret: p.secret, value };
  });
}

function wrapConflicts(e: unknown): never {
  if (isUniqueViolation(e)) throw new AppError(11002);
  throw e;
}

export async function createTenant(scope: Scope, input: Fields): Promise<TenantDetail> {
  const { db } = scope;
  if (!scope.actor.isOperator) throw new AppError(10002);
  return db
    .$transaction(async (tx) => {
      await assertHostsFree(tx, input.hosts);
      const created = await tx.tenant.create({
        data: {
          name: input.name,
          description: input.description || null,
          logo: input.logo || null,
          theme: input.theme || null,
          background: input.background || null,
          status: input.status,
          ownerId: scope.actor.userId,
          hosts: { create: input.hosts.map((host) => ({ host })) },
          claims: { create: input.claims },
          properties: { create: propertyRows(input.properties, new Map()) },
        },
        select: detailSelect,
      });
      await ensureBuiltInRoles(tx, created.id);
      await ensureStandardIdentityResources(tx, created.id);
      const detail = toDetail(created);
      await writeAudit(tx, auditActor(scope), "tenant.create", created.id, undefined, detail);
      return detail;
    })
    .catch(wrapConflicts);
}

export async function updateTenant(scope: Scope, input: z.output<typeof tenantUpdateInput>): Promise<TenantDetail> {
  const { db } = scope;
  return db
    .$transaction(async (tx) => {
      const before = await findTenant(tx, scope, input.id);
      if (before.isDefault && input.status !== "enabled") throw new AppError(11003);
      await assertHostsFree(tx, input.hosts, input.id);
      const stored = await tx.tenantProperty.findMany({ where: { tenantId: input.id }, select: { key: true, value: true, secret: true } });
      const existing = new Map(stored.map((p) => [p.key, p]));
      await tx.tenantHost.deleteMany({ where: { tenantId: input.id } });
      await tx.tenantClaim.deleteMany({ where: { tenantId: input.id } });
      await tx.tenantProperty.deleteMany({ where: { tenantId: input.id } });
      const updated = await tx.tenant.update({
        where: { id: input.id },
        data: {
          name: input.name,
          description: input.description || null,
          logo: input.logo || null,
          theme: input.theme || null,
          background: input.background || null,
          status: input.status,
          hosts: { create: input.hosts.map((host) => ({ host })) },
          claims: { create: input.claims },
          properties: { create: propertyRows(input.properties, existing) },
        },
        select: detailSelect,
      });
      const after = toDetail(updated);
      await writeAudit(tx, auditActor(scope), "tenant.update", input.id, before, after);
      return after;
    })
    .then((after) => {
      forgetTenantSettings(input.id); // after the commit, so no reader can re-cache the old values
      forgetBrand(input.id);
      return after;
    })
    .catch(wrapConflicts);
}

export async function setTenantStatus(scope: Scope, input: z.output<typeof tenantStatusInput>): Promise<TenantDetail> {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const before = await findTenant(tx, scope, input.id);
    if (before.isDefault && input.status !== "enabled") throw new AppError(11003);
    const updated = await tx.tenant.update({ where: { id: input.id }, data: { status: input.status }, select: detailSelect });
    await writeAudit(tx, auditActor(scope), "tenant.status", input.id, { status: before.status }, { status: input.status });
    return toDetail(updated);
  });
}

export async function deleteTenant(scope: Scope, id: string): Promise<{ id: string }> {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const before = await findTenant(tx, scope, id);
    if (before.isDefault) throw new AppError(11003);
    await tx.tenant.delete({ where: { id } });
    await writeAudit(tx, auditActor(scope), "tenant.delete", id, before, undefined);
    return { id };
  });
}

/** Anonymous: what a login page may show about the tenant behind a host. */
export async function publicTenantByHost(db: Db, host: string) {
  const row = await db.tenantHost.findUnique({
    where: { host: normalizeHost(host) },
    select: {
      tenant: {
        select: {
          id: true,
          name: true,
          logo: true,
          description: true,
          status: true,
          claims: { where: { isPublic: true }, select: { type: true, value: true }, orderBy: { id: "asc" } },
        },
      },
    },
  });
  if (!row || row.tenant.status === "disabled") throw new AppError(10007);
  const { status: _status, ...pub } = row.tenant;
  return pub;
}
