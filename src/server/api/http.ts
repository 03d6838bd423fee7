import "server-only";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "~/server/api/root";
import { createContext } from "~/server/api/context";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { bearerChallenge } from "~/server/oidc/api-token";
import { appCodeFor } from "~/server/errors";
import { handleRest } from "~/server/api/rest";
import { currentLog } from "~/server/log";
import { FAST_API, type FastApi } from "~/server/http-front.js";
import { db, dbKind } from "~/server/db";
import { checkHealth } from "~/server/health";
import { resolveTenant } from "~/server/services/host";
import { jsonLogin } from "~/server/services/login-api";
import { withRequestLog } from "~/server/log";
import { requestHost, requestIp } from "~/server/request";
import { cookieLocale, pickLocale } from "~/i18n/locale";
import { readDeviceCookies } from "~/server/security/device-cookie";

/** The console's tRPC endpoint (src/app/api/trpc/[trpc]/route.ts). */
export const trpcHandler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext(req),
    // A bearer caller refused for its token is told so as RFC 6750 says (browsers send cookies, no challenge).
    responseMeta({ errors }) {
      const first = errors[0];
      if (!first || !/^Bearer\s/i.test(req.headers.get("authorization") ?? "")) return {};
      const challenge = bearerChallenge(req.headers.get("authorization"), getHTTPStatusCodeFromError(first), appCodeFor(first));
      return challenge ? { headers: new Headers({ "www-authenticate": challenge }) } : {};
    },
    onError({ error, path, ctx }) {
      // Procedures log their own outcome (src/server/api/trpc.ts); this catches what fails before one runs.
      if (ctx) return;
      if (error.code === "INTERNAL_SERVER_ERROR")
        currentLog().error({ path: path ?? null, outcome: "error", err: error.cause ?? error }, "tRPC request failed");
      else currentLog().info({ path: path ?? null, outcome: "refused", trpcCode: error.code }, "tRPC request refused");
    },
  });

/** The REST mirror (src/app/api/v1/[...rest]/route.ts). */
export const restHandler = (req: Request) => handleRest(req);

const LOGIN_PATH = /^\/api\/v1\/login\/([^/]+)$/;

/** POST /api/v1/login/<operation>: seed 003's JSON login, answering a bearer token (src/app/api/v1/login/[operation]/route.ts). */
export const jsonLoginHandler = (req: Request) =>
  withRequestLog(req, async () => {
    const h = req.headers;
    let operation = "";
    try {
      operation = decodeURIComponent(LOGIN_PATH.exec(new URL(req.url).pathname)?.[1] ?? "");
    } catch {
      // An undecodable name is no operation: jsonLogin answers it as unknown.
    }
    const body: unknown = await req.json().catch(() => null);
    const envelope = await jsonLogin(db, {
      operation,
      body,
      tenant: await resolveTenant(db, requestHost(h)),
      locale: pickLocale(cookieLocale(h.get("cookie")), h.get("accept-language")),
      ip: requestIp(h),
      userAgent: h.get("user-agent"),
      deviceCookie: readDeviceCookies(h.get("cookie")),
    });
    currentLog().info({ operation, status: envelope.status, appCode: envelope.error, userId: envelope.result?.id ?? null }, "JSON login");
    return Response.json(envelope, { status: envelope.status, headers: { "cache-control": "no-store" } });
  });

/** GET /api/health: 200 while the database answers, else 503 (src/app/api/health/route.ts). */
export async function healthHandler(): Promise<Response> {
  const health = await checkHealth(db, dbKind);
  return Response.json(health, { status: health.status === "ok" ? 200 : 503 });
}

export const TRPC_METHODS = ["GET", "POST"] as const;
export const REST_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * Paths under /api/v1 that are routes of their own in src/app/api/v1 (Next's router prefers them
 * to the catch-all); `fast-api.test.ts` checks this list against the folders.
 */
export const OWN_V1_ROUTES = ["/api/v1/login/", "/api/v1/files/upload", "/api/v1/openapi.json", "/api/v1/users/import"];
// (The login route is one of them, and is also served directly: see LOGIN_PATH below.)

/**
 * Which handler Next's router would pick (the routes' own functions) for `path` and `method`, or null when the request is
 * not one of the API endpoints served directly (pages, next-auth, files, the routes above, other methods).
 */
export function pickApiHandler(path: string, method: string): ((req: Request) => Promise<Response>) | null {
  if (path === "/api/health") return method === "GET" ? healthHandler : null;
  if (path.startsWith("/api/trpc/")) return (TRPC_METHODS as readonly string[]).includes(method) ? trpcHandler : null;
  if (!path.startsWith("/api/v1/")) return null;
  // The JSON login route takes one path segment and POST only (Next answers other methods 405).
  if (LOGIN_PATH.test(path)) return method === "POST" ? jsonLoginHandler : null;
  if (OWN_V1_ROUTES.some((r) => (r.endsWith("/") ? path.startsWith(r) : path === r || path.startsWith(`${r}/`)))) return null;
  return (REST_METHODS as readonly string[]).includes(method) ? restHandler : null;
}

/**
 * Lets server.mjs call the two API endpoints' handlers without Next's router in between: the
 * same functions the route files export, reached from the same module instances. Next's app-route
 * machinery (routing, tracing, web-stream plumbing, compression) costs ~1.3 ms of CPU per call,
 * more than the rest of a cheap call. Published by instrumentation once the instance has checked
 * its keys; until then (and under `next dev`/`next start`) every request goes through Next.
 */
let gateway: Promise<typeof import("~/server/gateway/handler")> | undefined;

export function publishFastApi() {
  const api: FastApi = {
    pick: pickApiHandler,
    // Loaded with the first OpenID request: instances that serve none never load oidc-provider.
    oidc: async (req, res) => (await import("~/server/oidc/handler")).handleOidc(db, req, res),
    // Likewise the gateway, with the first call of a published API.
    gateway: async (req, res) => (await (gateway ??= import("~/server/gateway/handler"))).handleGateway(db, req, res),
  };
  (globalThis as Record<symbol, unknown>)[FAST_API] = api;
}
