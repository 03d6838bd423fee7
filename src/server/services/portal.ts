/**
 * The developer portal's reads: public, on the tenant's host, and only what the tenant
 * published. An API shows when one of its versions is in a published product and has a revision
 * online; of a version, only revisions that were released (put online at least once) are ever
 * shown, never a draft. Everything else answers 404 (300001 / 300009), the same as a wrong id.
 */
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import type { Changelog } from "~/lib/validators/api-publish";
import type { PortalApi, PortalApiDetail, PortalDocument } from "~/lib/validators/portal";

/** The ids of the tenant's versions that a published product offers and that have a revision online. */
async function publishedVersionIds(db: DbClient, tenantId: string): Promise<Set<string>> {
  const products = await db.apiProduct.findMany({ where: { tenantId, published: true }, select: { versionIds: true } });
  const ids = [...new Set(products.flatMap((p) => p.versionIds))];
  if (!ids.length) return new Set();
  const online = await db.apiVersion.findMany({
    where: { tenantId, id: { in: ids }, onlineRevisionId: { not: null }, apiResource: { enabled: true } },
    select: { id: true },
  });
  return new Set(online.map((v) => v.id));
}

async function productsByVersion(db: DbClient, tenantId: string) {
  const products = await db.apiProduct.findMany({
    where: { tenantId, published: true },
    select: { id: true, name: true, displayName: true, description: true, approvalRequired: true, requestLimit: true, versionIds: true },
    orderBy: { name: "asc" },
  });
  return products;
}

export async function portalApis(db: DbClient, tenantId: string): Promise<PortalApi[]> {
  const visible = await publishedVersionIds(db, tenantId);
  if (!visible.size) return [];
  const versions = await db.apiVersion.findMany({
    where: { id: { in: [...visible] } },
    select: {
      id: true,
      name: true,
      updatedAt: true,
      onlineRevision: { select: { number: true, title: true, operationCount: true } },
      apiResource: { select: { id: true, name: true, displayName: true, description: true } },
    },
    orderBy: [{ apiResource: { name: "asc" } }, { name: "asc" }],
  });
  const products = await productsByVersion(db, tenantId);
  const apis = new Map<string, PortalApi>();
  for (const v of versions) {
    const r = v.apiResource;
    const api = apis.get(r.id) ?? { id: r.id, name: r.name, displayName: r.displayName, description: r.description, versions: [], products: [] };
    api.versions.push({
      id: v.id,
      name: v.name,
      onlineRevision: v.onlineRevision?.number ?? 0,
      title: v.onlineRevision?.title ?? "",
      operationCount: v.onlineRevision?.operationCount ?? 0,
      updatedAt: v.updatedAt,
    });
    for (const p of products)
      if (p.versionIds.includes(v.id) && !api.products.some((x) => x.id === p.id))
        api.products.push({
          id: p.id,
          name: p.name,
          displayName: p.displayName,
          description: p.description,
          approvalRequired: p.approvalRequired,
          requestLimit: p.requestLimit,
        });
    apis.set(r.id, api);
  }
  return [...apis.values()];
}

export async function portalApi(db: DbClient, tenantId: string, apiId: string): Promise<PortalApiDetail> {
  const api = (await portalApis(db, tenantId)).find((a) => a.id === apiId);
  if (!api) throw new AppError(18001);
  const packages = await db.apiPackage.findMany({
    where: { apiResourceId: api.id, tenantId },
    select: { id: true, name: true, description: true, publisher: true, link: true, icon: true, platform: true, language: true, tags: true },
    orderBy: [{ order: "asc" }, { name: "asc" }],
    take: 100,
  });
  const releases = await db.apiRelease.findMany({
    where: { apiVersionId: { in: api.versions.map((v) => v.id) } },
    select: { id: true, apiVersionId: true, notes: true, createdAt: true, revision: { select: { id: true, number: true, changes: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 200,
  });
  return {
    ...api,
    packages,
    releases: releases.map((r) => ({
      id: r.id,
      versionId: r.apiVersionId,
      revisionId: r.revision.id,
      revisionNumber: r.revision.number,
      notes: r.notes,
      createdAt: r.createdAt,
      changes: (r.revision.changes as Changelog | null) ?? null,
    })),
  };
}

/** A version's online revision (or one it released before, by `revisionId`), as OpenAPI 3.1. */
export async function portalDocument(db: DbClient, tenantId: string, versionId: string, revisionId?: string): Promise<PortalDocument> {
  const visible = await publishedVersionIds(db, tenantId);
  if (!visible.has(versionId)) throw new AppError(300001);
  const version = await db.apiVersion.findUniqueOrThrow({ where: { id: versionId }, select: { onlineRevisionId: true } });
  const id = revisionId ?? version.onlineRevisionId!;
  const revision = await db.apiRevision.findFirst({
    where: { id, apiVersionId: versionId, OR: [{ onlineIn: { isNot: null } }, { releases: { some: {} } }] },
    select: { id: true, number: true, document: true },
  });
  if (!revision) throw new AppError(300009);
  return {
    revisionId: revision.id,
    number: revision.number,
    online: revision.id === version.onlineRevisionId,
    document: revision.document as Record<string, unknown>,
  };
}
