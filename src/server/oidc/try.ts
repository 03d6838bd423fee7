/**
 * The console's "Try it" on a client's page: the authorization code flow with PKCE run by the
 * server against the client itself, so an administrator sees the ID token, the access token and
 * the userinfo answer their app would get.
 *
 * The provider accepts one built-in redirect URI for this, `<issuer>/oidc/try/callback`, and only
 * for a flow the start endpoint began in this very browser:
 * - `POST /oidc/try/start` (a same-origin form post from the console; the session must hold
 *   `uc.client.detail` and see the client, exactly as the client page does, and the client must
 *   be of this host's tenant) writes a server-side record (an `OidcPayload` row of model
 *   `UcTryFlow`, id = the state, five minutes) with the PKCE verifier, the nonce and, for a
 *   confidential client, a short-lived secret it creates for the run (a `ClientSecret` row
 *   described "Try it", expiring with the record, its plaintext encrypted in the record), and
 *   sets an httpOnly, SameSite=Lax cookie scoped to /oidc naming the state, the tenant, the
 *   issuer and the client, encrypted and authenticated (AES-256-GCM, src/server/crypto.ts), so
 *   no one can make one up.
 * - While that cookie is sent, and only for that client (and, at the authorization endpoint,
 *   only with that state), the client's metadata lists the try redirect URI (`withTryRedirect`,
 *   called by clients.ts); any other request knows nothing of it.
 * - `GET /oidc/try/callback` checks the cookie against the `state` it is given, consumes the
 *   record (one use: a replayed callback finds nothing), exchanges the code with oauth4webapi
 *   at the token endpoint over loopback (the same server, addressed by the tenant's host),
 *   verifies the ID token's signature against the published keys, calls userinfo, revokes any
 *   refresh token at once, deletes the run's secret, stores the decoded result (model
 *   `UcTryResult`, for the user who started it) and sends the browser to the client's page,
 *   a path of our own: nothing in the request picks where it goes.
 */
import http from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes, timingSafeEqual } from "node:crypto";
import * as oauth from "oauth4webapi";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import type { Db } from "~/server/db";
import type { ResolvedTenant } from "~/server/services/host";
import type { Locale } from "~/lib/errors";
import { decryptSecret, encryptSecret } from "~/server/crypto";
import { translator } from "~/i18n/catalog";
import { AppError } from "~/server/errors";
import { createContext } from "~/server/api/context";
import { guardRequest } from "~/server/api/trpc";
import { getClient, newSecret } from "~/server/services/client";
import { auditActor, writeAudit } from "~/server/services/audit";
import { isCrossSite, proxyHops } from "~/server/request";
import { readCookie } from "~/i18n/locale";
import { UUID_RE } from "~/server/db/sql";
import { findOidcClient } from "~/server/oidc/clients";
import { loadIdentityConfig } from "~/server/oidc/identity";
import { signInScope } from "~/lib/oidc-scopes";
import { escapeHtml, page, pageLocale, type Page } from "~/server/oidc/pages";
import type { TryRun } from "~/lib/validators/client-try";
import { tryRedirectUri, type TryAllowance } from "~/server/oidc/try-redirect";
import { TRY_RESULT_MODEL } from "~/server/oidc/try-result";
import { readForm } from "~/server/oidc/form";

export { TRY_CALLBACK_PATH, withTryAllowance } from "~/server/oidc/try-redirect";
export const TRY_START_PATH = "/oidc/try/start";
export const TRY_COOKIE = "uc_oidc_try";
/** How long a run may take from the button to the callback (also the run's secret's life). */
export const TRY_TTL_SECONDS = 300;
/** How long the console can show a run's result. */
const RESULT_TTL_SECONDS = 600;
const FLOW_MODEL = "UcTryFlow";
export const TRY_SECRET_DESCRIPTION = "Try it";
const COOKIE_PURPOSE = "uc-oidc-try";

// --- The cookie -------------------------------------------------------------------------------

