/**
 * Our own API as a resource server of each tenant's OpenID Provider: real relying parties
 * (openid-client, oauth4webapi) get access tokens from the provider and call /api/v1 on a real
 * HTTP server that runs the handlers server.mjs mounts (the provider, and the REST mirror with
 * the same context every API call builds).
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as client from "openid-client";
import * as oauth from "oauth4webapi";
import { SignJWT, importJWK, type JWK } from "jose";
import { setupWorld } from "~/test/fixtures";
import { Browser, codeFlow, jwtPayload, makeTestClient, rpConfig, listenOidc } from "~/test/oidc-browser";
import { handleOidc } from "~/server/oidc/handler";
import { resetProviders } from "~/server/oidc/provider";
import { handleRest } from "~/server/api/rest";
import { decryptSecret } from "~/server/crypto";

const t = setupWorld();
let oidcServer: Awaited<ReturnType<typeof listenOidc>>;
let port = 0;
/** Tenant B answers on 127.0.0.2 here, the default tenant on localhost. */
const B_HOST = "127.0.0.2";
const REDIRECT = "https://app.example.com/callback";

async function restRequest(req: http.IncomingMessage, res: http.ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks);
  const answer = await handleRest(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body }), t.db);
  res.writeHead(answer.status, Object.fromEntries(answer.headers));
  res.end(Buffer.from(await answer.arrayBuffer()));
}

beforeAll(async () => {
  resetProviders();
  await t.db.tenantHost.create({ data: { tenantId: t.w.tenantB.id, host: B_HOST } });
  oidcServer = await listenOidc(t.db, { handle: (req, res) => (req.url?.startsWith("/api/v1/") ? restRequest(req, res) : handleOidc(t.db, req, res)) });
  port = oidcServer.port;
});
afterAll(() => oidcServer.close());

const originA = () => `http://localhost:${port}`;
const originB = () => `http://${B_HOST}:${port}`;
const apiB = () => `${originB()}/api/v1`;
const apiA = () => `${originA()}/api/v1`;

const makeClient = (tenantId: string, opts: { grantTypes?: string[]; scopes?: string[]; firstParty?: boolean } = {}) =>
  makeTestClient(t.db, { tenantId, redirectUris: [REDIRECT], name: "Reports App", firstParty: opts.firstParty ?? true, ...opts });

/** A user of `tenantId` holding one role of their own with `permissions`. */
async function userWith(tenantId: string, name: string, permissions: string[]) {
  await t.db.role.create({ data: { tenantId, name: `role-${name}`, permissions } });
  return t.w.makeUser(tenantId, name, [`role-${name}`]);
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

const call = (url: string, token: string, init: RequestInit = {}) =>
  fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });

/** Signs `userId` of tenant B into a client allowed `scopes` and asks our API for `asked`. */
async function apiTokens(userId: string, clientScopes: string[], asked: string, extra: Record<string, string> = {}) {
  const rp = await makeClient(t.w.tenantB.id, { scopes: clientScopes, ...(extra.firstParty === "no" ? { firstParty: false } : {}) });
  const config = await rpConfig(originB(), rp, REDIRECT);
  const browser = new Browser(t.db);
  const sid = await browser.signIn(userId, t.w.tenantB.id);
  const tokens = await codeFlow(browser, config, REDIRECT, { scope: `openid offline_access ${asked}`, resource: apiB(), prompt: "consent" });
  return { rp, config, browser, sid, tokens };
}

