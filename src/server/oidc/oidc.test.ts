/**
 * Each tenant's OpenID Provider driven by a real relying party (openid-client), on a real HTTP
 * server running the same handler server.mjs mounts. The browser is played by plain requests
 * with a cookie jar; the sign-in itself is what the login page leaves behind — a login-session
 * record and next-auth's session cookie naming it — so the hand-off, consent, code exchange,
 * refresh and every refusal run exactly as in production. (e2e/oidc.spec.ts does the same with
 * Chromium and the real login page.)
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as client from "openid-client";
import * as oauth from "oauth4webapi";
import { failure, setupWorld } from "~/test/fixtures";
import { makeTestClient, Browser as TestBrowser, listenOidc } from "~/test/oidc-browser";
import { providerCount, providerFor, resetProviders } from "~/server/oidc/provider";
import { createAdapterFactory } from "~/server/oidc/adapter";

const t = setupWorld();
let oidcServer: Awaited<ReturnType<typeof listenOidc>>;
let port = 0;
/** Tenant B answers on 127.0.0.2 here (a loopback address of its own, bound as its host). */
const B_HOST = "127.0.0.2";
const REDIRECT = "https://app.example.com/callback";

beforeAll(async () => {
  resetProviders();
  await t.db.tenantHost.create({ data: { tenantId: t.w.tenantB.id, host: B_HOST } });
  oidcServer = await listenOidc(t.db);
  port = oidcServer.port;
});
afterAll(() => oidcServer.close());

const originA = () => `http://localhost:${port}`;
const originB = () => `http://${B_HOST}:${port}`;

const makeClient = (tenantId: string, opts: { secret?: boolean; firstParty?: boolean; grantTypes?: string[]; postLogout?: string[]; scopes?: string[] } = {}) =>
  makeTestClient(t.db, { tenantId, redirectUris: [REDIRECT], ...opts });

/** The shared test browser (src/test/oidc-browser.ts) on this file's database. */
class Browser extends TestBrowser {
  constructor() {
    super(t.db);
  }
}

/** The OAuth error code of a refused call, from the body or from a WWW-Authenticate challenge (401). */
async function oauthError(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    const err = e as { error?: string; cause?: { parameters?: { error?: string } }[] };
    return err.error ?? err.cause?.[0]?.parameters?.error;
  }
  throw new Error("expected the call to fail");
}

async function rpConfig(origin: string, c: { clientId: string; secret: string }, publicClient = false) {
  const config = await client.discovery(
    new URL(origin),
    c.clientId,
    { redirect_uris: [REDIRECT] },
    publicClient ? client.None() : client.ClientSecretBasic(c.secret),
    {
      execute: [client.allowInsecureRequests],
    },
  );
  return config;
}

async function authorizeUrl(config: client.Configuration, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: "openid profile email phone offline_access",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    prompt: "consent",
    ...extra,
  });
  // prompt "" leaves the parameter out.
  if (extra.prompt === "") url.searchParams.delete("prompt");
  return { url, verifier, state, nonce };
}

