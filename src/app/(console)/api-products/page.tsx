import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { apiProductsInput } from "./list-input";
import { ApiProductsView } from "./api-products-view";

export const metadata: Metadata = { title: "API products / API 产品" };

export default prefetchedPage(ApiProductsView, (trpc, url) => [trpc.apiProduct.list.queryOptions(apiProductsInput(url))]);
