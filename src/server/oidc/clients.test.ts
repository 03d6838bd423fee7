/**
 * What a client's settings make the tenant's provider do (issue 13, "Clients in the console"):
 * token endpoint authentication by the registered method (client_secret_basic, client_secret_post,
 * private_key_jwt against the client's JWKS served here on loopback, none for public apps), the
 * client's ID-token and refresh-token lifetimes, machine clients kept out of the code flow, and
 * back-channel logout tokens received by a real HTTP receiver and verified against our JWKS —
 * after RP-initiated logout and after the console freezes the login session. The receiver is on
 * loopback, which the provider's outbound guard refuses (security/outbound.ts): this file lets
 * 127.0.0.1 through with UC_OUTBOUND_ALLOW_ADDRESSES, and shows that without it nothing arrives.
 * The server is the real handler on a real port, driven by openid-client like oidc.test.ts.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as client from "openid-client";
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK } from "jose";
import { Browser as TestBrowser, listenOidc } from "~/test/oidc-browser";
import { setupWorld } from "~/test/fixtures";
import { resetProviders } from "~/server/oidc/provider";
import { backchannelLogoutForLoginSessions } from "~/server/oidc/backchannel";
import { newSecret } from "~/server/services/client";
import type { Prisma } from "~/generated/prisma/client";

const t = setupWorld();
const HOST = "127.0.0.3";
const REDIRECT = "https://app.example.com/callback";
let oidcServer: Awaited<ReturnType<typeof listenOidc>>;
let port = 0;

/** A relying party's own endpoints on loopback: its JWKS (for private_key_jwt) and its back-channel logout receiver. */
let rpServer: http.Server;
let rpPort = 0;
const rpKeys: Record<string, JWK> = {};
const logoutTokens: string[] = [];
let logoutWaiters: (() => void)[] = [];
/** Every request the relying party's server got. */
let rpRequests = 0;

beforeAll(async () => {
  // The relying party listens on loopback: an explicit allowance, as only a test would set it.
  process.env.UC_OUTBOUND_ALLOW_ADDRESSES = "127.0.0.1";
  resetProviders();
  await t.db.tenantHost.create({ data: { tenantId: t.w.tenantB.id, host: HOST } });
  oidcServer = await listenOidc(t.db, { address: HOST });
  port = oidcServer.port;

  rpServer = http.createServer((req, res) => {
    rpRequests++;
    const url = new URL(req.url ?? "/", "http://rp");
    if (req.method === "GET" && url.pathname.startsWith("/jwks/")) {
      const key = rpKeys[url.pathname.slice(6)];
      res.writeHead(key ? 200 : 404, { "content-type": "application/json" });
      return res.end(JSON.stringify({ keys: key ? [key] : [] }));
    }
    if (req.method === "POST" && url.pathname === "/backchannel") {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const token = new URLSearchParams(body).get("logout_token");
        if (token) logoutTokens.push(token);
        res.writeHead(200, { "cache-control": "no-store" });
        res.end();
        logoutWaiters.forEach((w) => w());
        logoutWaiters = [];
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => rpServer.listen(0, "127.0.0.1", resolve));
  rpPort = (rpServer.address() as AddressInfo).port;
});
afterAll(async () => {
  delete process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
  await oidcServer.close();
  await new Promise<void>((resolve) => rpServer.close(() => resolve()));
});

const origin = () => `http://${HOST}:${port}`;
const rpUrl = (path: string) => `http://127.0.0.1:${rpPort}${path}`;

/** The next logout token the receiver gets (waits for it; the test's own timeout bounds the wait). */
function nextLogoutToken(): Promise<string> {
  const have = logoutTokens.length;
  return new Promise((resolve) => {
    const check = () => (logoutTokens.length > have ? resolve(logoutTokens[have]!) : logoutWaiters.push(check));
    check();
  });
}

async function makeClient(data: Partial<Prisma.OAuthClientUncheckedCreateInput> & { secret?: boolean } = {}) {
  const { secret: withSecret = true, ...columns } = data;
  const s = newSecret();
  const row = await t.db.oAuthClient.create({
    data: {
      tenantId: t.w.tenantB.id,
      clientId: `rp-${Math.random().toString(36).slice(2, 10)}`,
      name: "Settings App",
      grantTypes: ["authorization_code", "refresh_token"],
      scopes: [],
      redirectUris: [REDIRECT],
      corsOrigins: [],
      consentRequired: false,
      ...columns,
      ...(withSecret ? { secrets: { create: [{ hash: s.hash, hint: s.hint }] } } : {}),
    },
  });
  return { row, clientId: row.clientId, secret: s.secret };
}

/** Runs `fn` as production would: no allowance, so loopback is refused. */
async function withoutAllowance<T>(fn: () => Promise<T>): Promise<T> {
  delete process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
  try {
    return await fn();
  } finally {
    process.env.UC_OUTBOUND_ALLOW_ADDRESSES = "127.0.0.1";
  }
}

/** A signed-in browser of tenant B (src/test/oidc-browser.ts). */
class Browser extends TestBrowser {
  constructor() {
    super(t.db);
  }
  override signIn(userId: string) {
    return super.signIn(userId, t.w.tenantB.id);
  }
}

async function oauthError(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    const err = e as { error?: string; cause?: { parameters?: { error?: string } }[] };
    return err.error ?? err.cause?.[0]?.parameters?.error;
  }
  throw new Error("expected the call to fail");
}

const configFor = (clientId: string, auth: client.ClientAuth) =>
  client.discovery(new URL(origin()), clientId, { redirect_uris: [REDIRECT] }, auth, { execute: [client.allowInsecureRequests] });

/** Authorize with PKCE in a signed-in browser, back to the app: the callback URL and what to check it with. */
async function authorize(config: client.Configuration, browser: Browser, scope = "openid offline_access") {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    prompt: "consent",
  });
  const r = await browser.follow(url.href);
  expect(r.url.startsWith(REDIRECT)).toBe(true);
  return { callback: new URL(r.url), checks: { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce } };
}