describe("discovery", () => {
  it("publishes each host's own issuer, our ES256 keys and the endpoints under /oidc", async () => {
    const a = (await (await fetch(`${originA()}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(a.issuer).toBe(originA());
    expect(a.authorization_endpoint).toBe(`${originA()}/oidc/auth`);
    expect(a.token_endpoint).toBe(`${originA()}/oidc/token`);
    expect(a.jwks_uri).toBe(`${originA()}/oidc/jwks`);
    expect(a.userinfo_endpoint).toBe(`${originA()}/oidc/me`);
    expect(a.end_session_endpoint).toBe(`${originA()}/oidc/session/end`);
    expect(a.introspection_endpoint).toBe(`${originA()}/oidc/token/introspection`);
    expect(a.revocation_endpoint).toBe(`${originA()}/oidc/token/revocation`);
    expect(a.pushed_authorization_request_endpoint).toBe(`${originA()}/oidc/request`);
    expect(a.response_types_supported).toEqual(["code"]);
    expect(a.code_challenge_methods_supported).toEqual(["S256"]);
    expect(a.id_token_signing_alg_values_supported).toEqual(["ES256"]);
    expect(a.grant_types_supported).not.toContain("implicit");
    expect(a.grant_types_supported).not.toContain("password");
    expect(a.backchannel_logout_supported).toBe(true);
    const b = (await (await fetch(`${originB()}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(b.issuer).toBe(originB());

    const jwks = (await (await fetch(`${originA()}/oidc/jwks`)).json()) as { keys: Record<string, unknown>[] };
    const active = await t.db.signingKey.findFirstOrThrow({ where: { retiredAt: null } });
    expect(jwks.keys[0]).toMatchObject({ kid: active.id, kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    // Public halves only.
    for (const k of jwks.keys) expect(k.d).toBeUndefined();
  });

  it("keeps only a few providers for made-up ports in Host, and never evicts the real issuer's", async () => {
    expect((await fetch(`${originB()}/.well-known/openid-configuration`)).status).toBe(200);
    const real = await providerFor(t.db, t.w.tenantB.id, originB(), port);
    const before = providerCount();
    const discover = (host: string) =>
      new Promise<number>((resolve, reject) => {
        http
          .get({ host: B_HOST, port, path: "/.well-known/openid-configuration", headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on("error", reject);
      });
    for (let p = 1; p <= 8; p++) expect(await discover(`${B_HOST}:${p}`)).toBe(200);
    expect(providerCount()).toBeLessThanOrEqual(before + 2);
    expect(await providerFor(t.db, t.w.tenantB.id, originB(), port)).toBe(real);
  });

  it("answers an unknown host 404", async () => {
    const res = await fetch(`http://127.0.0.3:${port}/.well-known/openid-configuration`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { appCode: number }).appCode).toBe(10007);
  });
});

describe("authorization code flow", () => {
  it("signs a user in through the hand-off, asks consent, exchanges the code, serves userinfo and rotates refresh tokens", async () => {
    const rp = await makeClient(t.w.tenantB.id);
    const config = await rpConfig(originB(), rp);
    const browser = new Browser();
    const { url, verifier, state, nonce } = await authorizeUrl(config, { ui_locales: "en" });

    // No session yet: the provider sends the browser to our login page, which returns to the hand-off.
    const toLogin = await browser.follow(url.href);
    expect(toLogin.res.status).toBe(303);
    const login = new URL(toLogin.res.headers.get("location")!, toLogin.url);
    expect(login.pathname).toBe("/login");
    expect(login.searchParams.get("prompt")).toBe("login");
    const back = login.searchParams.get("callbackUrl")!;
    expect(back).toMatch(/^\/oidc\/interaction\/[\w-]+\/login$/);

    const sid = await browser.signIn(t.w.managerB.id, t.w.tenantB.id);
    const consent = await browser.follow(new URL(back, originB()).href);
    expect(consent.res.status).toBe(200);
    const html = await consent.res.text();
    expect(html).toContain("Allow Demo App to use your account?");
    expect(html).toContain("Profile");
    expect(consent.res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const action = /action="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&");

    const done = await browser.follow(new URL(action, originB()).href, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: originB() },
      body: "decision=allow",
    });
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    const callback = new URL(done.url);
    expect(callback.searchParams.get("iss")).toBe(originB());

    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(originB());
    expect(claims.sub).toBe(t.w.managerB.id);
    expect(claims.aud).toBe(rp.clientId);
    expect(claims.nonce).toBe(nonce);
    expect(claims.amr).toEqual(["pwd"]);
    expect(typeof claims.at_hash).toBe("string");
    expect(tokens.refresh_token).toBeTruthy();

    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ sub: t.w.managerB.id, preferred_username: "ManagerB", email: "manager@b.test", phone_number: "+8615810419011" });

    // Rotation: the new refresh token works, the old one is refused and takes the grant with it.
    const rotated = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(rotated.refresh_token).toBeTruthy();
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(client.refreshTokenGrant(config, rotated.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });

    // Single sign-on: a second authorization of the same browser needs no sign-in. (It asks for
    // consent again: the reused refresh token above revoked the whole grant.)
    const again = await authorizeUrl(config, { prompt: "" });
    const ask = await browser.follow(again.url.href);
    expect(ask.res.status).toBe(200);
    expect(await ask.res.text()).toContain("Allow Demo App to use your account?");
    const sso = await browser.consent(ask.url);
    expect(sso.url.startsWith(REDIRECT)).toBe(true);
    const sso2 = await client.authorizationCodeGrant(config, new URL(sso.url), {
      pkceCodeVerifier: again.verifier,
      expectedState: again.state,
      expectedNonce: again.nonce,
    });
    expect(sso2.claims()!.sub).toBe(t.w.managerB.id);

    // Introspection and revocation (RFC 7662, RFC 7009).
    const active = await client.tokenIntrospection(config, sso2.access_token);
    expect(active).toMatchObject({ active: true, sub: t.w.managerB.id, client_id: rp.clientId });
    await client.tokenRevocation(config, sso2.access_token);
    expect((await client.tokenIntrospection(config, sso2.access_token)).active).toBe(false);

    // Freezing the login session in the console kills its refresh tokens and the SSO at once.
    const third = await authorizeUrl(config);
    const granted = await browser.consent((await browser.follow(third.url.href)).url);
    const live = await client.authorizationCodeGrant(config, new URL(granted.url), {
      pkceCodeVerifier: third.verifier,
      expectedState: third.state,
      expectedNonce: third.nonce,
    });
    const fresh = await client.refreshTokenGrant(config, live.refresh_token!);
    await t.db.loginSession.update({ where: { id: sid }, data: { state: "frozen" } });
    await expect(client.refreshTokenGrant(config, fresh.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    expect(await oauthError(client.fetchUserInfo(config, fresh.access_token, claims.sub))).toBe("invalid_token");
    const afterFreeze = await authorizeUrl(config);
    const relogin = await browser.follow(afterFreeze.url.href);
    expect(new URL(relogin.res.headers.get("location")!, relogin.url).pathname).toBe("/login");
  });

  it("skips consent for a first-party client and honours prompt=login", async () => {
    const rp = await makeClient(t.w.tenantB.id, { firstParty: true });
    const config = await rpConfig(originB(), rp);
    const browser = new Browser();
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);
    const a = await authorizeUrl(config);
    const r = await browser.follow(a.url.href);
    expect(r.url.startsWith(REDIRECT)).toBe(true);
    const tokens = await client.authorizationCodeGrant(config, new URL(r.url), {
      pkceCodeVerifier: a.verifier,
      expectedState: a.state,
      expectedNonce: a.nonce,
    });
    expect(tokens.claims()!.sub).toBe(t.w.plainB.id);
    // A token of one tenant is unknown to every other tenant's provider.
    const elsewhere = await fetch(`${originA()}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(elsewhere.status).toBe(401);
    expect((await fetch(`${originB()}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);

    // prompt=login: the existing session is not enough, the login page is shown even to a signed-in
    // browser (sign-ins are compared to the interaction's start, to the second).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const forced = await authorizeUrl(config, { prompt: "login" });
    const f = await browser.follow(forced.url.href);
    const loc = new URL(f.res.headers.get("location")!, f.url);
    expect(loc.pathname).toBe("/login");
    // Coming back with the old session does not pass for a new sign-in.
    const stale = await browser.follow(new URL(loc.searchParams.get("callbackUrl")!, originB()).href);
    expect(new URL(stale.res.headers.get("location")!, stale.url).pathname).toBe("/login");
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);
    const fresh = await browser.follow(new URL(loc.searchParams.get("callbackUrl")!, originB()).href);
    expect(fresh.url.startsWith(REDIRECT)).toBe(true);
  });

  it("ends the session with RP-initiated logout and returns to a registered post-logout URI", async () => {
    const post = "https://app.example.com/bye";
    const rp = await makeClient(t.w.tenantB.id, { firstParty: true, postLogout: [post] });
    const config = await rpConfig(originB(), rp);
    const browser = new Browser();
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);
    const a = await authorizeUrl(config);
    const r = await browser.follow(a.url.href);
    const tokens = await client.authorizationCodeGrant(config, new URL(r.url), {
      pkceCodeVerifier: a.verifier,
      expectedState: a.state,
      expectedNonce: a.nonce,
    });
    const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: post, state: "s1" });
    const confirm = await browser.follow(end.href);
    expect(confirm.res.status).toBe(200);
    const html = await confirm.res.text();
    expect(html).toContain("Sign out?");
    const form = /<form[^>]*action="([^"]+)"[\s\S]*?name="xsrf" value="([^"]+)"/.exec(html)!;
    const out = await browser.follow(new URL(form[1]!, originB()).href, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: originB() },
      body: new URLSearchParams({ xsrf: form[2]!, logout: "yes" }).toString(),
    });
    expect(out.url).toBe(`${post}?state=s1`);
  });
});

