"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, loggerLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "~/server/api/root";
import { sessionGone } from "~/trpc/session-gone";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

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

function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError: toSignInOn401 }),
    mutationCache: new MutationCache({ onError: toSignInOn401 }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // 4xx answers will not change on retry.
        retry: (count, err) => statusOf(err) >= 500 && count < 2,
      },
    },
  });
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        loggerLink({ enabled: (op) => process.env.NODE_ENV === "development" && op.direction === "down" && op.result instanceof Error }),
        httpBatchLink({ url: "/api/trpc", transformer: superjson }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
