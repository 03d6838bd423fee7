import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { PortalHome } from "./portal-home";

export const metadata: Metadata = { title: "Developer portal / 开发者门户" };

export default prefetchedPage(PortalHome, (trpc) => [trpc.portal.apis.queryOptions({})]);