describe("connected apps (My account)", () => {
  it("lists the apps a user granted and revokes one: its grant and tokens end at once", async () => {
    const rp = await makeClient(t.w.tenantB.id, { firstParty: true });
    const config = await rpConfig(originB(), rp);
    const user = await t.w.makeUser(t.w.tenantB.id, "appuser", ["user"]);
    const browser = new Browser();
    await browser.signIn(user.id, t.w.tenantB.id);
    const a = await authorizeUrl(config);
    const r = await browser.follow(a.url.href);
    const tokens = await client.authorizationCodeGrant(config, new URL(r.url), {
      pkceCodeVerifier: a.verifier,
      expectedState: a.state,
      expectedNonce: a.nonce,
    });

    const me = await t.w.callerFor(user.id);
    const apps = await me.me.apps();
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({ clientId: rp.clientId, name: "Demo App" });
    expect(apps[0]!.scopes).toEqual(expect.arrayContaining(["openid", "profile", "offline_access"]));
    // Nobody else sees or ends it.
    const other = await t.w.callerFor(t.w.plainB.id);
    expect((await other.me.apps()).map((x) => x.grantId)).not.toContain(apps[0]!.grantId);
    expect(await failure(() => other.me.revokeApp({ grantId: apps[0]!.grantId }))).toMatchObject({ code: 17010 });

    await me.me.revokeApp({ grantId: apps[0]!.grantId });
    expect(await me.me.apps()).toEqual([]);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    expect(await t.db.auditLog.count({ where: { action: "me.revokeApp", recordId: apps[0]!.grantId } })).toBe(1);
  });
});

/** Signs a user of tenant B into `rp` through the code flow; the tokens and the login session's id. */
async function codeFlow(rp: { clientId: string; secret: string }, userId: string) {
  const config = await rpConfig(originB(), rp);
  const browser = new Browser();
  const sid = await browser.signIn(userId, t.w.tenantB.id);
  const a = await authorizeUrl(config);
  const r = await browser.follow(a.url.href);
  const tokens = await client.authorizationCodeGrant(config, new URL(r.url), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });
  return { config, sid, tokens };
}