async function signedIn() {
  const browser = new Browser();
  const loginSessionId = await browser.signIn(t.w.plainB.id);
  return { browser, loginSessionId };
}

describe("token endpoint authentication by the registered method", () => {
  it("client_secret_post works, and HTTP Basic is refused for it (and the other way round)", async () => {
    const post = await makeClient({ tokenEndpointAuthMethod: "client_secret_post" });
    const { browser } = await signedIn();
    const good = await configFor(post.clientId, client.ClientSecretPost(post.secret));
    const a = await authorize(good, browser);
    const tokens = await client.authorizationCodeGrant(good, a.callback, a.checks);
    expect(tokens.claims()!.sub).toBe(t.w.plainB.id);
    // The same secret over HTTP Basic: not the method it registered.
    const basicForPost = await configFor(post.clientId, client.ClientSecretBasic(post.secret));
    expect(await oauthError(client.refreshTokenGrant(basicForPost, tokens.refresh_token!))).toBe("invalid_client");
    // And a wrong secret in the body is refused too.
    const wrongPost = await configFor(post.clientId, client.ClientSecretPost("ucs_wrong"));
    expect(await oauthError(client.refreshTokenGrant(wrongPost, tokens.refresh_token!))).toBe("invalid_client");
    expect((await client.refreshTokenGrant(good, tokens.refresh_token!)).access_token).toBeTruthy();

    const basic = await makeClient({ tokenEndpointAuthMethod: "client_secret_basic" });
    const basicConfig = await configFor(basic.clientId, client.ClientSecretBasic(basic.secret));
    const b = await authorize(basicConfig, browser);
    const postForBasic = await configFor(basic.clientId, client.ClientSecretPost(basic.secret));
    expect(await oauthError(client.authorizationCodeGrant(postForBasic, b.callback, b.checks))).toBe("invalid_client");
  });

  it("private_key_jwt: an assertion signed with the key published at the client's JWKS URI works; another key is invalid_client", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: "rp-key-1", alg: "ES256", use: "sig" };
    rpKeys.good = jwk;
    const rp = await makeClient({ tokenEndpointAuthMethod: "private_key_jwt", jwksUri: rpUrl("/jwks/good"), secret: false });
    const { browser } = await signedIn();
    const config = await configFor(rp.clientId, client.PrivateKeyJwt({ key: privateKey as CryptoKey, kid: "rp-key-1" }));
    const a = await authorize(config, browser);
    const tokens = await client.authorizationCodeGrant(config, a.callback, a.checks);
    expect(tokens.claims()!.sub).toBe(t.w.plainB.id);

    const other = await generateKeyPair("ES256");
    const impostor = await configFor(rp.clientId, client.PrivateKeyJwt({ key: other.privateKey as CryptoKey, kid: "rp-key-1" }));
    expect(await oauthError(client.refreshTokenGrant(impostor, tokens.refresh_token!))).toBe("invalid_client");
    // A secret is no way in for a private_key_jwt client either.
    const withSecret = await configFor(rp.clientId, client.ClientSecretBasic("ucs_anything"));
    expect(await oauthError(client.refreshTokenGrant(withSecret, tokens.refresh_token!))).toBe("invalid_client");
    // The real key still refreshes.
    expect((await client.refreshTokenGrant(config, tokens.refresh_token!)).access_token).toBeTruthy();
  });

  it("private_key_jwt: a JWKS URI on an internal address is never fetched (no allowance): invalid_client", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    rpKeys.internal = { ...(await exportJWK(publicKey)), kid: "rp-key-2", alg: "ES256", use: "sig" };
    const rp = await makeClient({ tokenEndpointAuthMethod: "private_key_jwt", jwksUri: rpUrl("/jwks/internal"), secret: false });
    const { browser } = await signedIn();
    const config = await configFor(rp.clientId, client.PrivateKeyJwt({ key: privateKey as CryptoKey, kid: "rp-key-2" }));
    const a = await authorize(config, browser);
    const before = rpRequests;
    expect(await withoutAllowance(() => oauthError(client.authorizationCodeGrant(config, a.callback, a.checks)))).toBe("invalid_client");
    expect(rpRequests).toBe(before);
  });

  it("a SPA is public by its type: it cannot use a secret, even one it has", async () => {
    const spa = await makeClient({ clientType: "spa", tokenEndpointAuthMethod: "none", secret: true });
    const { browser } = await signedIn();
    const asPublic = await configFor(spa.clientId, client.None());
    const a = await authorize(asPublic, browser);
    const withSecret = await configFor(spa.clientId, client.ClientSecretBasic(spa.secret));
    expect(await oauthError(client.authorizationCodeGrant(withSecret, a.callback, a.checks))).toBe("invalid_client");
    const b = await authorize(asPublic, browser);
    expect((await client.authorizationCodeGrant(asPublic, b.callback, b.checks)).claims()!.sub).toBe(t.w.plainB.id);
  });

  it("a web app stays confidential even when a stray 'none' is stored for it", async () => {
    const web = await makeClient({ clientType: "web", tokenEndpointAuthMethod: "none", secret: false });
    const { browser } = await signedIn();
    const asPublic = await configFor(web.clientId, client.None());
    const a = await authorize(asPublic, browser);
    expect(await oauthError(client.authorizationCodeGrant(asPublic, a.callback, a.checks))).toBe("invalid_client");
  });
});

