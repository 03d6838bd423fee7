import { defaultShouldDehydrateQuery, MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import superjson from "superjson";
import { sessionGone } from "~/trpc/session-gone";

const statusOf = (err: unknown) => (err as { data?: { httpStatus?: number } }).data?.httpStatus ?? 500;

/**
 * The session ended, expired or was frozen by an administrator (perhaps in another browser): go
 * to the sign-in page at once, and come back here after; the sign-in page reads from the dead
 * session's cookie why it ended.
 */
function toSignInOn401(err: unknown) {
  if (!sessionGone(err) || typeof window === "undefined" || window.location.pathname.startsWith("/login")) return;
  const back = window.location.pathname + window.location.search;
  // A full load, not a client navigation: nothing of the ended session's cache survives.
  window.location.assign(new URL(`/login?callbackUrl=${encodeURIComponent(back)}`, window.location.origin).href);
}

/**
 * The one QueryClient setup, for the browser (src/trpc/react.tsx) and for a server-rendered page
 * (src/trpc/server.tsx, one per request). Answers stay fresh 30 s, so what a page was rendered
 * with is not fetched again as the browser takes it over. What the server hands the browser goes
 * through superjson, the transformer of the tRPC link, so dates and the like arrive as a call's
 * answer would. Only answers are handed over (and pending queries, whose failures the browser
 * would see redacted — server pages await theirs): a refused query is not, so the browser asks
 * itself and shows the very refusal an ordinary call gets.
 */
export function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError: toSignInOn401 }),
    mutationCache: new MutationCache({ onError: toSignInOn401 }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // 4xx answers will not change on retry.
        retry: (count, err) => statusOf(err) >= 500 && count < 2,
      },
      dehydrate: {
        serializeData: superjson.serialize,
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}