describe("the login session behind the tokens", () => {
  it("ends refreshes and userinfo once the login session is past its absolute lifetime", async () => {
    const rp = await makeClient(t.w.tenantB.id, { firstParty: true });
    const { config, sid, tokens } = await codeFlow(rp, t.w.plainB.id);
    const sub = tokens.claims()!.sub;
    const fresh = await client.refreshTokenGrant(config, tokens.refresh_token!);
    // Still "active" in the row: only its expiry says it is over.
    await t.db.loginSession.update({ where: { id: sid }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(client.refreshTokenGrant(config, fresh.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    expect(await oauthError(client.fetchUserInfo(config, fresh.access_token, sub))).toBe("invalid_token");
  });

  it("ends them too once the login session has been idle past its limit", async () => {
    const rp = await makeClient(t.w.tenantB.id, { firstParty: true });
    const { config, sid, tokens } = await codeFlow(rp, t.w.plainB.id);
    await t.db.loginSession.update({ where: { id: sid }, data: { lastSeenAt: new Date(Date.now() - 2 * 24 * 3600_000) } });
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  });
});

describe("resource indicators (RFC 8707)", () => {
  it("gives an access token for an API resource its audience and only the scopes it offers", async () => {
    const api = "https://api.b.example";
    await t.db.apiScope.createMany({
      data: [
        { tenantId: t.w.tenantB.id, name: "orders.read" },
        { tenantId: t.w.tenantB.id, name: "orders.write" },
      ],
    });
    await t.db.apiResource.create({ data: { tenantId: t.w.tenantB.id, name: api, scopes: ["orders.read"] } });
    const rp = await makeClient(t.w.tenantB.id, { firstParty: true, scopes: ["orders.read", "orders.write"] });
    const config = await rpConfig(originB(), rp);
    const browser = new Browser();
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);
    const a = await authorizeUrl(config, { scope: "openid orders.read orders.write", resource: api, prompt: "" });
    const r = await browser.follow(a.url.href);
    expect(r.url.startsWith(REDIRECT)).toBe(true);
    const tokens = await client.authorizationCodeGrant(config, new URL(r.url), {
      pkceCodeVerifier: a.verifier,
      expectedState: a.state,
      expectedNonce: a.nonce,
    });
    const [header, payload] = tokens.access_token
      .split(".")
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>);
    expect(header).toMatchObject({ alg: "ES256", typ: "at+jwt" });
    expect(payload).toMatchObject({ aud: api, scope: "orders.read", sub: t.w.plainB.id, iss: originB(), client_id: rp.clientId });

    // A resource of no API of this tenant is refused.
    const bad = await authorizeUrl(config, { scope: "openid", resource: "https://api.unknown.example", prompt: "" });
    const refused = await browser.get(bad.url.href);
    expect(new URL(refused.headers.get("location")!).searchParams.get("error")).toBe("invalid_target");
  });
});

describe("resource indicators: the client's own scopes", () => {
  const api = "https://inventory.b.example";
  const accessTokenScope = (jwt: string) => (JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { scope: string }).scope;

  it("gives a client only those of the resource's scopes it is allowed, and refuses one allowed none", async () => {
    await t.db.apiResource.create({ data: { tenantId: t.w.tenantB.id, name: api, scopes: ["inventory.read", "inventory.write"] } });
    const browser = new Browser();
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);

    const one = await makeClient(t.w.tenantB.id, { firstParty: true, scopes: ["inventory.read"] });
    const config = await rpConfig(originB(), one);
    const a = await authorizeUrl(config, { scope: "openid inventory.read inventory.write", resource: api, prompt: "" });
    const r = await browser.follow(a.url.href);
    const tokens = await client.authorizationCodeGrant(config, new URL(r.url), {
      pkceCodeVerifier: a.verifier,
      expectedState: a.state,
      expectedNonce: a.nonce,
    });
    expect(accessTokenScope(tokens.access_token)).toBe("inventory.read");

    const none = await makeClient(t.w.tenantB.id, { firstParty: true, scopes: ["uc.me.all"] });
    const noneConfig = await rpConfig(originB(), none);
    const bad = await authorizeUrl(noneConfig, { scope: "openid inventory.read", resource: api, prompt: "" });
    const refused = await browser.get(bad.url.href);
    expect(new URL(refused.headers.get("location")!).searchParams.get("error")).toBe("invalid_target");
  });
});

describe("a client's identity scopes (OAuthClient.scopes)", () => {
  /** The error an authorization request is redirected back with (the library checks scopes before any sign-in). */
  const errorOf = async (browser: Browser, config: client.Configuration, scope: string) => {
    const a = await authorizeUrl(config, { scope, prompt: "" });
    const r = await browser.get(a.url.href);
    return new URL(r.headers.get("location")!).searchParams.get("error");
  };
  const signInWith = async (browser: Browser, config: client.Configuration, scope: string) => {
    const a = await authorizeUrl(config, { scope, prompt: "" });
    const r = await browser.follow(a.url.href);
    const tokens = await client.authorizationCodeGrant(config, new URL(r.url), {
      pkceCodeVerifier: a.verifier,
      expectedState: a.state,
      expectedNonce: a.nonce,
    });
    return tokens.scope?.split(" ").sort();
  };

  it("a client that lists identity scopes gets those and openid; asking for another is invalid_scope", async () => {
    const rp = await makeClient(t.w.tenantB.id, { firstParty: true, scopes: ["email", "uc.me.all"] });
    const config = await rpConfig(originB(), rp);
    const browser = new Browser();
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);
    expect(await signInWith(browser, config, "openid email")).toEqual(["email", "openid"]);
    for (const scope of ["openid profile", "openid email phone", "openid address"]) expect(await errorOf(browser, config, scope), scope).toBe("invalid_scope");
  });

  it("one that lists none (the console's default) may ask for the standard scopes, never for the tenant's own resources", async () => {
    const admin = await t.w.callerFor(t.w.managerB.id);
    await admin.identityResource.create({ name: "badge", displayName: "Badge", claims: ["badge_no"] });
    const browser = new Browser();
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);

    const plain = await makeClient(t.w.tenantB.id, { firstParty: true });
    const plainConfig = await rpConfig(originB(), plain);
    expect(await signInWith(browser, plainConfig, "openid profile email phone address")).toEqual(["address", "email", "openid", "phone", "profile"]);
    expect(await errorOf(browser, plainConfig, "openid badge")).toBe("invalid_scope");

    // Listed, the resource is asked for and granted; the standard ones not listed are not.
    const badged = await makeClient(t.w.tenantB.id, { firstParty: true, scopes: ["badge"] });
    const badgedConfig = await rpConfig(originB(), badged);
    expect(await signInWith(browser, badgedConfig, "openid badge")).toEqual(["badge", "openid"]);
    expect(await errorOf(browser, badgedConfig, "openid profile")).toBe("invalid_scope");
  });
});

