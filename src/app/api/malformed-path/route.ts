import { malformedPathResponse } from "~/server/request";

export const dynamic = "force-dynamic";

/**
 * Where server.mjs sends a request whose path cannot be percent-decoded ("/api/trpc/%ff"):
 * 400 with the error code, whatever the method.
 */
const handler = (req: Request) => malformedPathResponse(req);

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE, handler as HEAD, handler as OPTIONS };