interface TryCookie {
  /** The state (also the flow record's id). */
  s: string;
  /** Tenant id, issuer, client_id, expiry (epoch seconds). */
  t: string;
  i: string;
  c: string;
  e: number;
}

function sealCookie(c: TryCookie): string {
  return encryptSecret(JSON.stringify({ p: COOKIE_PURPOSE, ...c }));
}

/** The run this browser is in on this tenant and issuer, or null (absent, forged, expired, another tenant's or issuer's). */
export function readTryCookie(cookieHeader: string | null | undefined, tenantId: string, issuer: string): TryCookie | null {
  const raw = readCookie(cookieHeader, TRY_COOKIE);
  if (!raw || raw.length > 2048) return null;
  try {
    const v = JSON.parse(decryptSecret(raw)) as Partial<TryCookie> & { p?: string };
    if (v.p !== COOKIE_PURPOSE || typeof v.s !== "string" || typeof v.c !== "string" || typeof v.e !== "number") return null;
    if (v.t !== tenantId || v.i !== issuer || v.e * 1000 <= Date.now()) return null;
    return { s: v.s, t: v.t, i: v.i, c: v.c, e: v.e };
  } catch {
    return null;
  }
}

const cookieAttrs = (issuer: string) => `Path=/oidc; HttpOnly; SameSite=Lax${issuer.startsWith("https:") ? "; Secure" : ""}`;
const setCookie = (issuer: string, value: string) => `${TRY_COOKIE}=${value}; ${cookieAttrs(issuer)}; Max-Age=${TRY_TTL_SECONDS}`;
const clearCookie = (issuer: string) => `${TRY_COOKIE}=; ${cookieAttrs(issuer)}; Max-Age=0`;

const sameString = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * What a provider request may do under this browser's run: at the authorization endpoint only
 * with the run's own state (so the cookie cannot lend the redirect URI to another request),
 * elsewhere (the sign-in hand-off's resume, errors sent back to the callback) while it lasts.
 */
export function tryAllowanceFor(req: IncomingMessage, tenantId: string, issuer: string, path: string): TryAllowance | null {
  const c = readTryCookie(req.headers.cookie, tenantId, issuer);
  if (!c) return null;
  if (path === "/oidc/auth" || path === "/oidc/auth/") {
    const state = new URL(req.url ?? "/", "http://x").searchParams.get("state");
    if (!state || !sameString(state, c.s)) return null;
  }
  return { clientId: c.c, redirectUri: tryRedirectUri(issuer) };
}

// --- Pages and answers --------------------------------------------------------------------------

const tryText = (locale: Locale) => {
  const t = translator(locale, "serverText");
  return (key: string) => t(`oidcTry.${key}`);
};

function refusalPage(locale: Locale, reason: string, status: number): Page {
  const t = tryText(locale);
  return page(locale, t("title"), `<h1>${escapeHtml(t("title"))}</h1>\n<p>${escapeHtml(t(reason))}</p>\n<p class="muted">${escapeHtml(t("hint"))}</p>`, status);
}

function writePage(res: ServerResponse, p: Page, extra: Record<string, string> = {}) {
  res.writeHead(p.status, {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": p.csp,
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    ...extra,
  });
  res.end(p.html);
}

function redirect(res: ServerResponse, location: string, cookie?: string) {
  res.writeHead(303, { location, "cache-control": "no-store", "referrer-policy": "no-referrer", ...(cookie ? { "set-cookie": cookie } : {}) });
  res.end();
}

const headersOf = (req: IncomingMessage) => {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : v);
  return h;
};

// --- Start --------------------------------------------------------------------------------------

export interface TryRequest {
  db: Db;
  tenant: ResolvedTenant;
  issuer: string;
  host: string;
  req: IncomingMessage;
  res: ServerResponse;
}

/** The scopes a run asks for (src/lib/oidc-scopes.ts). */
export const tryScope = signInScope;

interface FlowRecord {
  clientRowId: string;
  clientId: string;
  userId: string;
  verifier: string;
  nonce: string;
  scope: string;
  authMethod: "none" | "client_secret_basic" | "client_secret_post";
  secretId: string | null;
  /** The run's secret, encrypted (crypto.ts): only the server can read it. */
  secret: string | null;
}