describe("adapter", () => {
  it("consumes a code once: a second (racing) redemption throws invalid_grant, and another tenant's id is not touched", async () => {
    const Adapter = createAdapterFactory(t.db, t.w.tenantB.id);
    const codes = new Adapter("AuthorizationCode");
    const id = `code-${Math.random().toString(36).slice(2)}`;
    await codes.upsert(id, { jti: id, kind: "AuthorizationCode" }, 60);
    const results = await Promise.allSettled([codes.consume(id), codes.consume(id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { error: "invalid_grant" } });
    await expect(codes.consume(id)).rejects.toMatchObject({ error: "invalid_grant" });
    expect((await codes.find(id))?.consumed).toBeTypeOf("number");
    await expect(new (createAdapterFactory(t.db, t.w.platform.id))("AuthorizationCode").consume(id)).rejects.toMatchObject({ error: "invalid_grant" });
  });
});

describe("refusals", () => {
  it("never redirects to an unregistered redirect_uri: our error page instead", async () => {
    const rp = await makeClient(t.w.tenantB.id);
    const config = await rpConfig(originB(), rp);
    const { url } = await authorizeUrl(config, { redirect_uri: "https://evil.example.com/cb" });
    const res = await new Browser().get(url.href);
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    const html = await res.text();
    expect(html).toContain("Sign-in could not continue");
    expect(html).toContain("invalid_redirect_uri");
  });

  it("refuses an authorization request without PKCE (invalid_request, back to the app)", async () => {
    const rp = await makeClient(t.w.tenantB.id);
    const config = await rpConfig(originB(), rp);
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: "openid", state: "x" });
    const res = await new Browser().get(url.href);
    expect(res.status).toBe(303);
    const back = new URL(res.headers.get("location")!);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get("error")).toBe("invalid_request");
    expect(back.searchParams.get("error_description")).toMatch(/PKCE/);
  });

  it("refuses implicit and hybrid response types", async () => {
    const rp = await makeClient(t.w.tenantB.id);
    const config = await rpConfig(originB(), rp);
    const a = await authorizeUrl(config, { response_type: "id_token token" });
    const res = await new Browser().get(a.url.href);
    const back = new URL(res.headers.get("location") ?? "http://x/");
    const error = back.searchParams.get("error") ?? new URLSearchParams(back.hash.slice(1)).get("error");
    expect(error).toBe("unsupported_response_type");
  });

  it("uses a code once: a second exchange is invalid_grant and revokes what the first issued", async () => {
    const rp = await makeClient(t.w.tenantB.id, { firstParty: true });
    const config = await rpConfig(originB(), rp);
    const browser = new Browser();
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);
    const a = await authorizeUrl(config);
    const r = await browser.follow(a.url.href);
    const code = new URL(r.url).searchParams.get("code")!;
    const first = await client.authorizationCodeGrant(config, new URL(r.url), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });
    expect((await client.tokenIntrospection(config, first.access_token)).active).toBe(true);

    // The low-level client, so nothing in the RP library stops the replay.
    const as = await oauth.processDiscoveryResponse(
      new URL(originB()),
      await oauth.discoveryRequest(new URL(originB()), { [oauth.allowInsecureRequests]: true }),
    );
    const params = oauth.validateAuthResponse(as, { client_id: rp.clientId }, new URL(r.url), a.state);
    expect(params.get("code")).toBe(code);
    const res = await oauth.authorizationCodeGrantRequest(as, { client_id: rp.clientId }, oauth.ClientSecretBasic(rp.secret), params, REDIRECT, a.verifier, {
      [oauth.allowInsecureRequests]: true,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_grant");
    expect((await client.tokenIntrospection(config, first.access_token)).active).toBe(false);
  });

  it("refuses a wrong PKCE verifier (invalid_grant)", async () => {
    const rp = await makeClient(t.w.tenantB.id, { firstParty: true });
    const config = await rpConfig(originB(), rp);
    const browser = new Browser();
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);
    const a = await authorizeUrl(config);
    const r = await browser.follow(a.url.href);
    await expect(
      client.authorizationCodeGrant(config, new URL(r.url), {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: a.state,
        expectedNonce: a.nonce,
      }),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("does not know another tenant's client, nor a wrong secret (invalid_client)", async () => {
    const rpA = await makeClient(t.w.platform.id);
    // Tenant B's issuer with tenant A's client: unknown.
    const configOnB = await rpConfig(originB(), rpA);
    const { url } = await authorizeUrl(configOnB);
    const res = await new Browser().get(url.href);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("invalid_client");
    expect(await oauthError(client.refreshTokenGrant(configOnB, "x"))).toBe("invalid_client");

    const rpB = await makeClient(t.w.tenantB.id);
    const wrong = await rpConfig(originB(), { clientId: rpB.clientId, secret: "ucs_wrong" });
    expect(await oauthError(client.refreshTokenGrant(wrong, "x"))).toBe("invalid_client");
  });

  it("keeps a client whose secrets all expired confidential: without a secret its token request is invalid_client", async () => {
    const rp = await makeClient(t.w.tenantB.id, { firstParty: true });
    await t.db.clientSecret.updateMany({ where: { clientId: rp.row.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    // And one that may use client_credentials, even with no secret row at all.
    const machine = await makeClient(t.w.tenantB.id, { firstParty: true, secret: false, grantTypes: ["authorization_code", "client_credentials"] });
    const browser = new Browser();
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);
    for (const c of [rp, machine]) {
      const config = await rpConfig(originB(), c, true);
      const a = await authorizeUrl(config, { scope: "openid" });
      const r = await browser.follow(a.url.href);
      expect(r.url.startsWith(REDIRECT)).toBe(true);
      const err = await oauthError(
        client.authorizationCodeGrant(config, new URL(r.url), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce }),
      );
      expect(err).toBe("invalid_client");
    }
    // The expired secret itself is no key either.
    const withOld = await rpConfig(originB(), rp);
    const a = await authorizeUrl(withOld, { scope: "openid" });
    const r = await browser.follow(a.url.href);
    expect(
      await oauthError(
        client.authorizationCodeGrant(withOld, new URL(r.url), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce }),
      ),
    ).toBe("invalid_client");
  });

  it("lets a public client (no secret) use the code flow with PKCE only", async () => {
    const rp = await makeClient(t.w.tenantB.id, { secret: false, firstParty: true });
    const config = await rpConfig(originB(), rp, true);
    const browser = new Browser();
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);
    const a = await authorizeUrl(config);
    const r = await browser.follow(a.url.href);
    const tokens = await client.authorizationCodeGrant(config, new URL(r.url), {
      pkceCodeVerifier: a.verifier,
      expectedState: a.state,
      expectedNonce: a.nonce,
    });
    expect(tokens.claims()!.sub).toBe(t.w.plainB.id);
  });

  it("does not let a session of one tenant sign in on another tenant's provider", async () => {
    const rpA = await makeClient(t.w.platform.id, { firstParty: true });
    const config = await rpConfig(originA(), rpA);
    const browser = new Browser();
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);
    const a = await authorizeUrl(config);
    const r = await browser.follow(a.url.href);
    expect(new URL(r.res.headers.get("location")!, r.url).pathname).toBe("/login");
  });

  it("sends a user whose password an administrator chose to change it first", async () => {
    const rp = await makeClient(t.w.tenantB.id, { firstParty: true });
    const config = await rpConfig(originB(), rp);
    const user = await t.w.makeUser(t.w.tenantB.id, "mustchange", ["user"]);
    await t.db.user.update({ where: { id: user.id }, data: { mustChangePassword: true } });
    const browser = new Browser();
    await browser.signIn(user.id, t.w.tenantB.id);
    const a = await authorizeUrl(config);
    const r = await browser.follow(a.url.href);
    expect(r.res.status).toBe(303);
    expect(r.res.headers.get("location")).toBe("/");
  });

  it("stops a disabled client at once", async () => {
    const rp = await makeClient(t.w.tenantB.id, { firstParty: true });
    const config = await rpConfig(originB(), rp);
    await t.db.oAuthClient.update({ where: { id: rp.row.id }, data: { enabled: false } });
    const { url } = await authorizeUrl(config);
    const res = await new Browser().get(url.href);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("invalid_client");
  });
});

