/**
 * The OpenID Provider's HTTP front: server.mjs hands it Node's request and response for
 * `/.well-known/openid-configuration` and everything under `/oidc/` (oidc-provider is a Koa
 * app whose `callback()` takes exactly those). The host picks the tenant like every other
 * request (an unbound host, or a tenant that is not enabled, is a 404); the issuer is the
 * origin the client used. Our own interaction routes (interaction.ts) come first.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "~/server/db";
import { describeError } from "~/lib/errors";
import { API_CSP, requestPath } from "~/server/http-front.js";
import { requestHost, requestProto } from "~/server/request";
import { resolveTenant } from "~/server/services/host";
import { withLoginLink } from "~/server/oidc/adapter";
import { handleInteraction } from "~/server/oidc/interaction";
import { providerFor } from "~/server/oidc/provider";
import { pageLocale } from "~/server/oidc/pages";
import { TRY_CALLBACK_PATH, TRY_START_PATH, handleTryCallback, handleTryStart, tryAllowanceFor, withTryAllowance } from "~/server/oidc/try";

const INTERACTION = /^\/oidc\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|confirm))?\/?$/;
const HOST_RE = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/;

const headerBag = (req: IncomingMessage) => ({
  get: (name: string) => {
    const v = req.headers[name.toLowerCase()];
    return (Array.isArray(v) ? v[0] : v) ?? null;
  },
});

function notFound(req: IncomingMessage, res: ServerResponse) {
  const d = describeError(10007, pageLocale(req.headers));
  res.writeHead(404, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify({ error: "not_found", error_description: d.description, appCode: d.code }));
}

const callbacks = new WeakMap<object, (req: IncomingMessage, res: ServerResponse) => Promise<void>>();

export async function handleOidc(db: Db, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader("content-security-policy", API_CSP);
  const h = headerBag(req);
  const host = requestHost(h);
  if (!HOST_RE.test(host)) return notFound(req, res);
  const tenant = await resolveTenant(db, host);
  if (!tenant || tenant.status !== "enabled") return notFound(req, res);
  const issuer = `${requestProto(h)}://${host.toLowerCase()}`;
  const path = requestPath(req.url ?? "/");
  // The console's "Try it" (try.ts): its own two endpoints, and its redirect URI while this browser runs one.
  if (path === TRY_START_PATH) return handleTryStart({ db, tenant, issuer, host, req, res });
  if (path === TRY_CALLBACK_PATH) return handleTryCallback({ db, tenant, issuer, host, req, res });
  const provider = await providerFor(db, tenant.id, issuer, req.socket.localPort);
  const m = INTERACTION.exec(path);
  if (m) return handleInteraction({ db, provider, tenant, host, req, res, uid: m[1]!, action: (m[2] ?? "") as "" | "login" | "confirm" });
  let callback = callbacks.get(provider);
  if (!callback) callbacks.set(provider, (callback = provider.callback()));
  await withTryAllowance(tryAllowanceFor(req, tenant.id, issuer, path), () => withLoginLink({}, () => callback(req, res)));
}
