import { restHandler } from "~/server/api/http";

export const dynamic = "force-dynamic";

/** The REST mirror: every procedure with `meta.openapi`, under /api/v1 (server.mjs calls the same handler directly). */
export { restHandler as GET, restHandler as POST, restHandler as PUT, restHandler as PATCH, restHandler as DELETE };