describe("claims by scope, verified flags and custom identity resources", () => {
  it("releases only what the granted scopes allow, with *_verified from the code checks", async () => {
    const rp = await makeClient(t.w.tenantB.id, { firstParty: true });
    const user = await t.w.makeUser(t.w.tenantB.id, "claimsuser", ["user"]);
    await t.db.user.update({
      where: { id: user.id },
      data: { email: "claims@b.test", emailVerifiedAt: new Date(), phone: "+86-13900000001", phoneVerifiedAt: null, nickname: "Claimy" },
    });
    const config = await rpConfig(originB(), rp);
    const browser = new Browser();
    await browser.signIn(user.id, t.w.tenantB.id);

    const a = await authorizeUrl(config, { scope: "openid email" });
    const r = await browser.follow(a.url.href);
    const tokens = await client.authorizationCodeGrant(config, new URL(r.url), {
      pkceCodeVerifier: a.verifier,
      expectedState: a.state,
      expectedNonce: a.nonce,
    });
    // The ID token (an access token came with it, so its scope claims are at userinfo: Core §5.4)
    // holds nothing the scopes do not allow.
    const id = tokens.claims()!;
    expect(id.sub).toBe(user.id);
    for (const k of ["phone_number", "phone_number_verified", "preferred_username", "nickname", "name"]) expect(id[k]).toBeUndefined();
    const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
    expect(info).toMatchObject({ email: "claims@b.test", email_verified: true });
    expect(info.phone_number).toBeUndefined();
    expect(info.nickname).toBeUndefined();

    const b = await authorizeUrl(config, { scope: "openid phone profile" });
    const r2 = await browser.follow(b.url.href);
    const t2 = await client.authorizationCodeGrant(config, new URL(r2.url), { pkceCodeVerifier: b.verifier, expectedState: b.state, expectedNonce: b.nonce });
    const info2 = await client.fetchUserInfo(config, t2.access_token, user.id);
    expect(info2).toMatchObject({ phone_number: "+8613900000001", phone_number_verified: false, nickname: "Claimy", preferred_username: "claimsuser" });
    expect(info2.email).toBeUndefined();
    expect(info2.email_verified).toBeUndefined();
  });

  it("serves a tenant's own identity resource as a scope whose claims come from the user's claims and properties", async () => {
    const admin = await t.w.callerFor(t.w.managerB.id);
    await admin.identityResource.create({
      name: "employee",
      displayName: "Employee record",
      description: "Department and staff number",
      claims: ["department", "staff_no", "iss"],
    });
    // A tenant's own identity resource is the client's only once it is listed (clients.ts, identityScopeOf).
    const rp = await makeClient(t.w.tenantB.id, { scopes: ["openid", "profile", "employee"] });
    const user = await t.w.makeUser(t.w.tenantB.id, "employee1", ["user"]);
    await t.db.user.update({ where: { id: user.id }, data: { properties: { staff_no: "E-042", unrelated: "x" } } });
    await t.db.userClaim.createMany({
      data: [
        { tenantId: t.w.tenantB.id, userId: user.id, type: "department", value: "sales" },
        { tenantId: t.w.tenantB.id, userId: user.id, type: "department", value: "apac" },
        { tenantId: t.w.tenantB.id, userId: user.id, type: "secret_level", value: "9" },
      ],
    });
    const disc = (await (await fetch(`${originB()}/.well-known/openid-configuration`)).json()) as { scopes_supported: string[]; claims_supported: string[] };
    expect(disc.scopes_supported).toContain("employee");
    expect(disc.claims_supported).toEqual(expect.arrayContaining(["department", "staff_no"]));
    expect(disc.claims_supported).not.toContain("secret_level");

    const config = await rpConfig(originB(), rp);
    const browser = new Browser();
    await browser.signIn(user.id, t.w.tenantB.id);
    const a = await authorizeUrl(config, { scope: "openid employee", ui_locales: "en" });
    const ask = await browser.follow(a.url.href);
    const html = await ask.res.text();
    // The consent page names the resource as the tenant wrote it.
    expect(html).toContain("Employee record");
    expect(html).toContain("Department and staff number");
    const done = await browser.consent(ask.url);
    const tokens = await client.authorizationCodeGrant(config, new URL(done.url), {
      pkceCodeVerifier: a.verifier,
      expectedState: a.state,
      expectedNonce: a.nonce,
    });
    const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
    expect(info.department).toEqual(["apac", "sales"]);
    expect(info.staff_no).toBe("E-042");
    expect(info.unrelated).toBeUndefined();
    expect(info.secret_level).toBeUndefined();
    // A reserved name listed on the resource changes nothing.
    expect(info.iss).toBeUndefined();
    expect(tokens.claims()!.iss).toBe(originB());

    // Without the scope, none of it.
    const b = await authorizeUrl(config, { scope: "openid profile" });
    const r2 = await browser.consent((await browser.follow(b.url.href)).url);
    const t2 = await client.authorizationCodeGrant(config, new URL(r2.url), { pkceCodeVerifier: b.verifier, expectedState: b.state, expectedNonce: b.nonce });
    const info2 = await client.fetchUserInfo(config, t2.access_token, user.id);
    expect(info2.department).toBeUndefined();
    expect(info2.staff_no).toBeUndefined();
  });
});

