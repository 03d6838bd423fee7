import { jsonLoginHandler } from "~/server/api/http";

export const dynamic = "force-dynamic";

/** POST /api/v1/login/<operation>: seed 003's JSON login, answering a bearer token (server.mjs calls the same handler directly). */
export { jsonLoginHandler as POST };
