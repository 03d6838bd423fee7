import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { clientsInput } from "./list-input";
import { ClientsView } from "./clients-view";

export const metadata: Metadata = { title: "OAuth clients / OAuth 客户端" };

export default prefetchedPage(ClientsView, (trpc, url) => [trpc.client.list.queryOptions(clientsInput(url))]);