describe("remember my choice", () => {
  const noPrompt = async (config: client.Configuration) => {
    const a = await authorizeUrl(config, { scope: "openid profile", prompt: "" });
    return a;
  };
  const confirm = (browser: Browser, url: string, remember: boolean) => {
    const uid = /\/oidc\/interaction\/([\w-]+)/.exec(url)![1]!;
    return browser.follow(new URL(`/oidc/interaction/${uid}/confirm`, url).href, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(url).origin },
      body: remember ? "decision=allow&remember=1" : "decision=allow",
    });
  };

  it("unticked: asked again next time; ticked: the next authorization of the same scopes skips consent", async () => {
    const rp = await makeClient(t.w.tenantB.id);
    const config = await rpConfig(originB(), rp);
    const browser = new Browser();
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);

    const first = await browser.follow((await noPrompt(config)).url.href);
    const html = await first.res.text();
    expect(html).toMatch(/<input type="checkbox" name="remember" value="1" checked>/);
    expect(html).toContain("Remember my choice");
    const once = await confirm(browser, first.url, false);
    expect(once.url.startsWith(REDIRECT)).toBe(true);

    const second = await browser.follow((await noPrompt(config)).url.href);
    expect(second.res.status).toBe(200);
    expect(await second.res.text()).toContain("Allow Demo App to use your account?");
    const kept = await confirm(browser, second.url, true);
    expect(kept.url.startsWith(REDIRECT)).toBe(true);

    const third = await noPrompt(config);
    const straight = await browser.follow(third.url.href);
    expect(straight.url.startsWith(REDIRECT)).toBe(true);
    const tokens = await client.authorizationCodeGrant(config, new URL(straight.url), {
      pkceCodeVerifier: third.verifier,
      expectedState: third.state,
      expectedNonce: third.nonce,
    });
    expect(tokens.claims()!.sub).toBe(t.w.plainB.id);

    // A scope not granted yet is asked for.
    const more = await authorizeUrl(config, { scope: "openid profile email", prompt: "" });
    const ask = await browser.follow(more.url.href);
    expect(ask.res.status).toBe(200);
    const askHtml = await ask.res.text();
    expect(askHtml).toContain("Email");
    expect(askHtml).not.toContain("<strong>Profile</strong>");
  });

  /** RP-initiated logout of the whole provider session, confirmed on our page; where it ends. */
  const logout = async (browser: Browser, config: client.Configuration, idToken: string, post: string) => {
    const end = client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: post });
    const html = await (await browser.follow(end.href)).res.text();
    const form = /<form[^>]*action="([^"]+)"[\s\S]*?name="xsrf" value="([^"]+)"/.exec(html)!;
    const out = await browser.follow(new URL(form[1]!, originB()).href, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: originB() },
      body: new URLSearchParams({ xsrf: form[2]!, logout: "yes" }).toString(),
    });
    return out.url;
  };

  it("carries a remembered consent over to new provider sessions (after logout, in another sign-in) until it is revoked in Connected apps", async () => {
    const post = "https://app.example.com/bye";
    const rp = await makeClient(t.w.tenantB.id, { postLogout: [post] });
    const config = await rpConfig(originB(), rp);
    const user = await t.w.makeUser(t.w.tenantB.id, "rememberer", ["user"]);
    const browser = new Browser();
    const sid = await browser.signIn(user.id, t.w.tenantB.id);
    const code = async (b: Browser, a: Awaited<ReturnType<typeof authorizeUrl>>, url: string) =>
      client.authorizationCodeGrant(config, new URL(url), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });

    const first = await authorizeUrl(config, { scope: "openid profile email", prompt: "" });
    const page = await browser.follow(first.url.href);
    expect(await page.res.text()).toContain("Allow Demo App to use your account?");
    const tokens = await code(browser, first, (await confirm(browser, page.url, true)).url);

    // RP-initiated logout: the provider session and the app's tokens end, the remembered choice does not.
    expect((await logout(browser, config, tokens.id_token!, post)).startsWith(post)).toBe(true);
    expect(browser.jar.has("uc_oidc_session")).toBe(false);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    // The same scopes, or fewer, in the new provider session: no consent page.
    const again = await authorizeUrl(config, { scope: "openid profile", prompt: "" });
    const straight = await browser.follow(again.url.href);
    expect(straight.url.startsWith(REDIRECT)).toBe(true);
    expect((await code(browser, again, straight.url)).claims()!.sub).toBe(user.id);

    // The login session ends; another browser signs in anew: still remembered, and one connected app.
    await t.db.loginSession.update({ where: { id: sid }, data: { state: "offline" } });
    const other = new Browser();
    await other.signIn(user.id, t.w.tenantB.id);
    const third = await authorizeUrl(config, { scope: "openid profile email", prompt: "" });
    const skipped = await other.follow(third.url.href);
    expect(skipped.url.startsWith(REDIRECT)).toBe(true);
    const live = await code(other, third, skipped.url);
    expect((await client.tokenIntrospection(config, live.access_token)).active).toBe(true);
    // A scope never granted is asked for, alone.
    const wider = await other.follow((await authorizeUrl(config, { scope: "openid profile email phone", prompt: "" })).url.href);
    expect(wider.res.status).toBe(200);
    const widerHtml = await wider.res.text();
    expect(widerHtml).toContain("<strong>Phone</strong>");
    expect(widerHtml).not.toContain("<strong>Email</strong>");

    const me = await t.w.callerFor(user.id);
    const apps = await me.me.apps();
    expect(apps.map((a) => a.clientId)).toEqual([rp.clientId]);
    // Revoked in Connected apps: asked again, in this session and in a new one.
    await me.me.revokeApp({ grantId: apps[0]!.grantId });
    expect((await client.tokenIntrospection(config, live.access_token)).active).toBe(false);
    const asked = await other.follow((await authorizeUrl(config, { scope: "openid profile", prompt: "" })).url.href);
    expect(asked.res.status).toBe(200);
    expect(await asked.res.text()).toContain("Allow Demo App to use your account?");
    const fresh = new Browser();
    await fresh.signIn(user.id, t.w.tenantB.id);
    const askedAgain = await fresh.follow((await authorizeUrl(config, { scope: "openid profile", prompt: "" })).url.href);
    expect(askedAgain.res.status).toBe(200);
    expect(await askedAgain.res.text()).toContain("Allow Demo App to use your account?");
  });

  it("does not carry a consent given for one authorization only over to a new session, and logout ends it", async () => {
    const post = "https://app.example.com/bye";
    const rp = await makeClient(t.w.tenantB.id, { postLogout: [post] });
    const config = await rpConfig(originB(), rp);
    const user = await t.w.makeUser(t.w.tenantB.id, "forgetter", ["user"]);
    const browser = new Browser();
    await browser.signIn(user.id, t.w.tenantB.id);
    const a = await noPrompt(config);
    const page = await browser.follow(a.url.href);
    const done = await confirm(browser, page.url, false);
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    const tokens = await client.authorizationCodeGrant(config, new URL(done.url), {
      pkceCodeVerifier: a.verifier,
      expectedState: a.state,
      expectedNonce: a.nonce,
    });
    const other = new Browser();
    await other.signIn(user.id, t.w.tenantB.id);
    const asked = await other.follow((await noPrompt(config)).url.href);
    expect(asked.res.status).toBe(200);
    expect(await asked.res.text()).toContain("Allow Demo App to use your account?");
    // Logout keeps only remembered grants: this one is no connected app any more.
    const me = await t.w.callerFor(user.id);
    expect(await me.me.apps()).toHaveLength(1);
    expect((await logout(browser, config, tokens.id_token!, post)).startsWith(post)).toBe(true);
    expect(await me.me.apps()).toHaveLength(0);
  });
});