/** Refusals before a run exists, as the error page's key and status. */
const START_REFUSAL: Record<number, [string, number]> = {
  10001: ["signedOut", 401],
  10002: ["forbidden", 403],
  10006: ["crossSite", 403],
  17001: ["noClient", 404],
};

export async function handleTryStart(r: TryRequest): Promise<void> {
  const { db, tenant, issuer, req, res } = r;
  const locale = pageLocale(req.headers);
  const refuse = (reason: string, status: number) => writePage(res, refusalPage(locale, reason, status));
  if (req.method !== "POST") return refuse("method", 405);
  const ctx = await createContext({ headers: headersOf(req) }, db);
  // The console's session only: a bearer token (user or client) cannot start a browser flow.
  if (ctx.via !== "cookie") return refuse("signedOut", 401);
  if (isCrossSite(headersOf(req), r.host)) return refuse("crossSite", 403);
  const form = await readForm(req, 4096);
  const rowId = form?.get("client") ?? "";
  if (!UUID_RE.test(rowId)) return refuse("noClient", 404);
  let scope;
  let client;
  try {
    scope = guardRequest(ctx, "uc.client.detail");
    client = await getClient(scope, rowId);
  } catch (e) {
    const [reason, status] = (e instanceof AppError && START_REFUSAL[e.appCode]) || ["forbidden", 403];
    return refuse(reason, status);
  }
  // An operator sees every tenant's clients, but a run signs in on this host's tenant: another tenant's client is not here.
  if (client.tenantId !== tenant.id) return refuse("noClient", 404);
  if (!client.grantTypes.includes("authorization_code")) return refuse("noCodeFlow", 400);
  const meta = await findOidcClient(db, tenant.id, client.clientId);
  if (!meta) return refuse("cannotSignIn", 400);
  const authMethod = meta.token_endpoint_auth_method ?? "client_secret_basic";
  if (authMethod !== "none" && authMethod !== "client_secret_basic" && authMethod !== "client_secret_post") return refuse("authMethod", 400);

  const state = oauth.generateRandomState();
  const verifier = oauth.generateRandomCodeVerifier();
  const nonce = oauth.generateRandomNonce();
  const expiresAt = new Date(Date.now() + TRY_TTL_SECONDS * 1000);
  const runScope = tryScope(client.scopes, (await loadIdentityConfig(db, tenant.id)).scopes);
  await db.$transaction(async (tx) => {
    // Runs that never came back leave expired secrets: they can no longer authenticate, and go now.
    await tx.clientSecret.deleteMany({ where: { clientId: client.id, description: TRY_SECRET_DESCRIPTION, expiresAt: { lte: new Date() } } });
    let secretId: string | null = null;
    let sealed: string | null = null;
    if (authMethod !== "none") {
      const s = newSecret();
      const row = await tx.clientSecret.create({
        data: { clientId: client.id, hash: s.hash, hint: s.hint, description: TRY_SECRET_DESCRIPTION, expiresAt },
        select: { id: true },
      });
      secretId = row.id;
      sealed = encryptSecret(s.secret);
    }
    const record: FlowRecord = {
      clientRowId: client.id,
      clientId: client.clientId,
      userId: scope.actor.userId,
      verifier,
      nonce,
      scope: runScope,
      authMethod,
      secretId,
      secret: sealed,
    };
    await tx.$executeRaw`
      INSERT INTO "OidcPayload" ("model", "id", "tenantId", "payload", "expiresAt")
      VALUES (${FLOW_MODEL}, ${state}, ${tenant.id}::uuid, ${JSON.stringify(record)}::jsonb, ${expiresAt}::timestamptz)`;
    await writeAudit(tx, auditActor(scope, client.tenantId), "client.try", client.id, undefined, { scope: runScope, authMethod, secretId });
  });
  const url = new URL("/oidc/auth", issuer);
  url.search = new URLSearchParams({
    client_id: client.clientId,
    response_type: "code",
    redirect_uri: tryRedirectUri(issuer),
    scope: runScope,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    ui_locales: locale,
  }).toString();
  const cookie = sealCookie({ s: state, t: tenant.id, i: issuer, c: client.clientId, e: Math.floor(expiresAt.getTime() / 1000) });
  redirect(res, `${url.pathname}${url.search}`, setCookie(issuer, cookie));
}

