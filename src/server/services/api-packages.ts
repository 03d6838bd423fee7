/**
 * The package market of an API resource: its SDKs and collections, each with an https link. Who
 * may see or change them is who may see or change the API resource (`findResource`: its tenant,
 * and a developer only the APIs they own). Creating, editing and deleting write audit entries.
 */
import type { z } from "zod";
import type { Prisma } from "~/generated/prisma/client";
import type { DbClient } from "~/server/db";
import { AppError, isUniqueViolation } from "~/server/errors";
import { auditActor, writeAudit } from "~/server/services/audit";
import { findResource } from "~/server/services/api-resources";
import type { Scope } from "~/server/services/scope";
import { msg } from "~/lib/validators/common";
import type { PackageItem, packageCreateInput, packageFields, packageUpdateInput } from "~/lib/validators/api-subscription";

const packageSelect = {
  id: true,
  apiResourceId: true,
  name: true,
  description: true,
  publisher: true,
  link: true,
  icon: true,
  platform: true,
  language: true,
  order: true,
  tags: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.ApiPackageSelect;

const data = (input: z.output<typeof packageFields>) => ({
  name: input.name,
  description: input.description ?? null,
  publisher: input.publisher ?? null,
  link: input.link,
  icon: input.icon ?? null,
  platform: input.platform,
  language: input.language ?? null,
  order: input.order,
  tags: [...new Set(input.tags)],
});

/** A package of an API the caller may manage; 300030 otherwise (another tenant's, another owner's: the same). */
async function findPackage(db: DbClient, scope: Scope, id: string) {
  const row = await db.apiPackage.findFirst({ where: { id }, select: { ...packageSelect, tenantId: true } });
  if (!row) throw new AppError(300030);
  try {
    await findResource(db, scope, row.apiResourceId);
  } catch {
    throw new AppError(300030);
  }
  return row;
}

const nameInUse = (e: unknown, code: 300006 | 300008) => (isUniqueViolation(e) ? new AppError(code, { name: [msg("packageNameInUse")] }) : e);

/** Ordered as the portal shows them: by `order`, then name. */
export async function listPackages(scope: Scope, apiResourceId: string): Promise<PackageItem[]> {
  await findResource(scope.db, scope, apiResourceId);
  return scope.db.apiPackage.findMany({ where: { apiResourceId }, orderBy: [{ order: "asc" }, { name: "asc" }, { id: "asc" }], select: packageSelect });
}

export async function createPackage(scope: Scope, input: z.output<typeof packageCreateInput>): Promise<PackageItem> {
  const resource = await findResource(scope.db, scope, input.apiResourceId);
  try {
    return await scope.db.$transaction(async (tx) => {
      const row = await tx.apiPackage.create({ data: { tenantId: resource.tenantId, apiResourceId: resource.id, ...data(input) }, select: packageSelect });
      await writeAudit(tx, auditActor(scope, resource.tenantId), "apiresource.postpackages", row.id, undefined, row);
      return row;
    });
  } catch (e) {
    throw nameInUse(e, 300006);
  }
}

export async function updatePackage(scope: Scope, input: z.output<typeof packageUpdateInput>): Promise<PackageItem> {
  const { tenantId, ...before } = await findPackage(scope.db, scope, input.id);
  try {
    return await scope.db.$transaction(async (tx) => {
      const row = await tx.apiPackage.update({ where: { id: input.id }, data: data(input), select: packageSelect });
      await writeAudit(tx, auditActor(scope, tenantId), "apiresource.putpackages", row.id, before, row);
      return row;
    });
  } catch (e) {
    throw nameInUse(e, 300008);
  }
}

export async function deletePackage(scope: Scope, id: string): Promise<{ id: string }> {
  const { tenantId, ...before } = await findPackage(scope.db, scope, id);
  return scope.db.$transaction(async (tx) => {
    await tx.apiPackage.delete({ where: { id } });
    await writeAudit(tx, auditActor(scope, tenantId), "apiresource.deletepackage", id, before);
    return { id };
  });
}

/**
 * The package market entry of an SDK release: created on the first release of the package,
 * updated (description, publisher, link, the version as a tag) on each later one. Written by the
 * release job as its creator, with an audit row like an administrator's edit.
 */
export async function upsertReleasedPackage(
  scope: Scope,
  input: { apiResourceId: string; name: string; description: string | null; publisher: string | null; link: string; version: string },
): Promise<PackageItem> {
  const resource = await findResource(scope.db, scope, input.apiResourceId);
  return scope.db.$transaction(async (tx) => {
    const before = await tx.apiPackage.findUnique({
      where: { apiResourceId_platform_name: { apiResourceId: resource.id, platform: "npm", name: input.name } },
      select: packageSelect,
    });
    const fields = { description: input.description, publisher: input.publisher, link: input.link, language: "TypeScript", tags: ["sdk", `v${input.version}`] };
    const row = await tx.apiPackage.upsert({
      where: { apiResourceId_platform_name: { apiResourceId: resource.id, platform: "npm", name: input.name } },
      create: { tenantId: resource.tenantId, apiResourceId: resource.id, platform: "npm", name: input.name, ...fields },
      update: fields,
      select: packageSelect,
    });
    await writeAudit(
      tx,
      auditActor(scope, resource.tenantId),
      before ? "apiresource.putpackages" : "apiresource.postpackages",
      row.id,
      before ?? undefined,
      row,
    );
    return row;
  });
}
