import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { identityResourcesInput } from "./list-input";
import { IdentityResourcesView } from "./identity-resources-view";

export const metadata: Metadata = { title: "Identity resources / 身份资源" };

export default prefetchedPage(IdentityResourcesView, (trpc, url) => [trpc.identityResource.list.queryOptions(identityResourcesInput(url))]);
