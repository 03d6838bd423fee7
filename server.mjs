/**
 * The HTTP server of `npm start` (and `npm run dev`): Node's http server in front of Next's
 * request handler. Before Next sees a request it fixes what the client cannot be trusted with —
 * its address (the TCP peer, or N hops into X-Forwarded-For behind TRUSTED_PROXY=N), the scheme,
 * the request id — and refuses paths that cannot be decoded; every response gets the common
 * security headers (see src/server/http-front.js). The API endpoints (/api/v1, /api/trpc) are
 * answered by the same handlers their route files export, called directly once the app has
 * published them (src/server/api/http.ts): Next's router costs more CPU than a cheap call. So are
 * the OpenID Providers (/oidc) and the API gateway (/gateway/<suffix>/…).
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import {
  FRONT_MARK,
  appReadySignal,
  MALFORMED_PATH_ROUTE,
  fastApiHandler,
  gatewayHandler,
  oidcHandler,
  prepareRequest,
  requestPath,
  responseHeaders,
  serveFetch,
  trustedHops,
} from "./src/server/http-front.js";

const dev = process.argv.includes("--dev");
process.env.NODE_ENV ??= dev ? "development" : "production";
const port = Number(process.env.PORT) || 3000;
const hops = trustedHops(process.env.TRUSTED_PROXY);

if (!dev) {
  // The configuration the build resolved, as Next's standalone server hands it over: Next then
  // skips loading next.config.mjs with its plugins (and the compiler and file watcher they pull
  // in), which costs ~0.5 s and ~25 MB at every start. `.env` files are still read, as Next would.
  const { loadEnvConfig } = (await import("@next/env")).default;
  loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
  const built = JSON.parse(readFileSync(".next/required-server-files.json", "utf8"));
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG ??= JSON.stringify(built.config);
}

// Settled by the app's instrumentation once its keys are checked and its API handlers published.
const ready = dev ? null : appReadySignal();
/** @type {import("./src/server/http-front.js").AppReady | null} */
let appReady = null;
// Imported after NODE_ENV is settled: Next reads it as it loads.
const { default: next } = await import("next");
const app = next({ dev, port, hostname: "localhost" });
const handle = app.getRequestHandler();
await app.prepare();
if (ready) {
  // Next runs the instrumentation hook without awaiting it in prepare(): listen only once the app
  // is ready, so no early request takes Next's slower path (and loads a second copy of the API).
  // A hook that never reports (it failed to load: Next has logged why) stops the start.
  const limit = setTimeout(() => {
    console.error("Refusing to start: the app did not become ready within 120 s");
    process.exit(1);
  }, 120_000);
  appReady = await ready;
  clearTimeout(limit);
}
// The app believes the client-address header only when this server is in front of it.
globalThis[FRONT_MARK] = { hops };

/** @type {http.RequestListener} */
const serve = (req, res) => {
  const { proto, requestId, decodable } = prepareRequest(req, hops);
  res.setHeader("x-request-id", requestId);
  for (const [name, value] of Object.entries(responseHeaders(proto, req.url))) res.setHeader(name, value);
  // "/api/trpc/%ff": Next and the routers behind it would throw; a route of ours answers 400.
  if (!decodable) req.url = MALFORMED_PATH_ROUTE;
  // The two API endpoints skip Next's router once the app has published their handlers; so do
  // the tenants' OpenID Providers (a Koa app each) and the API gateway, on Node's request and response.
  const path = requestPath(req.url ?? "/");
  const node = decodable ? (oidcHandler(path) ?? gatewayHandler(path)) : null;
  const api = decodable && !node ? fastApiHandler(req, path) : null;
  (node ? node(req, res) : api ? serveFetch(api, req, res, proto) : handle(req, res)).catch((e) => {
    // One JSON line like the app's own (pino) logs: the error's name, message and stack, no request data.
    const err = e instanceof Error ? { type: e.name, message: e.message, stack: e.stack } : { message: String(e) };
    process.stderr.write(
      `${JSON.stringify({ level: 50, time: new Date().toISOString(), service: "user-center", reqId: requestId, err, msg: "request failed" })}\n`,
    );
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end();
  });
};

/**
 * Pages load when first asked for (next.config.mjs): the sign-in page, which nearly every first
 * visitor opens, is rendered once before the server listens (on a loopback listener of its own
 * that then closes), so no visitor waits ~0.7 s for its modules to load.
 */
async function warmSignInPage() {
  const warm = http.createServer(serve);
  await new Promise((resolve) => warm.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = warm.address();
  const warmPort = typeof address === "object" && address ? address.port : 0;
  // A render that hangs (a database that stopped answering) does not keep the server from listening.
  await new Promise((resolve) =>
    http
      .get({ host: "127.0.0.1", port: warmPort, path: "/login", headers: { host: "localhost" }, timeout: 30_000 }, (res) =>
        res.resume().on("end", resolve).on("error", resolve),
      )
      .on("timeout", function () {
        this.destroy();
      })
      .on("error", resolve),
  );
  warm.closeAllConnections();
  await new Promise((resolve) => warm.close(() => resolve(undefined)));
}
if (!dev) await warmSignInPage();

const server = http.createServer(serve);
if (dev) server.on("upgrade", app.getUpgradeHandler());
// Every interface, like `next start`: IPv4 peers show up as ::ffff:a.b.c.d and are normalised.
server.listen(port, () => {
  console.log(`▶ User Center on http://localhost:${port} (${dev ? "development" : "production"}, trusted proxy hops: ${hops})`);
  // The app's background work starts now (see APP_READY).
  appReady?.warmed();
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close();
    void app.close?.().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
