import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { apiScopesInput } from "./list-input";
import { ApiScopesView } from "./api-scopes-view";

export const metadata: Metadata = { title: "API scopes / API 范围" };

export default prefetchedPage(ApiScopesView, (trpc, url) => [trpc.apiScope.list.queryOptions(apiScopesInput(url))]);
