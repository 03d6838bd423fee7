import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "~/server/api/root";
import { createContext } from "~/server/api/context";
import { currentLog } from "~/server/log";

export const dynamic = "force-dynamic";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext(req),
    onError({ error, path, ctx }) {
      // Procedures log their own outcome (src/server/api/trpc.ts); this catches what fails before one runs.
      if (ctx) return;
      if (error.code === "INTERNAL_SERVER_ERROR")
        currentLog().error({ path: path ?? null, outcome: "error", err: error.cause ?? error }, "tRPC request failed");
      else currentLog().info({ path: path ?? null, outcome: "refused", trpcCode: error.code }, "tRPC request refused");
    },
  });

export { handler as GET, handler as POST };