// --- Callback -----------------------------------------------------------------------------------

/**
 * oauth4webapi's requests to our own endpoints, sent to this server over loopback with the
 * tenant's host (and, behind trusted proxies, the forwarded host and scheme they would add), so
 * the same provider answers them as answered the browser. Nothing else is reachable through it.
 */
export function loopbackFetch(
  issuer: string,
  port: number,
): (url: string, options: { body?: unknown; headers: Record<string, string>; method: string }) => Promise<Response> {
  const origin = new URL(issuer);
  return (url, options) =>
    new Promise<Response>((resolve, reject) => {
      const u = new URL(url);
      if (u.origin !== origin.origin) return reject(new Error("Try it calls its own issuer only"));
      const headers: Record<string, string> = { ...options.headers, host: origin.host };
      const hops = proxyHops();
      if (hops > 0) {
        headers["x-forwarded-host"] = Array<string>(hops).fill(origin.host).join(", ");
        headers["x-forwarded-proto"] = Array<string>(hops).fill(origin.protocol.slice(0, -1)).join(", ");
      }
      const body = options.body === undefined || options.body === null ? undefined : String(options.body as string | URLSearchParams);
      if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
      const req = http.request({ host: "127.0.0.1", port, method: options.method, path: `${u.pathname}${u.search}`, headers, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : v);
          resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode ?? 500, headers: h }));
        });
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error("Try it: the provider did not answer in time")));
      req.on("error", reject);
      req.end(body);
    });
}

const decodeJwtParts = (token: string) => {
  try {
    return { header: decodeProtectedHeader(token) as Record<string, unknown>, claims: decodeJwt(token) as Record<string, unknown> };
  } catch {
    return null;
  }
};

/** The provider's error as a person reads it: the spec's code and the provider's description. */
function providerError(e: unknown): { code: string; description: string | null } {
  if (e instanceof oauth.ResponseBodyError || e instanceof oauth.AuthorizationResponseError) return { code: e.error, description: e.error_description ?? null };
  if (e instanceof oauth.WWWAuthenticateChallengeError) {
    const p = e.cause[0]?.parameters;
    return { code: p?.error ?? "invalid_token", description: p?.error_description ?? null };
  }
  if (e instanceof oauth.OperationProcessingError) return { code: "invalid_response", description: e.message };
  return { code: "server_error", description: e instanceof Error ? e.message : null };
}

async function storeResult(db: Db, tenantId: string, run: TryRun & { userId: string; clientRowId: string }): Promise<string> {
  const id = randomBytes(18).toString("base64url");
  const expiresAt = new Date(Date.now() + RESULT_TTL_SECONDS * 1000);
  await db.$executeRaw`
    INSERT INTO "OidcPayload" ("model", "id", "tenantId", "payload", "expiresAt")
    VALUES (${TRY_RESULT_MODEL}, ${id}, ${tenantId}::uuid, ${JSON.stringify(run)}::jsonb, ${expiresAt}::timestamptz)`;
  return id;
}

