import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { PermissionsView } from "./permissions-view";

export const metadata: Metadata = { title: "Permission codes / 权限码" };

export default prefetchedPage(PermissionsView, (trpc) => [trpc.permission.list.queryOptions({})]);
