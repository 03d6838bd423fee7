import { beforeAll, describe, expect, it } from "vitest";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { handleRest } from "~/server/api/rest";
import { failure, setupWorld } from "~/test/fixtures";
import { createCaller } from "~/server/api/root";
import { createContext } from "~/server/api/context";
import { handleTokenRequest } from "~/server/services/oauth-token";
import { publicJwks, rotateSigningKey, tokenIssuer } from "~/server/services/tokens";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
let developerB: { id: string };
let developer2B: { id: string };
let adminA: { id: string };

beforeAll(async () => {
  w = t.w;
  db = t.db;
  developerB = await w.makeUser(w.tenantB.id, "devb", ["developer"]);
  developer2B = await w.makeUser(w.tenantB.id, "devb2", ["developer"]);
  adminA = await w.makeUser(w.platform.id, "admina", ["administrator"]);
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
function tokenRequest(body: Record<string, string>, headers: Record<string, string> = {}, host = "b.test") {
  const req = new Request(`http://${host}/api/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(body).toString(),
  });
  return handleTokenRequest(db, req, host);
}

/** Calls the REST mirror in-process, exactly as /api/v1 does, on this test's database. */
function rest(method: string, path: string, token: string, body?: unknown, host = "b.test") {
  const req = new Request(`http://${host}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, host, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return handleRest(req, db);
}

async function newClient(userId: string, scopes: string[], extra: Record<string, unknown> = {}, tenant = w.tenantB) {
  const caller = await w.callerFor(userId, tenant);
  const client = await caller.client.create({ name: `c-${Math.random().toString(36).slice(2, 8)}`, scopes, ...extra });
  const secret = await caller.client.createSecret({ id: client.id });
  return { caller, client, secret: secret.secret };
}

describe("client router", () => {
  it("creates a client with a secret shown once, stored as SHA-256 only, and never listed", async () => {
    const { caller, client, secret } = await newClient(w.managerB.id, ["uc.user.get"]);
    expect(client.clientId).toMatch(/^[0-9a-f]{24}$/);
    expect(client.tokenLifetime).toBe(300);
    expect(secret.length).toBeGreaterThanOrEqual(32); // 256 random bits
    const rows = await db.clientSecret.findMany({ where: { clientId: client.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.hash).not.toContain(secret);
    expect(secret.startsWith(rows[0]!.hint.replace("…", ""))).toBe(true);

    const detail = await caller.client.detail({ id: client.id });
    const list = await caller.client.list({});
    expect(detail.secrets).toHaveLength(1);
    expect(JSON.stringify([detail, list])).not.toContain(secret);
    expect(list.items.find((c) => c.id === client.id)?.secretCount).toBe(1);
    const audit = await db.auditLog.findMany({ where: { recordId: client.id } });
    expect(audit.map((a) => a.action).sort()).toEqual(["client.create", "client.secret.create"]);
    expect(JSON.stringify(audit)).not.toContain(secret);
    expect(JSON.stringify(audit)).not.toContain(rows[0]!.hash);
  });

  it("keeps tenants apart: another tenant's administrator sees nothing and cannot touch it", async () => {
    const { client } = await newClient(w.managerB.id, []);
    const a = await w.callerFor(adminA.id, w.platform);
    expect((await a.client.list({ take: 100 })).items.map((c) => c.id)).not.toContain(client.id);
    expect(await failure(() => a.client.detail({ id: client.id }))).toMatchObject({ code: 17001, trpc: "NOT_FOUND" });
    expect(await failure(() => a.client.update({ id: client.id, name: "hijack" }))).toMatchObject({ code: 17001 });
    expect(await failure(() => a.client.createSecret({ id: client.id }))).toMatchObject({ code: 17001 });
    expect(await failure(() => a.client.delete({ id: client.id }))).toMatchObject({ code: 17001 });
    expect(await db.oAuthClient.count({ where: { id: client.id, name: { not: "hijack" } } })).toBe(1);
  });

  it("lets developers manage only the clients they own, and grant only scopes they hold", async () => {
    const dev = await w.callerFor(developerB.id);
    const mine = await dev.client.create({ name: "dev app", scopes: ["uc.client.get"] });
    expect(mine.ownerId).toBe(developerB.id);
    const { client: adminsClient } = await newClient(w.managerB.id, []);
    expect((await dev.client.list({ take: 100 })).items.map((c) => c.id)).toEqual([mine.id]);
    expect(await failure(() => dev.client.detail({ id: adminsClient.id }))).toMatchObject({ code: 17001 });
    const other = await w.callerFor(developer2B.id);
    expect(await failure(() => other.client.delete({ id: mine.id }))).toMatchObject({ code: 17001 });
    // A developer does not hold uc.user.get, so cannot hand it to a client.
    expect(await failure(() => dev.client.create({ name: "too strong", scopes: ["uc.user.get"] }))).toMatchObject({ code: 17007 });
    expect(await failure(() => dev.client.update({ id: mine.id, name: "dev app", scopes: ["uc.all"] }))).toMatchObject({ code: 17007 });
    // Administrators may (the spec lets them configure any registry scope); unknown codes never pass.
    const admin = await w.callerFor(w.managerB.id);
    expect(await failure(() => admin.client.create({ name: "bogus", scopes: ["uc.nothing.get"] }))).toMatchObject({ trpc: "BAD_REQUEST" });
    // A plain user has no client permissions at all.
    const plain = await w.callerFor(w.plainB.id);
    expect(await failure(() => plain.client.list({}))).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
  });

  it("takes scopes that exist in the client's tenant: identity resources, API scopes, offline_access, permission codes", async () => {
    await db.identityResource.upsert({
      where: { tenantId_name: { tenantId: w.tenantB.id, name: "openid" } },
      create: { tenantId: w.tenantB.id, name: "openid", claims: ["sub"], standard: true },
      update: {},
    });
    await db.apiScope.create({ data: { tenantId: w.tenantB.id, name: "orders.read", displayName: "Read orders", claims: [] } });
    await db.apiScope.create({ data: { tenantId: w.platform.id, name: "elsewhere.read", claims: [] } });
    const admin = await w.callerFor(w.managerB.id);
    const web = { clientType: "web" as const, grantTypes: ["authorization_code" as const], redirectUris: ["https://app.example.com/cb"] };
    const made = await admin.client.create({ name: "Scoped app", ...web, scopes: ["openid", "orders.read", "offline_access", "uc.me.all"] });
    expect(made.scopes).toEqual(["openid", "orders.read", "offline_access", "uc.me.all"]);
    // Another tenant's API scope, or one nobody defined, is named on its field.
    const refused = await failure(() => admin.client.create({ name: "Bad scopes", ...web, scopes: ["openid", "elsewhere.read", "nosuch"] }));
    expect(refused).toMatchObject({ code: 17011, trpc: "BAD_REQUEST" });
    expect(Object.keys(refused.fields ?? {}).sort()).toEqual(["scopes.1", "scopes.2"]);
    const choices = await admin.client.scopeChoices({});
    expect(choices.api.map((x) => x.name)).toContain("orders.read");
    expect(choices.api.map((x) => x.name)).not.toContain("elsewhere.read");
    expect(choices.identity.map((x) => x.name)).toContain("openid");
  });

  it("validates grant types and token lifetime bounds", async () => {
    const admin = await w.callerFor(w.managerB.id);
    expect(await failure(() => admin.client.create({ name: "x1", grantTypes: ["password" as "client_credentials"] }))).toMatchObject({ trpc: "BAD_REQUEST" });
    expect(await failure(() => admin.client.create({ name: "x2", tokenLifetime: 10 }))).toMatchObject({ trpc: "BAD_REQUEST" });
    expect(await failure(() => admin.client.create({ name: "x3", tokenLifetime: 100_000 }))).toMatchObject({ trpc: "BAD_REQUEST" });
  });

  it("keeps a sign-in client's code-flow grants, post-logout URIs and consent setting", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const made = await admin.client.create({
      name: "Sign-in app",
      grantTypes: ["authorization_code", "refresh_token"],
      redirectUris: ["https://app.example.com/cb"],
      postLogoutRedirectUris: ["https://app.example.com/bye"],
      consentRequired: false,
    });
    expect(made).toMatchObject({
      grantTypes: ["authorization_code", "refresh_token"],
      postLogoutRedirectUris: ["https://app.example.com/bye"],
      consentRequired: false,
    });
    const edited = await admin.client.update({
      id: made.id,
      name: made.name,
      grantTypes: ["authorization_code"],
      redirectUris: made.redirectUris,
      postLogoutRedirectUris: [],
      consentRequired: true,
    });
    expect(edited).toMatchObject({ postLogoutRedirectUris: [], consentRequired: true });
    expect(await failure(() => admin.client.create({ name: "x4", postLogoutRedirectUris: ["javascript:alert(1)"] }))).toMatchObject({ trpc: "BAD_REQUEST" });
  });

  it("deletes a secret, after which it no longer authenticates", async () => {
    const { caller, client, secret } = await newClient(w.managerB.id, ["uc.client.get"]);
    const ok = await tokenRequest({ grant_type: "client_credentials" }, { authorization: basic(client.clientId, secret) });
    expect(ok.status).toBe(200);
    const [s] = (await caller.client.detail({ id: client.id })).secrets;
    await caller.client.deleteSecret({ id: client.id, secretId: s!.id });
    const res = await tokenRequest({ grant_type: "client_credentials" }, { authorization: basic(client.clientId, secret) });
    expect(res.status).toBe(401);
  });
});

describe("POST /api/oauth/token", () => {
  it("issues an ES256 JWT by Basic auth, verifiable with the JWKS, with the documented claims", async () => {
    const { client, secret } = await newClient(w.managerB.id, ["uc.user.get", "uc.role.all"], { tokenLifetime: 600 });
    const res = await tokenRequest({ grant_type: "client_credentials" }, { authorization: basic(client.clientId, secret) });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 600, scope: "uc.user.get uc.role.all" });
    const { payload, protectedHeader } = await jwtVerify(body.access_token, createLocalJWKSet(await publicJwks(db)), {
      issuer: tokenIssuer(w.tenantB.id),
      audience: "urn:user-center:api",
    });
    expect(protectedHeader).toMatchObject({ alg: "ES256" });
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload).toMatchObject({ sub: client.clientId, client_id: client.clientId, tid: w.tenantB.id, scope: "uc.user.get uc.role.all" });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(payload.jti).toMatch(/^[0-9a-f]{32}$/);
  });

  it("accepts body credentials, narrows scopes, and refuses what is beyond them", async () => {
    const { client, secret } = await newClient(w.managerB.id, ["uc.role.all", "uc.user.get"]);
    const creds = { grant_type: "client_credentials", client_id: client.clientId, client_secret: secret };
    const narrowed = await tokenRequest({ ...creds, scope: "uc.role.get uc.role.detail" });
    expect(narrowed.status).toBe(200);
    expect(decodeJwt(((await narrowed.json()) as { access_token: string }).access_token).scope).toBe("uc.role.get uc.role.detail");
    const beyond = await tokenRequest({ ...creds, scope: "uc.role.get uc.user.delete" });
    expect(beyond.status).toBe(400);
    expect(await beyond.json()).toMatchObject({ error: "invalid_scope" });
    expect((await tokenRequest({ ...creds, scope: "uc.all" })).status).toBe(400);
  });

  it("answers RFC 6749 §5.2 errors", async () => {
    const { client, secret } = await newClient(w.managerB.id, ["uc.client.get"]);
    const wrong = await tokenRequest({ grant_type: "client_credentials" }, { authorization: basic(client.clientId, `${secret}x`) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect(await wrong.json()).toMatchObject({ error: "invalid_client" });
    const bodyWrong = await tokenRequest({ grant_type: "client_credentials", client_id: client.clientId, client_secret: "nope" });
    expect(bodyWrong.status).toBe(401);
    const both = await tokenRequest(
      { grant_type: "client_credentials", client_id: client.clientId, client_secret: secret },
      { authorization: basic(client.clientId, secret) },
    );
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ error: "invalid_request" });
    const grant = await tokenRequest({ grant_type: "password" }, { authorization: basic(client.clientId, secret) });
    expect(await grant.json()).toMatchObject({ error: "unsupported_grant_type" });
    expect(await (await tokenRequest({}, { authorization: basic(client.clientId, secret) })).json()).toMatchObject({ error: "invalid_request" });
    const json = await handleTokenRequest(
      db,
      new Request("http://b.test/api/oauth/token", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
      "b.test",
    );
    expect(await json.json()).toMatchObject({ error: "invalid_request" });
    // The right secret on another tenant's host is not this client.
    expect((await tokenRequest({ grant_type: "client_credentials" }, { authorization: basic(client.clientId, secret) }, "localhost")).status).toBe(401);
    // No grant type allowed: unauthorized_client.
    await db.oAuthClient.update({ where: { id: client.id }, data: { grantTypes: [] } });
    expect(await (await tokenRequest({ grant_type: "client_credentials" }, { authorization: basic(client.clientId, secret) })).json()).toMatchObject({
      error: "unauthorized_client",
    });
  });

  it("refuses expired secrets, disabled clients and disabled tenants", async () => {
    const { client, secret } = await newClient(w.managerB.id, ["uc.client.get"]);
    await db.clientSecret.updateMany({ where: { clientId: client.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await tokenRequest({ grant_type: "client_credentials" }, { authorization: basic(client.clientId, secret) })).status).toBe(401);
    const second = await newClient(w.managerB.id, ["uc.client.get"]);
    const auth = { authorization: basic(second.client.clientId, second.secret) };
    await second.caller.client.update({ id: second.client.id, name: second.client.name, scopes: ["uc.client.get"], enabled: false });
    expect((await tokenRequest({ grant_type: "client_credentials" }, auth)).status).toBe(401);
    await second.caller.client.update({ id: second.client.id, name: second.client.name, scopes: ["uc.client.get"], enabled: true });
    expect((await tokenRequest({ grant_type: "client_credentials" }, auth)).status).toBe(200);
    await db.tenant.update({ where: { id: w.tenantB.id }, data: { status: "disabled" } });
    try {
      expect((await tokenRequest({ grant_type: "client_credentials" }, auth)).status).toBe(401);
    } finally {
      await db.tenant.update({ where: { id: w.tenantB.id }, data: { status: "enabled" } });
    }
  });

  it("control characters in any parameter: invalid_client / invalid_request / invalid_scope, never a 500, no lookup made", async () => {
    const { client, secret } = await newClient(w.managerB.id, ["uc.client.get"]);
    const rawBasic = (id: string, pw: string) => `Basic ${Buffer.from(`${id}:${pw}`).toString("base64")}`;
    const answer = async (res: Response) => ({ status: res.status, error: ((await res.json()) as { error: string }).error });
    const grant = { grant_type: "client_credentials" };
    for (const bad of ["a\u0000b", "a\u0001b", "a\u007fb", `${client.clientId}\u0000`]) {
      expect(await answer(await tokenRequest({ ...grant, client_id: bad, client_secret: secret }))).toEqual({ status: 401, error: "invalid_client" });
      expect(await answer(await tokenRequest({ ...grant, client_id: client.clientId, client_secret: `${secret}${bad}` }))).toEqual({
        status: 401,
        error: "invalid_client",
      });
      const viaBasic = await tokenRequest(grant, { authorization: basic(bad, secret) });
      expect(viaBasic.headers.get("www-authenticate")).toMatch(/^Basic/);
      expect(await answer(viaBasic)).toEqual({ status: 401, error: "invalid_client" });
      // A raw NUL inside the Basic header's base64 (not form-encoded) too.
      expect(await answer(await tokenRequest(grant, { authorization: rawBasic(bad, secret) }))).toEqual({ status: 401, error: "invalid_client" });
      expect(await answer(await tokenRequest({ grant_type: `client_credentials${bad}` }, { authorization: basic(client.clientId, secret) }))).toEqual({
        status: 400,
        error: "invalid_request",
      });
      expect(await answer(await tokenRequest({ ...grant, scope: `uc.client.get ${bad}` }, { authorization: basic(client.clientId, secret) }))).toEqual({
        status: 400,
        error: "invalid_scope",
      });
    }
    // The service refuses such text itself, whoever calls it.
    const { exchangeClientCredentials } = await import("~/server/services/client");
    expect(await exchangeClientCredentials(db, "b.test", { clientId: "a\u0000b", secret }, undefined)).toMatchObject({ ok: false, error: "invalid_client" });
    expect(await exchangeClientCredentials(db, "b.test", { clientId: "a\ud800b", secret }, undefined)).toMatchObject({ ok: false, error: "invalid_client" });
    // And the right credentials still work.
    expect((await tokenRequest(grant, { authorization: basic(client.clientId, secret) })).status).toBe(200);
  });

  it("keeps tokens signed before a key rotation verifiable until they expire", async () => {
    const { client, secret } = await newClient(w.managerB.id, ["uc.client.get"], { tokenLifetime: 12 * 3600 });
    const auth = { authorization: basic(client.clientId, secret) };
    const before = ((await (await tokenRequest({ grant_type: "client_credentials" }, auth)).json()) as { access_token: string }).access_token;
    await rotateSigningKey(db);
    const after = ((await (await tokenRequest({ grant_type: "client_credentials" }, auth)).json()) as { access_token: string }).access_token;
    const jwks = createLocalJWKSet(await publicJwks(db));
    const a = await jwtVerify(before, jwks);
    const b = await jwtVerify(after, jwks);
    expect(a.protectedHeader.kid).not.toBe(b.protectedHeader.kid);
    // The old token still calls the API after the rotation.
    expect((await rest("GET", "/clients", before)).status).toBe(200);
    // The retired key stays published longer than the longest client token lives.
    const { PUBLISH_RETIRED_MS, CLIENT_TOKEN_MAX_SECONDS } = await import("~/server/services/tokens");
    expect(PUBLISH_RETIRED_MS).toBeGreaterThan(CLIENT_TOKEN_MAX_SECONDS * 1000);
  });
});

describe("client tokens on tRPC and /api/v1", () => {
  it("may call exactly what its scopes cover, in its own tenant only", async () => {
    const { client, secret } = await newClient(w.managerB.id, ["uc.client.get", "uc.client.detail", "uc.identityresource.all"]);
    const res = await tokenRequest({ grant_type: "client_credentials", client_id: client.clientId, client_secret: secret });
    const { access_token: token } = (await res.json()) as { access_token: string };

    const list = await rest("GET", "/clients?take=100", token);
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: { id: string }[] }).items.map((c) => c.id)).toContain(client.id);
    const ids = await rest("GET", "/identity-resources", token);
    expect(((await ids.json()) as { total: number }).total).toBe(5);

    // Outside its scopes: 403 with 17005 Insufficient scope.
    const denied = await rest("GET", "/tenants", token);
    expect(denied.status).toBe(403);
    expect(JSON.stringify(await denied.json())).toContain("17005");
    expect((await rest("POST", "/clients", token, { name: "made by a client" })).status).toBe(403);
    // Procedures that need a user refuse it whatever its scopes.
    const me = await rest("GET", "/me", token);
    expect(me.status).toBe(403);
    expect(JSON.stringify(await me.json())).toContain("17006");

    // Another tenant's records are invisible; on another tenant's host the token is no identity.
    const { client: foreign } = await newClient(adminA.id, [], {}, w.platform);
    expect((await rest("GET", `/clients/${foreign.id}`, token)).status).toBe(404);
    expect((await rest("GET", "/clients", token, undefined, "localhost")).status).toBe(401);

    // The same through tRPC with the HTTP context.
    const ctx = await createContext(new Request("http://b.test/api/trpc/client.list", { headers: { host: "b.test", authorization: `Bearer ${token}` } }), db);
    expect(ctx.actor?.client?.clientId).toBe(client.clientId);
    const caller = createCaller(ctx);
    expect((await caller.client.list({ take: 100 })).items.length).toBeGreaterThan(0);
    expect(await failure(() => caller.tenant.list({}))).toMatchObject({ code: 17005, trpc: "FORBIDDEN" });
    expect(await failure(() => caller.me.get())).toMatchObject({ code: 17006 });

    // Disabling the client stops its tokens at once.
    await db.oAuthClient.update({ where: { id: client.id }, data: { enabled: false } });
    expect((await rest("GET", "/clients", token)).status).toBe(401);
  });

  it("a developer's client sees only what its owner owns; issue token gives a working test token", async () => {
    const dev = await w.callerFor(developer2B.id);
    const mine = await dev.client.create({ name: "dev's", scopes: ["uc.client.get"] });
    const issued = await dev.client.issueToken({ id: mine.id });
    expect(issued.claims).toMatchObject({ client_id: mine.clientId, scope: "uc.client.get" });
    expect(issued.header).toMatchObject({ alg: "ES256" });
    const list = await rest("GET", "/clients?take=100", issued.access_token);
    const ids = ((await list.json()) as { items: { id: string }[] }).items.map((c) => c.id);
    expect(ids).toEqual([mine.id]);
    expect(await failure(() => dev.client.issueToken({ id: mine.id, scope: "uc.client.delete" }))).toMatchObject({ code: 17004 });
    const audit = await db.auditLog.findFirst({ where: { recordId: mine.id, action: "client.issuetoken" } });
    expect(audit).not.toBeNull();
    expect(JSON.stringify(audit)).not.toContain(issued.access_token);
  });
});

