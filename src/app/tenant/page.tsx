import type { Metadata } from "next";
import { headers } from "next/headers";
import { db } from "~/server/db";
import { requestHost } from "~/server/request";
import { publicTenantByHost } from "~/server/services/tenant";
import { UnknownHost } from "~/components/unknown-host";
import { PublicTenantView } from "./public-tenant-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Tenant / 租户" };

/** Anonymous: what anyone may see about the tenant behind this host. */
export default async function PublicTenantPage() {
  const host = requestHost(await headers());
  const tenant = await publicTenantByHost(db, host).catch(() => null);
  if (!tenant) return <UnknownHost host={host} />;
  return <PublicTenantView tenant={tenant} />;
}
