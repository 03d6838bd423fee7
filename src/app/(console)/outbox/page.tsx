import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { outboxInput } from "./list-input";
import { OutboxView } from "./outbox-view";

export const metadata: Metadata = { title: "Outbox / 发件箱" };

export default prefetchedPage(OutboxView, (trpc, url) => [trpc.outbox.list.queryOptions(outboxInput(url))]);
