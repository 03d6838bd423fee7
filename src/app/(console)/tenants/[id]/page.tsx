import type { Metadata } from "next";
import { TenantDetail } from "./tenant-detail";

export const metadata: Metadata = { title: "Tenant / 租户" };

export default async function TenantDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <TenantDetail id={id} />;
}
