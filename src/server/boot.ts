/**
 * What the instrumentation hook needs to start an instance, as one module: Turbopack gives every
 * dynamic import() its own group of chunks, and groups that share modules get their own copies of
 * the shared chunks — five imports in the hook loaded the Prisma runtime's chunk three times and
 * the services' twice (~4.5 MB of source kept in memory). One import, one copy.
 */
import "server-only";

export { db, dbKind } from "~/server/db";
export { checkInstanceSecrets } from "~/server/startup";
export { ensureSigningKey } from "~/server/services/tokens";
export { publishFastApi } from "~/server/api/http";
export { startJobRunner } from "~/server/jobs/queues";
export { startHousekeeping } from "~/server/jobs/housekeeping";
export { APP_READY } from "~/server/http-front.js";
