import { db } from "~/server/db";
import { requestHost } from "~/server/request";
import { handleTokenRequest } from "~/server/services/oauth-token";

export const dynamic = "force-dynamic";

/** OAuth 2.0 token endpoint: client credentials only (RFC 6749 §4.4). */
export function POST(req: Request) {
  return handleTokenRequest(db, req, requestHost(req.headers));
}
