import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { sessionsInput } from "./list-input";
import { SessionsView } from "./sessions-view";

export const metadata: Metadata = { title: "Login sessions / 登录会话" };

export default prefetchedPage(SessionsView, (trpc, url) => [trpc.session.list.queryOptions(sessionsInput(url))]);
