import "server-only";
import type { Db } from "~/server/db";
import { readRows } from "~/server/db/fast-read";
import { Prisma } from "~/generated/prisma/client";
import { brandOf, type Brand } from "~/lib/branding";

/**
 * The brand every page of a tenant shows (root layout). Read once per few seconds per process:
 * a changed logo or colour is seen by every instance within BRAND_TTL_MS, and the tenant
 * service drops this process's copy at once (`forgetBrand`).
 */
const BRAND_TTL_MS = 5_000;
// On globalThis: Next.js bundles each route separately, and a module-level Map would be one copy per bundle.
const store = globalThis as unknown as { __ucBrands?: Map<string, { at: number; value: Promise<Brand | null> }> };
const cache = (store.__ucBrands ??= new Map());

export function tenantBrand(db: Db, tenantId: string): Promise<Brand | null> {
  const hit = cache.get(tenantId);
  if (hit && Date.now() - hit.at < BRAND_TTL_MS) return hit.value;
  // A plain statement: the root layout of every page reads it.
  const value = readRows<{ name: string; logo: string | null; theme: string | null; background: string | null }[]>(
    db,
    Prisma.sql`SELECT "name", "logo", "theme", "background" FROM "Tenant" WHERE "id" = ${tenantId}::uuid`,
  ).then(([t]) => (t ? brandOf(t) : null));
  cache.set(tenantId, { at: Date.now(), value });
  value.catch(() => cache.delete(tenantId));
  return value;
}

export const forgetBrand = (tenantId: string) => void cache.delete(tenantId);
