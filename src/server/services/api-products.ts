/**
 * API products (产品包): named bundles of API versions of one tenant, what the developer portal
 * offers for subscription (published or not, approval or not, a request limit per subscription).
 * Tenant-isolated like every catalogue; the versions must be the tenant's own (300024).
 */
import type { z } from "zod";
import type { Prisma } from "~/generated/prisma/client";
import type { DbClient } from "~/server/db";
import { AppError, isUniqueViolation } from "~/server/errors";
import { auditActor, writeAudit } from "~/server/services/audit";
import { tenantWhere, type Scope } from "~/server/services/scope";
import { syncSubscriptionScopes } from "~/server/services/product-subscriptions";
import { msg } from "~/lib/validators/common";
import type { ApiProductItem, ProductVersion, apiProductCreateInput, apiProductListInput, apiProductUpdateInput } from "~/lib/validators/api-product";

const select = {
  id: true,
  tenantId: true,
  name: true,
  displayName: true,
  description: true,
  published: true,
  approvalRequired: true,
  requestLimit: true,
  versionIds: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.ApiProductSelect;
type Row = Prisma.ApiProductGetPayload<{ select: typeof select }>;

/** The versions of `ids` in `tenantId`, with their API's name. */
async function versionsOf(db: DbClient, tenantId: string, ids: string[]): Promise<ProductVersion[]> {
  if (!ids.length) return [];
  const rows = await db.apiVersion.findMany({
    where: { tenantId, id: { in: ids } },
    select: { id: true, apiResourceId: true, name: true, onlineRevisionId: true, apiResource: { select: { name: true } } },
    orderBy: [{ apiResource: { name: "asc" } }, { name: "asc" }],
  });
  return rows.map((v) => ({ id: v.id, apiResourceId: v.apiResourceId, apiName: v.apiResource.name, versionName: v.name, online: !!v.onlineRevisionId }));
}

async function withVersions(db: DbClient, rows: Row[]): Promise<ApiProductItem[]> {
  const byTenant = new Map<string, string[]>();
  for (const r of rows) byTenant.set(r.tenantId, [...(byTenant.get(r.tenantId) ?? []), ...r.versionIds]);
  const found = new Map<string, ProductVersion>();
  for (const [tenantId, ids] of byTenant) for (const v of await versionsOf(db, tenantId, [...new Set(ids)])) found.set(v.id, v);
  return rows.map((r) => ({ ...r, versions: r.versionIds.flatMap((id) => found.get(id) ?? []) }));
}

async function findProduct(db: DbClient, scope: Scope, id: string): Promise<Row> {
  const row = await db.apiProduct.findFirst({ where: { id, ...tenantWhere(scope) }, select });
  if (!row) throw new AppError(300022);
  return row;
}

async function checkVersions(db: DbClient, tenantId: string, ids: string[]) {
  const unique = [...new Set(ids)];
  const known = await db.apiVersion.count({ where: { tenantId, id: { in: unique } } });
  if (known !== unique.length) throw new AppError(300024, { versionIds: [msg("versionUnknown")] });
  return unique;
}

const conflict = (e: unknown): never => {
  if (isUniqueViolation(e)) throw new AppError(300023, { name: [msg("productNameInUse")] });
  throw e;
};

export async function listProducts(scope: Scope, input: z.output<typeof apiProductListInput>) {
  const where: Prisma.ApiProductWhereInput = {
    ...tenantWhere(scope, input.tenantId),
    ...(input.name ? { OR: [{ name: { contains: input.name, mode: "insensitive" } }, { displayName: { contains: input.name, mode: "insensitive" } }] } : {}),
    ...(input.published === undefined ? {} : { published: input.published }),
    ...(input.startTime || input.endTime ? { createdAt: { gte: input.startTime, lte: input.endTime } } : {}),
  };
  const [total, rows] = await Promise.all([
    scope.db.apiProduct.count({ where }),
    scope.db.apiProduct.findMany({
      where,
      select,
      orderBy: [{ [input.orderby]: input.asc ? "asc" : "desc" }, { id: "asc" }],
      skip: input.skip,
      take: input.take,
    }),
  ]);
  return { total, items: await withVersions(scope.db, rows) };
}

export async function getProduct(scope: Scope, id: string): Promise<ApiProductItem> {
  return (await withVersions(scope.db, [await findProduct(scope.db, scope, id)]))[0]!;
}

const fields = (input: z.output<typeof apiProductCreateInput> | z.output<typeof apiProductUpdateInput>, versionIds: string[]) => ({
  name: input.name,
  displayName: input.displayName || null,
  description: input.description || null,
  published: input.published,
  approvalRequired: input.approvalRequired,
  requestLimit: input.requestLimit ?? null,
  versionIds,
});

export async function createProduct(scope: Scope, input: z.output<typeof apiProductCreateInput>): Promise<ApiProductItem> {
  const tenantId = scope.actor.isOperator && input.tenantId ? input.tenantId : scope.actor.tenantId;
  return scope.db
    .$transaction(async (tx) => {
      const versionIds = await checkVersions(tx, tenantId, input.versionIds);
      const row = await tx.apiProduct.create({ data: { tenantId, ...fields(input, versionIds) }, select });
      await writeAudit(tx, auditActor(scope, tenantId), "apiproduct.create", row.id, undefined, row);
      return (await withVersions(tx, [row]))[0]!;
    })
    .catch(conflict);
}

export async function updateProduct(scope: Scope, input: z.output<typeof apiProductUpdateInput>): Promise<ApiProductItem> {
  return scope.db
    .$transaction(async (tx) => {
      const before = await findProduct(tx, scope, input.id);
      const versionIds = await checkVersions(tx, before.tenantId, input.versionIds);
      const row = await tx.apiProduct.update({ where: { id: input.id }, data: fields(input, versionIds), select });
      await writeAudit(tx, auditActor(scope, before.tenantId), "apiproduct.update", row.id, before, row);
      // The clients of its subscriptions get the new scope set with this change, not later.
      await syncSubscriptionScopes(tx, scope, before.tenantId, [row.id]);
      return (await withVersions(tx, [row]))[0]!;
    })
    .catch(conflict);
}

export async function deleteProduct(scope: Scope, id: string) {
  return scope.db.$transaction(async (tx) => {
    const before = await findProduct(tx, scope, id);
    // The clients its subscriptions issued go with it (the subscriptions cascade; a client would outlive them).
    await tx.oAuthClient.deleteMany({ where: { subscription: { productId: id } } });
    await tx.apiProduct.delete({ where: { id } });
    await writeAudit(tx, auditActor(scope, before.tenantId), "apiproduct.delete", id, before);
    return { id };
  });
}

/** Every version of the tenant's APIs, for the product form's picker. */
export async function versionOptions(scope: Scope, tenantId?: string): Promise<ProductVersion[]> {
  const id = scope.actor.isOperator && tenantId ? tenantId : scope.actor.tenantId;
  const rows = await scope.db.apiVersion.findMany({ where: { tenantId: id }, select: { id: true }, take: 1000 });
  return versionsOf(
    scope.db,
    id,
    rows.map((r) => r.id),
  );
}

/** The products that bundle a version of this API (the seeds' `apiresource.products`). */
export async function productsOfApi(scope: Scope, apiResourceId: string, tenantId: string): Promise<ApiProductItem[]> {
  const versions = await scope.db.apiVersion.findMany({ where: { apiResourceId, tenantId }, select: { id: true } });
  if (!versions.length) return [];
  const rows = await scope.db.apiProduct.findMany({
    where: { tenantId, versionIds: { hasSome: versions.map((v) => v.id) } },
    select,
    orderBy: { name: "asc" },
  });
  return withVersions(scope.db, rows);
}
