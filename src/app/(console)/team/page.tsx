import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { teamInput } from "./list-input";
import { TeamView } from "./team-view";

export const metadata: Metadata = { title: "Team / 团队" };

export default prefetchedPage(TeamView, (trpc, url) => [trpc.team.list.queryOptions(teamInput(url))]);
