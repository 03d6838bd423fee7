import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { sliceFrom } from "~/components/url-read";
import { LocksView } from "./locks-view";

export const metadata: Metadata = { title: "Account locks / 账号锁定" };

export default prefetchedPage(LocksView, (trpc, url) => [trpc.lock.list.queryOptions(sliceFrom(url))]);
