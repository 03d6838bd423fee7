import "server-only";
import type { ComponentType } from "react";
import { cache } from "react";
import { headers } from "next/headers";
import { dehydrate, HydrationBoundary, type FetchQueryOptions } from "@tanstack/react-query";
import { createTRPCOptionsProxy, type TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { appRouter, type AppRouter } from "~/server/api/root";
import { createContext } from "~/server/api/context";
import { readUrl, type UrlReader } from "~/components/url-read";
import { makeQueryClient } from "~/trpc/query-client";

/** This request's QueryClient: what its server components prefetch, handed to the browser by HydrationBoundary. */
export const getQueryClient = cache(makeQueryClient);

/**
 * The context of this page request's calls, built by the API's own `createContext` from the
 * request's headers: the host's tenant, the session cookie's actor and the cross-site check
 * exactly as a call to /api/trpc from this page would get them, once per request.
 */
const pageContext = cache(async () => createContext({ headers: await headers() }));

/**
 * The tRPC options proxy of server components: the same `queryOptions` (and so the same query
 * keys) as `useTRPC()` in the browser, its procedures called in-process through every guard.
 */
export const trpc: TRPCOptionsProxy<AppRouter> = createTRPCOptionsProxy<AppRouter>({ ctx: pageContext, router: appRouter, queryClient: getQueryClient });

/** The queries a page needs on its first render, built from its URL with `trpc` (server or browser). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a page's queries answer different types
export type PageQueries = (trpc: TRPCOptionsProxy<AppRouter>, url: UrlReader) => FetchQueryOptions<any, any, any, any>[];

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * A console page whose first data comes with its HTML: the server runs `queries` (the very input
 * the view builds from the same URL, see `readUrl`), waits for them, and hands the answers to the
 * browser's cache, so the view renders its rows at once and asks for nothing on first load.
 * A refused query (no permission, a cross-site navigation) is not handed over: the browser
 * asks itself and shows the refusal as before. A date range is a day in the browser's time zone,
 * which the server does not know: such a URL's list is left to the browser.
 */
export function prefetchedPage(View: ComponentType, queries: PageQueries) {
  return async function PrefetchedPage({ searchParams }: { searchParams: SearchParams }) {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(await searchParams)) for (const one of [v ?? []].flat()) sp.append(k, one);
    const url = readUrl(sp);
    const qc = getQueryClient();
    if (!url.get("start") && !url.get("end")) await Promise.all(queries(trpc, url).map((q) => qc.prefetchQuery(q)));
    return (
      <HydrationBoundary state={dehydrate(qc)}>
        <View />
      </HydrationBoundary>
    );
  };
}
