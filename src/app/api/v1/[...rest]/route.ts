import { createOpenApiFetchHandler } from "trpc-to-openapi";
import { appRouter } from "~/server/api/root";
import { createContext } from "~/server/api/context";

export const dynamic = "force-dynamic";

/** The REST mirror: every procedure with `meta.openapi`, under /api/v1. */
const handler = (req: Request) =>
  createOpenApiFetchHandler({
    endpoint: "/api/v1",
    req,
    router: appRouter,
    createContext: () => createContext(req),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`REST ${path ?? "?"}:`, error.cause ?? error);
    },
  });

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
