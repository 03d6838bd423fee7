import { healthHandler } from "~/server/api/http";

export const dynamic = "force-dynamic";

/** 200 while the database answers, else 503 (server.mjs calls the same handler directly). */
export { healthHandler as GET };
