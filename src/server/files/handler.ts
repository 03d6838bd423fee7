/**
 * The uploadthing route handler, configured for where the bytes go (see config.ts). With the
 * built-in ingest the upload URL is on the page's own origin (the tenant's host name), so one
 * handler is kept per origin; the handler's own calls to the ingest and the ingest's callback go
 * over loopback (UC_INTERNAL_URL), which works whatever names the host has outside.
 */
import "server-only";
import { createRouteHandler } from "uploadthing/next";
import { env } from "~/env";
import { fileRouter } from "~/server/files/router";
import { INGEST_PATH, ROUTE_PATH, ingestUrlFor, internalOrigin, uploadThingKeys, usesBuiltInIngest } from "~/server/files/config";

type Handler = ReturnType<typeof createRouteHandler>;
const handlers = new Map<string, Handler>();
const MAX_HANDLERS = 256;

/** Requests the route handler makes to the page-origin ingest go to this instance directly. */
const loopbackFetch =
  (publicIngest: string): typeof fetch =>
  (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!env.UPLOADTHING_INGEST_URL && url.startsWith(`${publicIngest}/`)) {
      const rewritten = `${internalOrigin()}${INGEST_PATH}${url.slice(publicIngest.length)}`;
      return fetch(input instanceof Request ? new Request(rewritten, input) : rewritten, init);
    }
    return fetch(input, init);
  };

export function routeHandlerFor(req: Request): Handler {
  const builtIn = usesBuiltInIngest();
  const ingestUrl = builtIn ? ingestUrlFor(req) : "cloud";
  let handler = handlers.get(ingestUrl);
  if (handler) return handler;
  handler = createRouteHandler({
    router: fileRouter,
    config: builtIn
      ? {
          token: uploadThingKeys().token,
          ingestUrl,
          // Always the production protocol (callbacks), also under `next dev`.
          isDev: false,
          handleDaemonPromise: "await",
          callbackUrl: `${internalOrigin()}${ROUTE_PATH}`,
          fetch: loopbackFetch(ingestUrl),
          logLevel: "Error",
        }
      : { token: env.UPLOADTHING_TOKEN, logLevel: "Error" },
  });
  if (handlers.size >= MAX_HANDLERS) handlers.clear();
  handlers.set(ingestUrl, handler);
  return handler;
}
