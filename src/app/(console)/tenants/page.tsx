import type { Metadata } from "next";
import { TenantsView } from "./tenants-view";

export const metadata: Metadata = { title: "Tenants / 租户" };

export default function TenantsPage() {
  return <TenantsView />;
}
