import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { exportsInput } from "./list-input";
import { ExportsView } from "./exports-view";

export const metadata: Metadata = { title: "Exports / 导出任务" };

export default prefetchedPage(ExportsView, (trpc, url) => [trpc.export.list.queryOptions(exportsInput(url))]);