describe("a client lives on its owner's current rights and its own current scopes", () => {
  const token = async (clientId: string, secret: string, scope?: string) => {
    const res = await tokenRequest({ grant_type: "client_credentials", client_id: clientId, client_secret: secret, ...(scope ? { scope } : {}) });
    return { status: res.status, body: (await res.json()) as { access_token: string; error?: string; scope?: string } };
  };
  const codeOf = async (res: Response) => JSON.stringify(await res.json());

  it("an owner disabled: no new token (invalid_client) and the live token is refused at once", async () => {
    const owner = await w.makeUser(w.tenantB.id, `devdis${Date.now()}`, ["developer"]);
    const { client, secret } = await newClient(owner.id, ["uc.client.get"]);
    const live = (await token(client.clientId, secret)).body.access_token;
    expect((await rest("GET", "/clients", live)).status).toBe(200);
    await (await w.callerFor(w.managerB.id)).user.update({ id: owner.id, status: "disabled" });
    const refused = await token(client.clientId, secret);
    expect(refused).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect((await rest("GET", "/clients", live)).status).toBe(401);
    const ctx = await createContext(new Request("http://b.test/api/trpc/client.list", { headers: { host: "b.test", authorization: `Bearer ${live}` } }), db);
    expect(ctx.actor).toBeNull();
    // The console's test token is refused too.
    expect(await failure(() => w.callerFor(w.managerB.id).then((c) => c.client.issueToken({ id: client.id })))).toMatchObject({
      code: 17009,
      trpc: "CONFLICT",
    });
    // Enabled again, the client works again.
    await db.user.update({ where: { id: owner.id }, data: { status: "active" } });
    expect((await rest("GET", "/clients", live)).status).toBe(200);
  });

  it("an owner soft-deleted or purged: no new token and the live token is refused; an unowned client keeps working", async () => {
    const owner = await w.makeUser(w.tenantB.id, `devdel${Date.now()}`, ["developer"]);
    const { client, secret } = await newClient(owner.id, ["uc.client.get"]);
    const live = (await token(client.clientId, secret)).body.access_token;
    expect((await rest("GET", "/clients", live)).status).toBe(200);
    await (await w.callerFor(w.managerB.id)).user.delete({ id: owner.id });
    expect(await db.user.count({ where: { id: owner.id, deletedAt: { not: null } } })).toBe(1);
    expect(await token(client.clientId, secret)).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect((await rest("GET", "/clients", live)).status).toBe(401);
    // Gone altogether (the owner id now names no one): still refused, never "unowned".
    await db.user.delete({ where: { id: owner.id } });
    expect(await token(client.clientId, secret)).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect((await rest("GET", "/clients", live)).status).toBe(401);
    // A client with no owner at all has only its own scopes to go by.
    await db.oAuthClient.update({ where: { id: client.id }, data: { ownerId: null } });
    const unowned = await token(client.clientId, secret);
    expect(unowned).toMatchObject({ status: 200, body: { scope: "uc.client.get" } });
    expect((await rest("GET", "/clients", unowned.body.access_token)).status).toBe(200);
    expect((await rest("GET", "/clients", live)).status).toBe(200);
  });

  it("an owner who loses the role granting a scope: that operation is 403 17005 with a live token, the others still work", async () => {
    const reader = await db.role.create({ data: { tenantId: w.tenantB.id, name: `reader${Date.now()}`, permissions: ["uc.role.get"] } });
    const owner = await w.makeUser(w.tenantB.id, `devrole${Date.now()}`, ["developer", reader.name]);
    const { client, secret } = await newClient(owner.id, ["uc.client.get", "uc.role.get"]);
    const live = await token(client.clientId, secret);
    expect(live.body.scope).toBe("uc.client.get uc.role.get");
    expect((await rest("GET", "/roles", live.body.access_token)).status).toBe(200);
    await db.userRole.delete({ where: { userId_roleId: { userId: owner.id, roleId: reader.id } } });
    const denied = await rest("GET", "/roles", live.body.access_token);
    expect(denied.status).toBe(403);
    expect(await codeOf(denied)).toContain("17005");
    expect((await rest("GET", "/clients", live.body.access_token)).status).toBe(200);
    // New tokens carry only what the owner still holds, and asking for more is invalid_scope.
    expect((await token(client.clientId, secret)).body.scope).toBe("uc.client.get");
    expect(await token(client.clientId, secret, "uc.role.get")).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
    // A wildcard scope is cut to the owner's codes: the developer holds uc.client.all but not uc.user.*.
    await db.oAuthClient.update({ where: { id: client.id }, data: { scopes: ["uc.all"] } });
    const wide = await token(client.clientId, secret);
    expect(wide.body.scope?.split(" ")).toContain("uc.client.all");
    expect(wide.body.scope?.split(" ")).not.toContain("uc.all");
    expect((await rest("GET", "/users", wide.body.access_token)).status).toBe(403);
    // An operator's uc.all covers everything the client has.
    await db.oAuthClient.update({ where: { id: client.id }, data: { ownerId: w.operator.id, scopes: ["uc.client.get", "uc.role.get"] } });
    expect((await rest("GET", "/roles", live.body.access_token)).status).toBe(200);
  });

  it("an owner of another tenant, or one whose rights here are empty: no token at all (never an empty scope)", async () => {
    const { client, secret } = await newClient(w.managerB.id, ["uc.client.get"]);
    expect(await token(client.clientId, secret)).toMatchObject({ status: 200, body: { scope: "uc.client.get" } });
    // The owner is an administrator, but of another tenant: it holds nothing in tenant B.
    await db.oAuthClient.update({ where: { id: client.id }, data: { ownerId: adminA.id } });
    expect(await token(client.clientId, secret)).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect(await token(client.clientId, secret, "uc.client.get")).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
    // An owner of this tenant with no role at all: the same.
    const bare = await w.makeUser(w.tenantB.id, `bare${Date.now()}`, []);
    await db.oAuthClient.update({ where: { id: client.id }, data: { ownerId: bare.id } });
    expect(await token(client.clientId, secret)).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect(await token(client.clientId, secret, "uc.client.get")).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
    expect(await failure(() => w.callerFor(w.managerB.id).then((c) => c.client.issueToken({ id: client.id })))).toMatchObject({ code: 17004 });
    // A client whose own scopes are empty gets no empty token either, and an empty scope request is no way to one.
    await db.oAuthClient.update({ where: { id: client.id }, data: { ownerId: w.managerB.id, scopes: [] } });
    expect(await token(client.clientId, secret)).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    await db.oAuthClient.update({ where: { id: client.id }, data: { scopes: ["uc.client.get"] } });
    const blank = await tokenRequest({ grant_type: "client_credentials", client_id: client.clientId, client_secret: secret, scope: " " });
    expect(blank.status).toBe(400);
    expect(await blank.json()).toMatchObject({ error: "invalid_scope" });
    // Back with an owner who holds the scope, the client works again.
    expect(await token(client.clientId, secret)).toMatchObject({ status: 200, body: { scope: "uc.client.get" } });
  });

  it("a client whose scopes are narrowed: a token issued before fails the removed scope", async () => {
    const { caller, client, secret } = await newClient(w.managerB.id, ["uc.client.get", "uc.role.all"]);
    const live = (await token(client.clientId, secret)).body.access_token;
    expect((await rest("GET", "/roles", live)).status).toBe(200);
    await caller.client.update({ id: client.id, name: client.name, scopes: ["uc.client.get", "uc.role.detail"] });
    const denied = await rest("GET", "/roles", live);
    expect(denied.status).toBe(403);
    expect(await codeOf(denied)).toContain("17005");
    expect((await rest("GET", "/clients", live)).status).toBe(200);
  });
});

describe("OpenAPI document", () => {
  it("documents the token endpoint and the new REST routes", async () => {
    const { openApiDocument } = await import("~/server/api/openapi");
    const doc = openApiDocument();
    const paths = doc.paths as Record<string, Record<string, unknown>>;
    expect(paths["/oauth/token"]?.post).toBeTruthy();
    expect(paths["/oauth/token"]?.servers).toEqual([{ url: "/api" }]);
    for (const p of ["/clients", "/clients/{id}/secrets", "/api-resources", "/api-scopes", "/identity-resources"]) expect(paths[p]).toBeTruthy();
  });
});