describe("our own error pages", () => {
  it("words every error per code in the app's ui_locales, never the library's description, and keeps the code", async () => {
    const rp = await makeClient(t.w.tenantB.id);
    const config = await rpConfig(originB(), rp);
    const zh = await authorizeUrl(config, { redirect_uri: "https://evil.example.com/cb", ui_locales: "zh-CN en" });
    // The browser says English; the app asked for Chinese.
    const res = await new Browser().get(zh.url.href);
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN"');
    expect(html).toContain("无法继续登录");
    expect(html).toContain("应用要求返回一个未登记的地址");
    expect(html).toContain("invalid_redirect_uri");
    expect(html).not.toContain("did not match any of the client");

    const en = await authorizeUrl(config, { redirect_uri: "https://evil.example.com/cb", ui_locales: "en-GB" });
    const enRes = await fetch(en.url.href, { headers: { "accept-language": "zh-CN" }, redirect: "manual" });
    const enHtml = await enRes.text();
    expect(enHtml).toContain('<html lang="en"');
    expect(enHtml).toContain("has not registered");

    // A client of no tenant here: invalid_client in our words.
    const unknown = await rpConfig(originB(), { clientId: "no-such-client", secret: "x" });
    const u = await authorizeUrl(unknown, { ui_locales: "en" });
    const uHtml = await (await new Browser().get(u.url.href)).text();
    expect(uHtml).toContain("This app is unknown here, or it is switched off.");
    expect(uHtml).toContain("invalid_client");

    // An interaction that is gone (another browser): session_not_found, an invalid_request to the spec.
    const gone = await new Browser().get(`${originB()}/oidc/interaction/no-such-uid`);
    expect(gone.status).toBe(400);
    const goneHtml = await gone.text();
    expect(goneHtml).toContain("This sign-in request has expired or was opened in another browser.");
    expect(goneHtml).toContain("invalid_request");
  });

  it("hands the app's ui_locales on to the login page and the consent page", async () => {
    const rp = await makeClient(t.w.tenantB.id);
    const config = await rpConfig(originB(), rp);
    const browser = new Browser();
    const a = await authorizeUrl(config, { ui_locales: "zh-CN", login_hint: "plainb" });
    const toLogin = await browser.follow(a.url.href);
    const login = new URL(toLogin.res.headers.get("location")!, toLogin.url);
    expect(login.searchParams.get("login_hint")).toBe("plainb");
    // The language cookie of this sign-in, which our pages (and the login page) read first.
    const key = /^zh-CN:([\w-]{22})$/.exec(browser.jar.get("uc_ui_locale") ?? "")?.[1];
    expect(key).toBeTruthy();
    await browser.signIn(t.w.plainB.id, t.w.tenantB.id);
    const consent = await browser.follow(new URL(login.searchParams.get("callbackUrl")!, originB()).href);
    expect(await consent.res.text()).toContain("允许 Demo App 使用你的账号？");
    // The user switched to English on the login page: the rest of this sign-in follows them.
    browser.jar.set("uc_ui_locale", `en:${key}`);
    const again = await browser.follow(consent.url);
    expect(await again.res.text()).toContain("Allow Demo App to use your account?");
    const done = await browser.consent(again.url);
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    // Finished: the cookie goes.
    expect(browser.jar.has("uc_ui_locale")).toBe(false);
  });
});
