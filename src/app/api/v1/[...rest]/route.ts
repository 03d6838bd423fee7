import { handleRest } from "~/server/api/rest";
import { malformedPathResponse, undecodablePath } from "~/server/request";

export const dynamic = "force-dynamic";

/** The REST mirror: every procedure with `meta.openapi`, under /api/v1. */
const handler = (req: Request) => (undecodablePath(req) ? malformedPathResponse(req) : handleRest(req));

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
