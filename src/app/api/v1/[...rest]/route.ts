import { handleRest } from "~/server/api/rest";

export const dynamic = "force-dynamic";

/** The REST mirror: every procedure with `meta.openapi`, under /api/v1. */
const handler = (req: Request) => handleRest(req);

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
