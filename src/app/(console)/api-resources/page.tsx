import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { apiResourcesInput } from "./list-input";
import { ApiResourcesView } from "./api-resources-view";

export const metadata: Metadata = { title: "API resources / API 资源" };

export default prefetchedPage(ApiResourcesView, (trpc, url) => [trpc.apiResource.list.queryOptions(apiResourcesInput(url))]);