export async function handleTryCallback(r: TryRequest): Promise<void> {
  const { db, tenant, issuer, req, res } = r;
  const locale = pageLocale(req.headers);
  const params = new URL(req.url ?? "/", issuer).searchParams;
  const cookie = readTryCookie(req.headers.cookie, tenant.id, issuer);
  const state = params.get("state");
  // No run in this browser on this tenant (or a forged, expired one), or a state that is not the run's: nothing to finish.
  if (!cookie) return writePage(res, refusalPage(locale, "noRun", 400), { "set-cookie": clearCookie(issuer) });
  if (!state || !sameString(state, cookie.s)) return writePage(res, refusalPage(locale, "badState", 400));
  // One use: of two callbacks with the same state, the second finds no record.
  const [flow] = await db.$queryRaw<{ payload: FlowRecord }[]>`
    DELETE FROM "OidcPayload" WHERE "model" = ${FLOW_MODEL} AND "id" = ${state} AND "tenantId" = ${tenant.id}::uuid AND "expiresAt" > now()
    RETURNING "payload"`;
  if (!flow || flow.payload.clientId !== cookie.c) return writePage(res, refusalPage(locale, "used", 400), { "set-cookie": clearCookie(issuer) });
  const f = flow.payload;
  const run: TryRun = {
    at: new Date().toISOString(),
    clientId: f.clientId,
    scope: f.scope,
    error: null,
    idToken: null,
    accessToken: null,
    refreshToken: null,
    userinfo: null,
  };
  let stage: "authorize" | "token" | "userinfo" = "authorize";
  try {
    const fetchOpts = { [oauth.customFetch]: loopbackFetch(issuer, req.socket.localPort ?? 0), [oauth.allowInsecureRequests]: issuer.startsWith("http:") };
    const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), fetchOpts));
    const client: oauth.Client = { client_id: f.clientId, id_token_signed_response_alg: "ES256" };
    const secret = f.secret ? decryptSecret(f.secret) : null;
    const auth = !secret ? oauth.None() : f.authMethod === "client_secret_post" ? oauth.ClientSecretPost(secret) : oauth.ClientSecretBasic(secret);
    const callbackUrl = new URL(tryRedirectUri(issuer));
    callbackUrl.search = params.toString();
    // The provider's answer: an error it sent back, a missing or wrong `iss`, another state: refused here.
    const answer = oauth.validateAuthResponse(as, client, callbackUrl, state);
    stage = "token";
    const response = await oauth.authorizationCodeGrantRequest(as, client, auth, answer, tryRedirectUri(issuer), f.verifier, fetchOpts);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: f.nonce, requireIdToken: true });
    const idToken = tokens.id_token!;
    const jwks = (await (
      await loopbackFetch(issuer, req.socket.localPort ?? 0)(as.jwks_uri!, { headers: { accept: "application/json" }, method: "GET" })
    ).json()) as JSONWebKeySet;
    const verified = await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: as.issuer, audience: f.clientId, algorithms: ["ES256"] });
    run.idToken = { header: verified.protectedHeader as Record<string, unknown>, claims: verified.payload as Record<string, unknown>, signatureVerified: true };
    const at = decodeJwtParts(tokens.access_token);
    run.accessToken = {
      value: tokens.access_token,
      tokenType: tokens.token_type,
      expiresIn: tokens.expires_in ?? null,
      scope: tokens.scope ?? null,
      header: at?.header ?? null,
      claims: at?.claims ?? null,
    };
    // Never shown, never kept: a refresh token a run got is revoked at once.
    if (tokens.refresh_token) {
      const rv = await oauth.revocationRequest(as, client, auth, tokens.refresh_token, {
        ...fetchOpts,
        additionalParameters: { token_type_hint: "refresh_token" },
      });
      await oauth.processRevocationResponse(rv);
      run.refreshToken = { issued: true, revoked: true };
    }
    stage = "userinfo";
    const sub = String(verified.payload.sub);
    const ui = await oauth.processUserInfoResponse(as, client, sub, await oauth.userInfoRequest(as, client, tokens.access_token, fetchOpts));
    run.userinfo = ui as Record<string, unknown>;
  } catch (e) {
    run.error = { stage, ...providerError(e) };
  } finally {
    if (f.secretId) await db.clientSecret.deleteMany({ where: { id: f.secretId, clientId: f.clientRowId } });
  }
  const id = await storeResult(db, tenant.id, { ...run, userId: f.userId, clientRowId: f.clientRowId });
  redirect(res, `/clients/${f.clientRowId}?tab=integration&run=${id}`, clearCookie(issuer));
}