describe("the client's lifetimes", () => {
  it("ID tokens live as long as the client says", async () => {
    const rp = await makeClient({ idTokenLifetime: 123 });
    const { browser } = await signedIn();
    const config = await configFor(rp.clientId, client.ClientSecretBasic(rp.secret));
    const a = await authorize(config, browser);
    const claims = (await client.authorizationCodeGrant(config, a.callback, a.checks)).claims()!;
    expect(claims.exp - claims.iat).toBe(123);
  });

  it("refresh tokens: the idle lifetime each, never past the absolute lifetime from the sign-in", async () => {
    const rp = await makeClient({ refreshTokenAbsoluteLifetime: 3000, refreshTokenIdleLifetime: 600 });
    const { browser } = await signedIn();
    const config = await configFor(rp.clientId, client.ClientSecretBasic(rp.secret));
    const a = await authorize(config, browser);
    const first = await client.authorizationCodeGrant(config, a.callback, a.checks);
    const stored = async (value: string) => {
      const row = await t.db.oidcPayload.findUniqueOrThrow({ where: { model_id: { model: "RefreshToken", id: value } } });
      return row.payload as { iat: number; exp: number; iiat: number };
    };
    const one = await stored(first.refresh_token!);
    expect(one.exp - one.iat).toBe(600);

    // As if the grant began 2900 s ago: the rotated token gets only what is left of the 3000 s.
    const began = one.iiat - 2900;
    await t.db.oidcPayload.update({
      where: { model_id: { model: "RefreshToken", id: first.refresh_token! } },
      data: { payload: { ...one, iiat: began } },
    });
    const second = await client.refreshTokenGrant(config, first.refresh_token!);
    const two = await stored(second.refresh_token!);
    expect(two.iiat).toBe(began);
    expect(two.exp).toBeLessThanOrEqual(began + 3000);
    expect(two.exp).toBeGreaterThanOrEqual(began + 3000 - 1);

    // Past its expiry a refresh token is refused (the absolute end is its expiry).
    await t.db.oidcPayload.update({
      where: { model_id: { model: "RefreshToken", id: second.refresh_token! } },
      data: { payload: { ...two, exp: two.iat - 1 } },
    });
    expect(await oauthError(client.refreshTokenGrant(config, second.refresh_token!))).toBe("invalid_grant");
  });
});

