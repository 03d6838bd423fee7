import type { Db } from "~/server/db";

/** `Example.COM:3000` → `example.com`; IPv6 literals keep their brackets. */
export function normalizeHost(host: string | null | undefined): string {
  if (!host) return "";
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  return h.replace(/:\d+$/, "");
}

export interface ResolvedTenant {
  id: string;
  name: string;
  status: "created" | "enabled" | "disabled";
  isDefault: boolean;
}

/** The one tenant bound to this host, or null. Tenant hosts are data (TenantHost). */
export async function resolveTenant(db: Db, host: string | null | undefined): Promise<ResolvedTenant | null> {
  const name = normalizeHost(host);
  if (!name) return null;
  // One statement (a relation filter), not the two a nested select through TenantHost costs:
  // this runs on every request.
  return db.tenant.findFirst({ where: { hosts: { some: { host: name } } }, select: { id: true, name: true, status: true, isDefault: true } });
}
