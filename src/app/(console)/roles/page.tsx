import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { rolesInput } from "./list-input";
import { RolesView } from "./roles-view";

export const metadata: Metadata = { title: "Roles / 角色" };

export default prefetchedPage(RolesView, (trpc, url) => [trpc.role.list.queryOptions(rolesInput(url).input), trpc.me.get.queryOptions()]);