describe("machine clients", () => {
  it("cannot start the code flow: an error page, never a redirect", async () => {
    const machine = await makeClient({ clientType: "machine", grantTypes: ["client_credentials", "authorization_code"] });
    const url = new URL(`${origin()}/oidc/auth`);
    url.search = new URLSearchParams({
      client_id: machine.clientId,
      redirect_uri: REDIRECT,
      response_type: "code",
      scope: "openid",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
    }).toString();
    const { browser } = await signedIn();
    const res = await browser.get(url.href);
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    // Known to the provider for client credentials only: no redirect URI of its own to go back to.
    expect(await res.text()).toMatch(/invalid_redirect_uri|unauthorized_client|invalid_client/);
  });
});

describe("back-channel logout", () => {
  const verify = async (token: string, clientId: string) => {
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${origin()}/oidc/jwks`)), {
      issuer: origin(),
      audience: clientId,
    });
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload.events).toEqual({ "http://schemas.openid.net/event/backchannel-logout": {} });
    expect(payload.nonce).toBeUndefined();
    return payload;
  };

  it("sends a signed logout token on RP-initiated logout", async () => {
    const post = "https://app.example.com/bye";
    const rp = await makeClient({ backchannelLogoutUri: rpUrl("/backchannel"), postLogoutRedirectUris: [post] });
    const { browser } = await signedIn();
    const config = await configFor(rp.clientId, client.ClientSecretBasic(rp.secret));
    const a = await authorize(config, browser, "openid");
    const tokens = await client.authorizationCodeGrant(config, a.callback, a.checks);
    const sid = tokens.claims()!.sid;
    expect(typeof sid).toBe("string");

    const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: post });
    const confirm = await browser.follow(end.href);
    const html = await confirm.res.text();
    const form = /<form[^>]*action="([^"]+)"[\s\S]*?name="xsrf" value="([^"]+)"/.exec(html)!;
    const received = nextLogoutToken();
    const out = await browser.follow(new URL(form[1]!, origin()).href, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: origin() },
      body: new URLSearchParams({ xsrf: form[2]!, logout: "yes" }).toString(),
    });
    expect(out.url).toBe(post);
    const claims = await verify(await received, rp.clientId);
    expect(claims.sub).toBe(t.w.plainB.id);
    expect(claims.sid).toBe(sid);
  });

  it("sends one when the console freezes the login session behind the sign-in", async () => {
    const rp = await makeClient({ backchannelLogoutUri: rpUrl("/backchannel") });
    const quiet = await makeClient({});
    const { browser, loginSessionId } = await signedIn();
    const config = await configFor(rp.clientId, client.ClientSecretBasic(rp.secret));
    const a = await authorize(config, browser, "openid");
    const tokens = await client.authorizationCodeGrant(config, a.callback, a.checks);
    // A second app in the same session, without a back-channel URI: nothing to send it.
    const quietConfig = await configFor(quiet.clientId, client.ClientSecretBasic(quiet.secret));
    await authorize(quietConfig, browser, "openid");

    const received = nextLogoutToken();
    const admin = await t.w.callerFor(t.w.managerB.id);
    await admin.session.freeze({ id: loginSessionId });
    const claims = await verify(await received, rp.clientId);
    expect(claims.sub).toBe(t.w.plainB.id);
    expect(claims.sid).toBe(tokens.claims()!.sid);
  });

  it("posts nothing to an internal address without the allowance, and the same session's token goes once it is set", async () => {
    const rp = await makeClient({ backchannelLogoutUri: rpUrl("/backchannel") });
    const { browser, loginSessionId } = await signedIn();
    const config = await configFor(rp.clientId, client.ClientSecretBasic(rp.secret));
    const a = await authorize(config, browser, "openid");
    await client.authorizationCodeGrant(config, a.callback, a.checks);

    const before = rpRequests;
    expect(await withoutAllowance(() => backchannelLogoutForLoginSessions(t.db, [loginSessionId]))).toEqual({ sent: 0, failed: 1 });
    expect(rpRequests).toBe(before);
    // The refusal was the guard's: allowed, the same call reaches the receiver.
    const received = nextLogoutToken();
    expect(await backchannelLogoutForLoginSessions(t.db, [loginSessionId])).toEqual({ sent: 1, failed: 0 });
    expect(typeof (await received)).toBe("string");
  });
});