describe("our API's audience", () => {
  it("is published in discovery, per issuer", async () => {
    const a = (await (await fetch(`${originA()}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    const b = (await (await fetch(`${originB()}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(a.uc_api_resource).toBe(apiA());
    expect(b.uc_api_resource).toBe(apiB());
    expect(b.grant_types_supported).toContain("client_credentials");
  });

  it("gives the token our API's audience and only the granted scopes the user holds; /api/v1 honours them", async () => {
    const user = await userWith(t.w.tenantB.id, "reader", ["uc.user.get", "uc.me.detail"]);
    // The client may have uc.user.get, uc.me.detail and uc.apiresource.get, not uc.role.get; the user lacks uc.apiresource.get.
    const { tokens, rp } = await apiTokens(
      user.id,
      ["uc.user.get", "uc.me.detail", "uc.apiresource.get"],
      "uc.user.get uc.me.detail uc.apiresource.get uc.role.get",
    );
    const claims = jwtPayload(tokens.access_token);
    expect(claims).toMatchObject({ aud: apiB(), iss: originB(), sub: user.id, client_id: rp.clientId });
    expect(String(claims.scope).split(" ").sort()).toEqual(["uc.me.detail", "uc.user.get"]);
    expect(tokens.scope?.split(" ")).not.toContain("uc.apiresource.get");

    const users = await call(`${apiB()}/users`, tokens.access_token);
    expect(users.status).toBe(200);
    const me = await call(`${apiB()}/me`, tokens.access_token);
    expect(me.status).toBe(200);
    expect(((await me.json()) as { id: string }).id).toBe(user.id);
    // Neither the user's nor the token's: refused with the scope named.
    for (const path of ["api-resources", "roles"]) {
      const res = await call(`${apiB()}/${path}`, tokens.access_token);
      expect(res.status).toBe(403);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer .*error="insufficient_scope"/);
    }
  });

  it("cuts a refreshed token to what the user still holds, and /api/v1 to what they hold now", async () => {
    const user = await userWith(t.w.tenantB.id, "shrinking", ["uc.user.get", "uc.role.get"]);
    const { tokens, config } = await apiTokens(user.id, ["uc.user.get", "uc.role.get"], "uc.user.get uc.role.get");
    expect(String(jwtPayload(tokens.access_token).scope).split(" ").sort()).toEqual(["uc.role.get", "uc.user.get"]);
    await t.db.role.update({ where: { tenantId_name: { tenantId: t.w.tenantB.id, name: "role-shrinking" } }, data: { permissions: ["uc.user.get"] } });
    // The old token still says uc.role.get, but the user no longer holds it.
    expect((await call(`${apiB()}/roles`, tokens.access_token)).status).toBe(403);
    expect((await call(`${apiB()}/users`, tokens.access_token)).status).toBe(200);
    const fresh = await client.refreshTokenGrant(config, tokens.refresh_token!, { resource: apiB() });
    expect(jwtPayload(fresh.access_token)).toMatchObject({ aud: apiB(), scope: "uc.user.get" });
  });

  it("refuses a token for another API, of another issuer, forged or expired (401 invalid_token)", async () => {
    const other = "https://orders.b.example";
    await t.db.apiResource.create({ data: { tenantId: t.w.tenantB.id, name: other, scopes: ["orders.read"] } });
    const rp = await makeClient(t.w.tenantB.id, { scopes: ["orders.read", "uc.user.get"] });
    const config = await rpConfig(originB(), rp, REDIRECT);
    const browser = new Browser(t.db);
    await browser.signIn(t.w.managerB.id, t.w.tenantB.id);
    const forOrders = await codeFlow(browser, config, REDIRECT, { scope: "openid orders.read", resource: other });
    expect(jwtPayload(forOrders.access_token)).toMatchObject({ aud: other, scope: "orders.read" });
    // The tenant's API names the grant too (the gateway stops the token once the grant ends), but is no token of ours.
    expect(jwtPayload(forOrders.access_token).uc_gid).toEqual(expect.any(String));
    const refused = await call(`${apiB()}/users`, forOrders.access_token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer .*error="invalid_token"/);

    // The opaque access token (for userinfo) is no token of our API either.
    const plain = await codeFlow(browser, config, REDIRECT, { scope: "openid" });
    expect((await call(`${apiB()}/users`, plain.access_token)).status).toBe(401);

    // One of ours, forged: the signature no longer matches.
    const ours = await codeFlow(browser, config, REDIRECT, { scope: "openid uc.user.get", resource: apiB() });
    expect((await call(`${apiB()}/users`, ours.access_token)).status).toBe(200);
    const [h, p] = ours.access_token.split(".");
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...jwtPayload(ours.access_token), scope: "uc.all" })).toString("base64url")}.${ours.access_token.split(".")[2]}`;
    expect(p).not.toBe(tampered.split(".")[1]);
    expect((await call(`${apiB()}/users`, tampered)).status).toBe(401);

    // Signed with our own active key: the same claims pass; expired, or another tenant's issuer, do not.
    const key = await t.db.signingKey.findFirstOrThrow({ where: { retiredAt: null }, orderBy: { createdAt: "desc" } });
    const priv = await importJWK(JSON.parse(decryptSecret(key.privateJwk)) as JWK, "ES256");
    const claims = jwtPayload(ours.access_token);
    const sign = (c: Record<string, unknown>) => new SignJWT(c).setProtectedHeader({ alg: "ES256", kid: key.id, typ: "at+jwt" }).sign(priv);
    const now = Math.floor(Date.now() / 1000);
    expect((await call(`${apiB()}/users`, await sign({ ...claims, iat: now, exp: now + 60 }))).status).toBe(200);
    expect((await call(`${apiB()}/users`, await sign({ ...claims, iat: now - 120, exp: now - 60 }))).status).toBe(401);
    expect((await call(`${apiB()}/users`, await sign({ ...claims, iss: originA(), exp: now + 60 }))).status).toBe(401);
    expect((await call(`${apiB()}/users`, await sign({ ...claims, aud: apiA(), exp: now + 60 }))).status).toBe(401);
    // Without a token at all: a plain challenge.
    const none = await fetch(`${apiB()}/users`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="user-center"');
  });
});

describe("revocation on our API", () => {
  it("stops a token at its next request once its app is revoked in Connected apps", async () => {
    const { tokens, rp } = await apiTokens(t.w.managerB.id, ["uc.user.get", "uc.me.all"], "uc.user.get uc.me.all");
    expect((await call(`${apiB()}/users`, tokens.access_token)).status).toBe(200);
    const apps = (await (await call(`${apiB()}/me/apps`, tokens.access_token)).json()) as { grantId: string; clientId: string }[];
    const app = apps.find((a) => a.clientId === rp.clientId)!;
    expect(app).toBeTruthy();
    // The user revokes it themselves, through the same API and token.
    const revoked = await call(`${apiB()}/me/apps/${app.grantId}`, tokens.access_token, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect((await call(`${apiB()}/users`, tokens.access_token)).status).toBe(401);
    // The audit row names the user, and the client they acted through.
    const row = await t.db.auditLog.findFirstOrThrow({ where: { action: "me.revokeApp", recordId: app.grantId } });
    expect(row.actorId).toBe(t.w.managerB.id);
    expect(row.clientId).toBe(rp.row.id);
  });

  it("stops it when a rotated refresh token is reused (the grant is revoked)", async () => {
    const { tokens, config } = await apiTokens(t.w.managerB.id, ["uc.user.get"], "uc.user.get");
    const rotated = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect((await call(`${apiB()}/users`, rotated.access_token)).status).toBe(200);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    expect((await call(`${apiB()}/users`, rotated.access_token)).status).toBe(401);
    expect((await call(`${apiB()}/users`, tokens.access_token)).status).toBe(401);
  });

  it("stops it when the refresh token is revoked (RFC 7009)", async () => {
    const { tokens, config } = await apiTokens(t.w.managerB.id, ["uc.user.get"], "uc.user.get");
    expect((await call(`${apiB()}/users`, tokens.access_token)).status).toBe(200);
    await client.tokenRevocation(config, tokens.refresh_token!);
    expect((await call(`${apiB()}/users`, tokens.access_token)).status).toBe(401);
  });

  for (const [what, change] of [
    ["frozen", { state: "frozen" }],
    ["forced offline", { state: "offline" }],
    ["deleted", { deletedAt: new Date() }],
  ] as const) {
    it(`stops it when its login session is ${what} in the console`, async () => {
      const { tokens, sid, config } = await apiTokens(t.w.managerB.id, ["uc.user.get"], "uc.user.get");
      // A refreshed token descends from the same login session.
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect((await call(`${apiB()}/users`, refreshed.access_token)).status).toBe(200);
      await t.db.loginSession.update({ where: { id: sid }, data: change });
      expect((await call(`${apiB()}/users`, tokens.access_token)).status).toBe(401);
      expect((await call(`${apiB()}/users`, refreshed.access_token)).status).toBe(401);
    });
  }

  it("stops it when the login session row is gone", async () => {
    const { tokens, sid } = await apiTokens(t.w.managerB.id, ["uc.user.get"], "uc.user.get");
    await t.db.oidcPayload.updateMany({ where: { loginSessionId: sid }, data: { loginSessionId: null } });
    await t.db.loginSession.delete({ where: { id: sid } });
    expect((await call(`${apiB()}/users`, tokens.access_token)).status).toBe(401);
  });

  it("stops it when the user, the client or the tenant is disabled", async () => {
    const user = await userWith(t.w.tenantB.id, "tobedisabled", ["uc.user.get"]);
    const a = await apiTokens(user.id, ["uc.user.get"], "uc.user.get");
    expect((await call(`${apiB()}/users`, a.tokens.access_token)).status).toBe(200);
    await t.db.user.update({ where: { id: user.id }, data: { status: "disabled" } });
    expect((await call(`${apiB()}/users`, a.tokens.access_token)).status).toBe(401);

    const b = await apiTokens(t.w.managerB.id, ["uc.user.get"], "uc.user.get");
    expect((await call(`${apiB()}/users`, b.tokens.access_token)).status).toBe(200);
    await t.db.oAuthClient.update({ where: { id: b.rp.row.id }, data: { enabled: false } });
    expect((await call(`${apiB()}/users`, b.tokens.access_token)).status).toBe(401);

    const c = await apiTokens(t.w.managerB.id, ["uc.user.get"], "uc.user.get");
    expect((await call(`${apiB()}/users`, c.tokens.access_token)).status).toBe(200);
    await t.db.tenant.update({ where: { id: t.w.tenantB.id }, data: { status: "disabled" } });
    try {
      expect((await call(`${apiB()}/users`, c.tokens.access_token)).status).toBe(401);
    } finally {
      await t.db.tenant.update({ where: { id: t.w.tenantB.id }, data: { status: "enabled" } });
    }
  });
});

describe("client credentials on /oidc/token", () => {
  /** The low-level client: a client-credentials grant as any OAuth library sends it. */
  async function clientCredentials(origin: string, c: { clientId: string; secret: string }, params: Record<string, string>) {
    const as = await oauth.processDiscoveryResponse(new URL(origin), await oauth.discoveryRequest(new URL(origin), { [oauth.allowInsecureRequests]: true }));
    const res = await oauth.clientCredentialsGrantRequest(as, { client_id: c.clientId }, oauth.ClientSecretBasic(c.secret), new URLSearchParams(params), {
      [oauth.allowInsecureRequests]: true,
    });
    return { as, res };
  }

  it("issues a machine client a token for our API within its scopes, which /api/v1 accepts", async () => {
    const machine = await makeClient(t.w.tenantB.id, { grantTypes: ["client_credentials"], scopes: ["uc.user.get"] });
    const { as, res } = await clientCredentials(originB(), machine, { resource: apiB(), scope: "uc.user.get uc.role.get" });
    const body = await oauth.processClientCredentialsResponse(as, { client_id: machine.clientId }, res);
    expect(body.scope).toBe("uc.user.get");
    expect(jwtPayload(body.access_token)).toMatchObject({
      aud: apiB(),
      iss: originB(),
      sub: machine.clientId,
      client_id: machine.clientId,
      scope: "uc.user.get",
    });
    expect((await call(`${apiB()}/users`, body.access_token)).status).toBe(200);
    expect((await call(`${apiB()}/roles`, body.access_token)).status).toBe(403);
    // A program is no user: its own account's operations are refused.
    expect((await call(`${apiB()}/me`, body.access_token)).status).toBe(403);

    // No resource and no scope: our API, with everything the client may have (as on /api/oauth/token).
    const plain = await clientCredentials(originB(), machine, {});
    const plainBody = await oauth.processClientCredentialsResponse(plain.as, { client_id: machine.clientId }, plain.res);
    expect(jwtPayload(plainBody.access_token)).toMatchObject({ aud: apiB(), scope: "uc.user.get" });

    // Disabling the client stops its token at once.
    await t.db.oAuthClient.update({ where: { id: machine.row.id }, data: { enabled: false } });
    expect((await call(`${apiB()}/users`, body.access_token)).status).toBe(401);
  });

  it("issues a token for a tenant's API resource, which /api/v1 refuses; a wrong secret is invalid_client", async () => {
    const api = "https://stock.b.example";
    await t.db.apiResource.create({ data: { tenantId: t.w.tenantB.id, name: api, scopes: ["stock.read", "stock.write"] } });
    const machine = await makeClient(t.w.tenantB.id, { grantTypes: ["client_credentials"], scopes: ["stock.read"] });
    const { as, res } = await clientCredentials(originB(), machine, { resource: api, scope: "stock.read stock.write" });
    const body = await oauth.processClientCredentialsResponse(as, { client_id: machine.clientId }, res);
    expect(jwtPayload(body.access_token)).toMatchObject({ aud: api, scope: "stock.read" });
    expect((await call(`${apiB()}/users`, body.access_token)).status).toBe(401);

    const wrong = await clientCredentials(originB(), { clientId: machine.clientId, secret: "ucs_wrong" }, { resource: api });
    expect(wrong.res.status).toBe(401);
    expect(((await wrong.res.json()) as { error: string }).error).toBe("invalid_client");
    // A code-flow-only client may not use the grant.
    const web = await makeClient(t.w.tenantB.id, { scopes: ["uc.user.get"] });
    const refused = await clientCredentials(originB(), web, {});
    expect(refused.res.status).toBe(400);
    expect(((await refused.res.json()) as { error: string }).error).toBe("unauthorized_client");
  });
});

describe("tenant isolation", () => {
  it("refuses one tenant's tokens at every other tenant's endpoints and API", async () => {
    const { tokens, config, rp } = await apiTokens(t.w.managerB.id, ["uc.user.get"], "uc.user.get");
    // Tenant A's client, asking tenant A's provider about tenant B's tokens.
    const rpA = await makeClient(t.w.platform.id, { scopes: ["uc.user.get"] });
    const configA = await rpConfig(originA(), rpA, REDIRECT);
    for (const token of [tokens.access_token, tokens.refresh_token!]) expect((await client.tokenIntrospection(configA, token)).active).toBe(false);
    // B's own client presented to A's provider is unknown there.
    const bOnA = await rpConfig(originA(), rp, REDIRECT);
    expect(await oauthError(client.tokenIntrospection(bOnA, tokens.access_token))).toBe("invalid_client");
    // Revoking at A does nothing to B's tokens.
    await client.tokenRevocation(configA, tokens.refresh_token!);
    expect((await client.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(true);
    // Userinfo of A does not know B's access token (the opaque one for userinfo).
    const browser = new Browser(t.db);
    await browser.signIn(t.w.managerB.id, t.w.tenantB.id);
    const forUserinfo = await codeFlow(browser, config, REDIRECT, { scope: "openid" });
    expect((await call(`${originB()}/oidc/me`, forUserinfo.access_token)).status).toBe(200);
    expect((await call(`${originA()}/oidc/me`, forUserinfo.access_token)).status).toBe(401);

    // Our API on A's host refuses B's token; and B's host refuses A's.
    expect((await call(`${apiB()}/users`, tokens.access_token)).status).toBe(200);
    expect((await call(`${apiA()}/users`, tokens.access_token)).status).toBe(401);
    const userA = await userWith(t.w.platform.id, "readera", ["uc.user.get"]);
    const browserA = new Browser(t.db);
    await browserA.signIn(userA.id, t.w.platform.id);
    const tokA = await codeFlow(browserA, configA, REDIRECT, { scope: "openid uc.user.get", resource: apiA() });
    expect(jwtPayload(tokA.access_token)).toMatchObject({ aud: apiA(), iss: originA(), scope: "uc.user.get" });
    expect((await call(`${apiA()}/users`, tokA.access_token)).status).toBe(200);
    expect((await call(`${apiB()}/users`, tokA.access_token)).status).toBe(401);
    // A's provider does not serve B's API as a resource.
    const cross = await codeFlow(browserA, configA, REDIRECT, { scope: "openid uc.user.get", resource: apiB() }).catch((e: unknown) => e);
    expect(cross).toMatchObject({ error: "invalid_target" });
  });
});

describe("introspection and revocation of JWT access tokens (RFC 7662, RFC 7009)", () => {
  /** oauth4webapi as a client calling the provider's own endpoints, with the client's secret. */
  async function asClient(origin: string, c: { clientId: string; secret: string }) {
    const opts = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(new URL(origin), await oauth.discoveryRequest(new URL(origin), opts));
    const rp = { client_id: c.clientId };
    const auth = oauth.ClientSecretBasic(c.secret);
    return {
      introspect: async (token: string) => oauth.processIntrospectionResponse(as, rp, await oauth.introspectionRequest(as, rp, auth, token, opts)),
      revoke: async (token: string) => oauth.processRevocationResponse(await oauth.revocationRequest(as, rp, auth, token, opts)),
    };
  }

  it("answers for a live token with its claims, and inactive once the token itself is revoked; /api/v1 then refuses it", async () => {
    const { tokens, rp } = await apiTokens(t.w.managerB.id, ["uc.user.get"], "uc.user.get");
    const at = tokens.access_token;
    const claims = jwtPayload(at);
    const b = await asClient(originB(), rp);
    expect(await b.introspect(at)).toMatchObject({
      active: true,
      scope: "uc.user.get",
      client_id: rp.clientId,
      sub: t.w.managerB.id,
      aud: apiB(),
      iss: originB(),
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      token_type: "Bearer",
    });
    // The JWT's jti alone is no token.
    expect((await b.introspect(String(claims.jti))).active).toBe(false);
    // Another client of the same tenant may not look at it.
    const other = await makeClient(t.w.tenantB.id, { scopes: ["uc.user.get"] });
    expect((await (await asClient(originB(), other)).introspect(at)).active).toBe(false);

    expect((await call(`${apiB()}/users`, at)).status).toBe(200);
    await b.revoke(at);
    expect((await b.introspect(at)).active).toBe(false);
    expect((await call(`${apiB()}/users`, at)).status).toBe(401);
    // Only that token: the refresh token and the grant live on.
    const fresh = await client.refreshTokenGrant(await rpConfig(originB(), rp, REDIRECT), tokens.refresh_token!, { resource: apiB() });
    expect((await b.introspect(fresh.access_token)).active).toBe(true);
  });

  it("is inactive once its grant is revoked in Connected apps, or its login session frozen, or its user disabled", async () => {
    const { tokens, rp } = await apiTokens(t.w.managerB.id, ["uc.user.get", "uc.me.all"], "uc.user.get uc.me.all");
    const b = await asClient(originB(), rp);
    expect((await b.introspect(tokens.access_token)).active).toBe(true);
    const apps = (await (await call(`${apiB()}/me/apps`, tokens.access_token)).json()) as { grantId: string; clientId: string }[];
    const app = apps.find((a) => a.clientId === rp.clientId)!;
    expect((await call(`${apiB()}/me/apps/${app.grantId}`, tokens.access_token, { method: "DELETE" })).status).toBe(200);
    expect((await b.introspect(tokens.access_token)).active).toBe(false);
    expect((await b.introspect(tokens.refresh_token!)).active).toBe(false);

    const s = await apiTokens(t.w.managerB.id, ["uc.user.get"], "uc.user.get");
    const bs = await asClient(originB(), s.rp);
    expect((await bs.introspect(s.tokens.access_token)).active).toBe(true);
    await t.db.loginSession.update({ where: { id: s.sid }, data: { state: "frozen" } });
    expect((await bs.introspect(s.tokens.access_token)).active).toBe(false);

    const user = await userWith(t.w.tenantB.id, "introspected", ["uc.user.get"]);
    const u = await apiTokens(user.id, ["uc.user.get"], "uc.user.get");
    const bu = await asClient(originB(), u.rp);
    expect((await bu.introspect(u.tokens.access_token)).active).toBe(true);
    await t.db.user.update({ where: { id: user.id }, data: { status: "disabled" } });
    expect((await bu.introspect(u.tokens.access_token)).active).toBe(false);
  });

  it("answers for a tenant API's token and a client-credentials token; another tenant's provider says inactive", async () => {
    const api = "https://ledger.b.example";
    await t.db.apiResource.create({ data: { tenantId: t.w.tenantB.id, name: api, scopes: ["ledger.read"] } });
    const rp = await makeClient(t.w.tenantB.id, { scopes: ["ledger.read"], grantTypes: ["authorization_code", "refresh_token", "client_credentials"] });
    const config = await rpConfig(originB(), rp, REDIRECT);
    const browser = new Browser(t.db);
    await browser.signIn(t.w.managerB.id, t.w.tenantB.id);
    const forLedger = await codeFlow(browser, config, REDIRECT, { scope: "openid ledger.read", resource: api });
    const b = await asClient(originB(), rp);
    expect(await b.introspect(forLedger.access_token)).toMatchObject({ active: true, aud: api, scope: "ledger.read", sub: t.w.managerB.id });

    const machine = await makeClient(t.w.tenantB.id, { grantTypes: ["client_credentials"], scopes: ["uc.user.get"] });
    const cc = await client.clientCredentialsGrant(await rpConfig(originB(), machine, REDIRECT), { resource: apiB(), scope: "uc.user.get" });
    const m = await asClient(originB(), machine);
    expect(await m.introspect(cc.access_token)).toMatchObject({ active: true, client_id: machine.clientId, aud: apiB(), scope: "uc.user.get" });
    await m.revoke(cc.access_token);
    expect((await m.introspect(cc.access_token)).active).toBe(false);
    expect((await call(`${apiB()}/users`, cc.access_token)).status).toBe(401);

    // Tenant A's provider (another issuer) knows none of B's tokens, even for a client of A.
    const rpA = await makeClient(t.w.platform.id, { scopes: ["uc.user.get"] });
    expect((await (await asClient(originA(), rpA)).introspect(forLedger.access_token)).active).toBe(false);
    // Revoking B's token at A does nothing to it.
    await (await asClient(originA(), rpA)).revoke(forLedger.access_token);
    expect((await b.introspect(forLedger.access_token)).active).toBe(true);
  });
});
