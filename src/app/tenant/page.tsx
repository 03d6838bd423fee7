import { notFound } from "next/navigation";
import type { Metadata } from "next";
import { headers } from "next/headers";
import { db } from "~/server/db";
import { requestHost } from "~/server/request";
import { publicTenantByHost } from "~/server/services/tenant";
import { PublicTenantView } from "./public-tenant-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Tenant / 租户" };

/** Anonymous: what anyone may see about the tenant behind this host. */
export default async function PublicTenantPage() {
  const host = requestHost(await headers());
  const tenant = await publicTenantByHost(db, host).catch(() => null);
  // An unbound host is a 404 (src/app/not-found.tsx says why).
  if (!tenant) notFound();
  return <PublicTenantView tenant={tenant} />;
}
