import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { tenantsInput } from "./list-input";
import { TenantsView } from "./tenants-view";

export const metadata: Metadata = { title: "Tenants / 租户" };

export default prefetchedPage(TenantsView, (trpc, url) => [trpc.tenant.list.queryOptions(tenantsInput(url))]);
