/**
 * Test helpers for driving a tenant's OpenID Provider as a relying party would: a browser played
 * by plain requests with a cookie jar, and the sign-in the login page leaves behind (a login
 * session and next-auth's cookie naming it).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as client from "openid-client";
import { encode } from "next-auth/jwt";
import type { Db } from "~/server/db";
import { createLoginSession } from "~/server/services/session";
import { getSecrets } from "~/server/secrets";
import { newSecret } from "~/server/services/client";
import { prepareRequest } from "~/server/http-front.js";
import { handleOidc } from "~/server/oidc/handler";

/** A browser: cookies by name (the provider's are path-scoped, and flows run one at a time). */
export class Browser {
  jar = new Map<string, string>();
  constructor(private readonly db: Db) {}
  async get(url: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set("cookie", [...this.jar].map(([k, v]) => `${k}=${v}`).join("; "));
    if (!headers.has("accept-language")) headers.set("accept-language", "en");
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = !value || attrs.some((a) => /^\s*(max-age=0|expires=Thu, 01 Jan 1970)/i.test(a));
      if (expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }
  /** Follows redirects on the provider's origin; stops at the first one elsewhere (the app's redirect_uri) or at a page. */
  async follow(url: string, init: RequestInit = {}) {
    let res = await this.get(url, init);
    let at = url;
    for (let i = 0; i < 12 && res.status >= 300 && res.status < 400; i++) {
      const next = new URL(res.headers.get("location")!, at);
      if (next.origin !== new URL(at).origin || !next.pathname.startsWith("/oidc/")) return { res, url: next.href };
      at = next.href;
      res = await this.get(at);
    }
    return { res, url: at };
  }
  /** Answers the consent page at `url` (the interaction's) with `decision`, following on to the app. */
  async consent(url: string, decision: "allow" | "deny" = "allow") {
    const uid = /\/oidc\/interaction\/([\w-]+)/.exec(url)![1]!;
    return this.follow(new URL(`/oidc/interaction/${uid}/confirm`, url).href, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(url).origin },
      body: `decision=${decision}`,
    });
  }
  /** What the login page leaves behind after a successful sign-in: a login session and next-auth's cookie. */
  async signIn(userId: string, tenantId: string, site: "web" | "admin" = "web") {
    const s = await createLoginSession(this.db, { tenantId, userId, site, method: "password" });
    const token = await encode({ token: { sub: userId, sid: s.id, jti: s.id }, secret: getSecrets().authSecret });
    this.jar.set("next-auth.session-token", token);
    return s.id;
  }
}

/** A relying party's configuration from the issuer's discovery (plain HTTP allowed: loopback tests). */
export const rpConfig = (origin: string, c: { clientId: string; secret: string }, redirectUri: string) =>
  client.discovery(new URL(origin), c.clientId, { redirect_uris: [redirectUri] }, client.ClientSecretBasic(c.secret), {
    execute: [client.allowInsecureRequests],
  });

/** The code flow for a signed-in browser, consenting when asked; the tokens. */
export async function codeFlow(browser: Browser, config: client.Configuration, redirectUri: string, params: Record<string, string>) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...params,
  });
  let r = await browser.follow(url.href);
  if (r.res.status === 200 && /\/oidc\/interaction\//.test(r.url)) r = await browser.consent(r.url);
  if (!r.url.startsWith(redirectUri)) throw new Error(`the flow did not come back to the app: ${r.res.status} ${r.url}`);
  return client.authorizationCodeGrant(config, new URL(r.url), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
}

/** A JWT's payload, unverified (tests read what the provider put in). */
export const jwtPayload = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

export interface TestClientOptions {
  tenantId: string;
  redirectUris: string[];
  /** false: no secret row (a public SPA unless it may use client credentials); default: one secret. */
  secret?: boolean;
  /** A first-party app: no consent page. */
  firstParty?: boolean;
  grantTypes?: string[];
  scopes?: string[];
  postLogout?: string[];
  name?: string;
  prefix?: string;
}

/**
 * An OAuth client row as the console makes them: a machine client when it has no code flow, a
 * SPA without a secret, else a web app with one secret (its plaintext returned).
 */
export async function makeTestClient(db: Db, o: TestClientOptions) {
  const s = newSecret();
  const grantTypes = o.grantTypes ?? ["authorization_code", "refresh_token"];
  const signIn = grantTypes.includes("authorization_code");
  // No secret and no client credentials: a public app; client credentials keep it a confidential web app.
  const publicApp = signIn && o.secret === false && !grantTypes.includes("client_credentials");
  const row = await db.oAuthClient.create({
    data: {
      tenantId: o.tenantId,
      clientId: `${o.prefix ?? "rp"}-${Math.random().toString(36).slice(2, 10)}`,
      name: o.name ?? "Demo App",
      clientType: !signIn ? "machine" : publicApp ? "spa" : "web",
      tokenEndpointAuthMethod: publicApp ? "none" : "client_secret_basic",
      grantTypes,
      scopes: o.scopes ?? [],
      redirectUris: signIn ? o.redirectUris : [],
      postLogoutRedirectUris: o.postLogout ?? [],
      corsOrigins: [],
      consentRequired: !(o.firstParty ?? false),
      ...(o.secret === false ? {} : { secrets: { create: [{ hash: s.hash, hint: s.hint }] } }),
    },
  });
  return { row, clientId: row.clientId, secret: s.secret };
}

/**
 * The provider's handler, as server.mjs mounts it, on an HTTP server on a free port of `address`
 * (every loopback name by default); `handle` may route some paths elsewhere (our REST API).
 */
export async function listenOidc(
  db: Db,
  opts: { address?: string; handle?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<unknown> } = {},
): Promise<{ port: number; close: () => Promise<void> }> {
  const handle = opts.handle ?? ((req, res) => handleOidc(db, req, res));
  const server = http.createServer((req, res) => {
    prepareRequest(req, 0);
    handle(req, res).catch((e: unknown) => {
      console.error(e);
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, opts.address ?? "::", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
