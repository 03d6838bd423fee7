import { trpcHandler } from "~/server/api/http";

export const dynamic = "force-dynamic";

/** The console's tRPC endpoint (server.mjs calls the same handler directly). */
export { trpcHandler as GET, trpcHandler as POST };
