/**
 * What an administrator does around a published API, through the real provider and gateway on
 * loopback: other authorization servers (added by discovery URL, their tokens verified against
 * their JWKS at the gateway), the Traffic tab's figures, revoking a subscription (its token refused
 * at once), and a product's scope changes reaching its subscriptions' clients in the same transaction.
 *
 * Tenant B's host is 127.0.0.2; the platform tenant, on 127.0.0.1, plays "another provider": its
 * own OpenID Provider, fetched over loopback, as an external server of tenant B's APIs.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld, imported } from "~/test/fixtures";
import { jwtPayload, listenOidc, makeTestClient } from "~/test/oidc-browser";
import { handleOidc } from "~/server/oidc/handler";
import { resetProviders } from "~/server/oidc/provider";
import { FRONT_MARK } from "~/server/http-front.js";
import { handleGateway } from "~/server/gateway/handler";
import { flushGatewayStats } from "~/server/gateway/stats";
import { resetExternalJwks } from "~/server/gateway/external-token";

const t = setupWorld();
const B_HOST = "127.0.0.2";
const A_HOST = "127.0.0.1";
const DOC = {
  openapi: "3.1.0",
  info: { title: "Orders", version: "1" },
  components: {
    securitySchemes: {
      oauth: {
        type: "oauth2",
        flows: { clientCredentials: { tokenUrl: "https://example.com/token", scopes: { "orders.read": "read", "orders.write": "write" } } },
      },
    },
  },
  security: [{ oauth: ["orders.read"] }],
  paths: {
    "/orders": {
      get: { responses: { "200": { description: "ok" } } },
      post: { security: [{ oauth: ["orders.write"] }], responses: { "201": { description: "ok" } } },
    },
  },
};

let backend: http.Server;
let backendUrl = "";
/** Answers whatever discovery document a test sets (a bad issuer, an http JWKS…). */
let fake: http.Server;
let fakeDoc: unknown = {};
let gw: Awaited<ReturnType<typeof listenOidc>>;
const allowBefore = process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
const originB = () => `http://${B_HOST}:${gw.port}`;
const originA = () => `http://${A_HOST}:${gw.port}`;
const fakeBase = () => `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;

beforeAll(async () => {
  resetProviders();
  resetExternalJwks();
  (globalThis as Record<symbol, unknown>)[FRONT_MARK] = { hops: 0 };
  process.env.UC_OUTBOUND_ALLOW_ADDRESSES = "127.0.0.1";
  await t.db.tenantHost.create({ data: { tenantId: t.w.tenantB.id, host: B_HOST } });
  await t.db.tenantHost.upsert({ where: { host: A_HOST }, create: { tenantId: t.w.platform.id, host: A_HOST }, update: {} });
  backend = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/`;
  fake = http.createServer((req, res) => {
    if (req.url === "/keys") return void res.writeHead(200, { "content-type": "application/json" }).end('{"keys":[]}');
    if (req.url === "/slow/.well-known/openid-configuration") return void setTimeout(() => res.end("{}"), 60_000);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(fakeDoc));
  });
  await new Promise<void>((r) => fake.listen(0, "127.0.0.1", r));
  gw = await listenOidc(t.db, {
    handle: (req, res) => (req.url?.startsWith("/gateway/") ? handleGateway(t.db, req, res, { timeoutMs: 2000, cacheMs: 0 }) : handleOidc(t.db, req, res)),
  });
});
afterAll(async () => {
  await gw?.close();
  await new Promise<void>((r) => backend.close(() => r()));
  fake.closeAllConnections?.();
  await new Promise<void>((r) => fake.close(() => r()));
  delete (globalThis as Record<symbol, unknown>)[FRONT_MARK];
  if (allowBefore === undefined) delete process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
  else process.env.UC_OUTBOUND_ALLOW_ADDRESSES = allowBefore;
});

async function ensureScopes(tenantId: string) {
  for (const name of ["orders.read", "orders.write"])
    await t.db.apiScope.upsert({ where: { tenantId_name: { tenantId, name } }, create: { tenantId, name }, update: {} });
}

/** API `name` of tenant B online under `suffix` (v1, path), with config scopes `scopes`. */
async function publish(suffix: string, scopes: string[] = ["orders.read"]) {
  const admin = await t.w.callerFor(t.w.managerB.id);
  await ensureScopes(t.w.tenantB.id);
  const name = `https://orders.example/${suffix}`;
  const api = await t.db.apiResource.create({ data: { tenantId: t.w.tenantB.id, name, scopes: ["orders.read", "orders.write"] } });
  const v1 = await admin.apiPublish.createVersion({ id: api.id, name: "v1" });
  const r1 = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: JSON.stringify(DOC) } }));
  await admin.apiPublish.setOnline({ id: r1.id, notes: "first" });
  await admin.apiPublish.savePublishConfig({ id: api.id, suffix, scopes, backendUrl });
  return { admin, api, v1, resource: name };
}

async function product(admin: Awaited<ReturnType<typeof publish>>["admin"], name: string, versionIds: string[]) {
  return admin.apiProduct.create({ name, published: true, approvalRequired: false, requestLimit: 100, versionIds });
}

async function token(origin: string, clientId: string, secret: string, resource: string, scope?: string) {
  const res = await fetch(`${origin}/oidc/token`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", resource, ...(scope ? { scope } : {}) }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string; scope?: string };
  return { status: res.status, token: body.access_token, error: body.error, scope: body.scope };
}

function call(suffix: string, bearer: string, method = "GET") {
  return new Promise<number>((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: gw.port,
        method,
        path: `/gateway/${suffix}/v1/orders`,
        headers: { host: `${B_HOST}:${gw.port}`, authorization: `Bearer ${bearer}` },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("authorization servers", () => {
  it("lists the tenant's own provider first, adds another by discovery URL and refuses what is not one", async () => {
    const { admin, api } = await publish("authlist");
    const own = await admin.apiPublish.authServers({ id: api.id });
    expect(own).toEqual([
      expect.objectContaining({
        id: "self",
        kind: "self",
        issuer: "https://test",
        discoveryUrl: "https://test/.well-known/openid-configuration",
        jwksUri: "https://test/oidc/jwks",
        usedBy: expect.any(Number),
      }),
    ]);

    const discoveryUrl = `${originA()}/.well-known/openid-configuration`;
    const added = await admin.apiPublish.addAuthServer({ name: "Platform login", discoveryUrl });
    expect(added).toMatchObject({ kind: "other", name: "Platform login", issuer: originA(), jwksUri: `${originA()}/oidc/jwks`, usedBy: 0 });
    const listed = await admin.apiPublish.authServers({ id: api.id });
    expect(listed.map((s) => s.id)).toEqual(["self", added.id]);
    const audit = await t.db.auditLog.findFirst({ where: { recordId: added.id }, select: { action: true } });
    expect(audit?.action).toBe("apiresource.postauthserver");

    // Same name or same issuer again.
    expect(await failure(() => admin.apiPublish.addAuthServer({ name: "Platform login", discoveryUrl }))).toMatchObject({ code: 300048, trpc: "CONFLICT" });
    expect(await failure(() => admin.apiPublish.addAuthServer({ name: "Again", discoveryUrl }))).toMatchObject({ code: 300048 });

    // Not a discovery URL at all; a private address the operator did not allow; an issuer that is not the URL's; an http JWKS on a name.
    const notDiscovery = await failure(() => admin.apiPublish.addAuthServer({ name: "x", discoveryUrl: "https://login.example.com/keys" }));
    expect(notDiscovery).toMatchObject({ appCode: 10003 });
    expect(await failure(() => admin.apiPublish.addAuthServer({ name: "x", discoveryUrl: "https://10.0.0.1/.well-known/openid-configuration" }))).toMatchObject(
      {
        code: 300046,
      },
    );
    expect(
      await failure(() => admin.apiPublish.addAuthServer({ name: "x", discoveryUrl: "http://login.example.com/.well-known/openid-configuration" })),
    ).toMatchObject({
      code: 300046,
    });
    fakeDoc = { issuer: "https://login.microsoftonline.com/x", jwks_uri: `${fakeBase()}/keys` };
    const foreignIssuer = await failure(() => admin.apiPublish.addAuthServer({ name: "x", discoveryUrl: `${fakeBase()}/.well-known/openid-configuration` }));
    expect(foreignIssuer).toMatchObject({ code: 300047 });
    expect(foreignIssuer.fields?.discoveryUrl?.[0]).toMatch(/issuer/);
    fakeDoc = { issuer: fakeBase(), jwks_uri: "http://keys.example.com/jwks" };
    const httpJwks = await failure(() => admin.apiPublish.addAuthServer({ name: "x", discoveryUrl: `${fakeBase()}/.well-known/openid-configuration` }));
    expect(httpJwks).toMatchObject({ code: 300047 });
    expect(httpJwks.fields?.discoveryUrl?.[0]).toMatch(/jwks_uri/);
    fakeDoc = "not an object";
    expect(await failure(() => admin.apiPublish.addAuthServer({ name: "x", discoveryUrl: `${fakeBase()}/.well-known/openid-configuration` }))).toMatchObject({
      code: 300047,
    });
    expect(await t.db.apiAuthServer.count({ where: { tenantId: t.w.tenantB.id, name: "x" } })).toBe(0);

    // A publish configuration may name it (and only servers of its tenant); then it cannot be removed.
    await admin.apiPublish.savePublishConfig({ id: api.id, suffix: "authlist", authServer: added.id, backendUrl });
    expect((await admin.apiPublish.authServers({ id: api.id })).find((s) => s.id === added.id)?.usedBy).toBe(1);
    expect(await failure(() => admin.apiPublish.removeAuthServer({ id: added.id }))).toMatchObject({ code: 300049, trpc: "CONFLICT" });
    const foreign = await t.db.apiAuthServer.create({
      data: { tenantId: t.w.platform.id, name: "theirs", discoveryUrl, issuer: "https://a.example", jwksUri: "https://a.example/jwks" },
    });
    expect(await failure(() => admin.apiPublish.savePublishConfig({ id: api.id, suffix: "authlist", authServer: foreign.id }))).toMatchObject({ code: 300045 });
    expect(await failure(() => admin.apiPublish.removeAuthServer({ id: foreign.id }))).toMatchObject({ code: 300045, trpc: "NOT_FOUND" });

    await admin.apiPublish.savePublishConfig({ id: api.id, suffix: "authlist", authServer: "self", backendUrl });
    expect(await admin.apiPublish.removeAuthServer({ id: added.id })).toEqual({ id: added.id });
    expect((await admin.apiPublish.authServers({ id: api.id })).map((s) => s.id)).toEqual(["self"]);

    // Who may not.
    const plain = await t.w.callerFor(t.w.plainB.id);
    expect(await failure(() => plain.apiPublish.authServers({ id: api.id }))).toMatchObject({ trpc: "FORBIDDEN" });
    expect(await failure(() => plain.apiPublish.addAuthServer({ name: "y", discoveryUrl }))).toMatchObject({ trpc: "FORBIDDEN" });
    const anonymous = await t.w.callerFor(null);
    expect(await failure(() => anonymous.apiPublish.removeAuthServer({ id: foreign.id }))).toMatchObject({ trpc: "UNAUTHORIZED" });
  });

  it("gives up on a discovery URL that does not answer within the limit", async () => {
    const { admin } = await publish("authslow");
    const started = Date.now();
    const slow = await failure(() => admin.apiPublish.addAuthServer({ name: "slow", discoveryUrl: `${fakeBase()}/slow/.well-known/openid-configuration` }));
    expect(slow).toMatchObject({ code: 300046 });
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 20_000);

  it("verifies a token of the named server against its JWKS (issuer, audience), and refuses ours meanwhile", async () => {
    const { admin, api, resource } = await publish("external");
    // The other provider (the platform tenant on 127.0.0.1) knows an API of the same name, and a client for it.
    await ensureScopes(t.w.platform.id);
    await t.db.apiResource.create({ data: { tenantId: t.w.platform.id, name: resource, scopes: ["orders.read"] } });
    await t.db.apiResource.create({ data: { tenantId: t.w.platform.id, name: `${resource}/other`, scopes: ["orders.read"] } });
    const theirs = await makeTestClient(t.db, { tenantId: t.w.platform.id, redirectUris: [], grantTypes: ["client_credentials"], scopes: ["orders.read"] });
    const external = await token(originA(), theirs.clientId, theirs.secret, resource, "orders.read");
    expect(external.status).toBe(200);
    expect(jwtPayload(external.token!)).toMatchObject({ iss: originA(), aud: resource });
    const mine = await makeTestClient(t.db, { tenantId: t.w.tenantB.id, redirectUris: [], grantTypes: ["client_credentials"], scopes: ["orders.read"] });
    const own = await token(originB(), mine.clientId, mine.secret, resource, "orders.read");
    expect(own.status).toBe(200);

    // Own-only until the configuration names the other server.
    expect(await call("external", own.token!)).toBe(200);
    expect(await call("external", external.token!)).toBe(401);

    await t.db.apiAuthServer.deleteMany({ where: { tenantId: t.w.tenantB.id, issuer: originA() } });
    const server = await admin.apiPublish.addAuthServer({ name: "Partner login", discoveryUrl: `${originA()}/.well-known/openid-configuration` });
    await admin.apiPublish.savePublishConfig({ id: api.id, suffix: "external", authServer: server.id, scopes: ["orders.read"], backendUrl });
    expect(await call("external", external.token!)).toBe(200);
    expect(await call("external", own.token!)).toBe(401);
    // Another audience of the same server, a token whose signature was altered, a token without the scope.
    const otherAud = await token(originA(), theirs.clientId, theirs.secret, `${resource}/other`, "orders.read");
    expect(await call("external", otherAud.token!)).toBe(401);
    const [h, p, s] = external.token!.split(".");
    expect(await call("external", `${h}.${p}.${s!.slice(0, -4)}AAAA`)).toBe(401);
    expect(await call("external", external.token!, "POST")).toBe(403);
    // Counted under the other server's client id.
    await flushGatewayStats();
    const rows = await admin.apiPublish.gatewayStats({ id: api.id, window: "24h" });
    expect(rows).toContainEqual(expect.objectContaining({ clientId: theirs.clientId, subscription: null }));

    // Back to our own provider: theirs is refused again.
    await admin.apiPublish.savePublishConfig({ id: api.id, suffix: "external", authServer: "self", scopes: ["orders.read"], backendUrl });
    expect(await call("external", external.token!)).toBe(401);
    expect(await call("external", own.token!)).toBe(200);
  });
});

describe("subscriptions: revoke, and scopes that follow the product", () => {
  it("an administrator revokes an active subscription: its client is disabled, the gateway refuses its token at once", async () => {
    const { admin, v1, resource } = await publish("revoke");
    const p = await product(admin, "revoke-product", [v1.id]);
    const plain = await t.w.callerFor(t.w.plainB.id);
    const issued = await plain.portal.subscribeProduct({ productId: p.id });
    const got = await token(originB(), issued.clientId, issued.clientSecret, resource, "orders.read");
    expect(got.status).toBe(200);
    expect(await call("revoke", got.token!)).toBe(200);

    // Only a holder of uc.apiproduct.revoke; not another tenant's administrator.
    expect(await failure(() => plain.apiProduct.revokeSubscription({ id: issued.subscription.id }))).toMatchObject({ trpc: "FORBIDDEN" });
    const platformAdmin = await t.w.makeUser(t.w.platform.id, "revoke-admin-a", ["administrator"]);
    const a = await t.w.callerFor(platformAdmin.id, t.w.platform);
    expect(await failure(() => a.apiProduct.revokeSubscription({ id: issued.subscription.id }))).toMatchObject({ code: 300040, trpc: "NOT_FOUND" });
    const anonymous = await t.w.callerFor(null);
    expect(await failure(() => anonymous.apiProduct.revokeSubscription({ id: issued.subscription.id }))).toMatchObject({ trpc: "UNAUTHORIZED" });

    const revoked = await admin.apiProduct.revokeSubscription({ id: issued.subscription.id, note: "abuse" });
    expect(revoked).toMatchObject({ status: "revoked", clientId: issued.clientId, decidedBy: t.w.managerB.id, note: "abuse" });
    expect(await t.db.oAuthClient.findUniqueOrThrow({ where: { clientId: issued.clientId } })).toMatchObject({ enabled: false });
    expect(await call("revoke", got.token!)).toBe(401);
    expect((await token(originB(), issued.clientId, issued.clientSecret, resource, "orders.read")).status).toBe(401);

    // The subscriber sees it revoked and can neither rotate, cancel nor subscribe again.
    expect(await plain.portal.mySubscriptions()).toEqual([expect.objectContaining({ id: issued.subscription.id, status: "revoked", note: "abuse" })]);
    expect(await failure(() => plain.portal.rotateSubscriptionKey({ id: issued.subscription.id }))).toMatchObject({ code: 300043 });
    expect(await failure(() => plain.portal.cancelSubscription({ id: issued.subscription.id }))).toMatchObject({ code: 300043 });
    expect(await failure(() => plain.portal.subscribeProduct({ productId: p.id }))).toMatchObject({ code: 300050, trpc: "CONFLICT" });
    // Revoked once is enough; a pending one is approved or rejected instead.
    expect(await failure(() => admin.apiProduct.revokeSubscription({ id: issued.subscription.id }))).toMatchObject({ code: 300043 });
    const audit = await t.db.auditLog.findMany({ where: { recordId: issued.subscription.id }, select: { action: true } });
    expect(audit.map((x) => x.action)).toContain("apisubscription.revoke");
    const listed = await admin.apiProduct.subscriptions({ id: p.id, status: "revoked" });
    expect(listed.items.map((s) => s.id)).toEqual([issued.subscription.id]);
  });

  it("gives existing subscriptions' clients a product's new scope set in the same change", async () => {
    const { admin, api, v1, resource } = await publish("scopes", ["orders.read"]);
    const p = await product(admin, "scopes-product", [v1.id]);
    const plain = await t.w.callerFor(t.w.plainB.id);
    const issued = await plain.portal.subscribeProduct({ productId: p.id });
    expect(issued.subscription.scopes).toEqual(["orders.read"]);
    const reader = await token(originB(), issued.clientId, issued.clientSecret, resource, "orders.read");
    expect(reader.status).toBe(200);
    // Write is not the product's: a token asking for it does not carry it, and the gateway refuses it what needs write.
    const askedWrite = await token(originB(), issued.clientId, issued.clientSecret, resource, "orders.read orders.write");
    expect(askedWrite.scope ?? "").not.toContain("orders.write");
    expect(await call("scopes", askedWrite.token!, "POST")).toBe(403);

    // The publish configuration grants write too: the client has it at once, a new token carries it.
    await admin.apiPublish.savePublishConfig({ id: api.id, suffix: "scopes", scopes: ["orders.read", "orders.write"], backendUrl });
    expect((await t.db.oAuthClient.findUniqueOrThrow({ where: { clientId: issued.clientId } })).scopes.sort()).toEqual(["orders.read", "orders.write"]);
    const writer = await token(originB(), issued.clientId, issued.clientSecret, resource, "orders.read orders.write");
    expect(writer.status).toBe(200);
    expect(String(jwtPayload(writer.token!).scope).split(" ").sort()).toEqual(["orders.read", "orders.write"]);
    expect(await call("scopes", writer.token!, "POST")).toBe(200);
    expect((await plain.portal.mySubscriptions())[0]!.scopes.sort()).toEqual(["orders.read", "orders.write"]);

    // Read taken away: no new token for it, and the token that carries it is refused for it at once.
    await admin.apiPublish.savePublishConfig({ id: api.id, suffix: "scopes", scopes: ["orders.write"], backendUrl });
    expect((await t.db.oAuthClient.findUniqueOrThrow({ where: { clientId: issued.clientId } })).scopes).toEqual(["orders.write"]);
    const readAgain = await token(originB(), issued.clientId, issued.clientSecret, resource, "orders.read orders.write");
    expect(readAgain.scope).toBe("orders.write");
    expect(await call("scopes", readAgain.token!)).toBe(403);
    expect(await call("scopes", writer.token!)).toBe(403);
    expect(await call("scopes", writer.token!, "POST")).toBe(200);
    const audit = await t.db.auditLog.findMany({ where: { recordId: p.id, action: "apiproduct.subscriptionscopes" }, select: { before: true, after: true } });
    expect(audit).toHaveLength(2);

    // The product drops the version: it grants nothing, so its client gets no token for the API.
    const other = await admin.apiResource.create({ name: "orders-scopes-other" });
    const v9 = await admin.apiPublish.createVersion({ id: other.id, name: "v9" });
    await admin.apiProduct.update({ id: p.id, name: p.name, published: true, approvalRequired: false, requestLimit: 100, versionIds: [v9.id] });
    expect((await t.db.oAuthClient.findUniqueOrThrow({ where: { clientId: issued.clientId } })).scopes).toEqual([]);
    expect((await token(originB(), issued.clientId, issued.clientSecret, resource)).status).toBe(400);
    expect(await call("scopes", writer.token!, "POST")).toBe(403);
    // And back: the version again, the scopes again.
    await admin.apiProduct.update({ id: p.id, name: p.name, published: true, approvalRequired: false, requestLimit: 100, versionIds: [v1.id] });
    expect((await t.db.oAuthClient.findUniqueOrThrow({ where: { clientId: issued.clientId } })).scopes).toEqual(["orders.write"]);
  });
});

describe("gateway traffic", () => {
  it("totals, a series per hour and rows per version and subscription with its product and owner; empty when quiet", async () => {
    const { admin, api, v1, resource } = await publish("traffic");
    const quiet = await admin.apiPublish.gatewayTraffic({ id: api.id, window: "24h" });
    expect(quiet).toMatchObject({ window: "24h", bucket: "hour", totals: { calls: 0, errorRate: 0 }, rows: [], byVersion: [] });
    expect(quiet.series.length).toBeGreaterThanOrEqual(24);
    expect(quiet.series.every((s) => s.calls === 0)).toBe(true);

    const p = await product(admin, "traffic-product", [v1.id]);
    const plain = await t.w.callerFor(t.w.plainB.id);
    const issued = await plain.portal.subscribeProduct({ productId: p.id });
    const got = await token(originB(), issued.clientId, issued.clientSecret, resource, "orders.read");
    expect(await call("traffic", got.token!)).toBe(200);
    expect(await call("traffic", got.token!)).toBe(200);
    expect(await call("traffic", got.token!, "POST")).toBe(403);
    expect(await call("traffic", "not-a-token")).toBe(401);
    await flushGatewayStats();

    const day = await admin.apiPublish.gatewayTraffic({ id: api.id, window: "24h" });
    expect(day.totals).toMatchObject({ calls: 4, clientErrors: 2, serverErrors: 0, errorRate: 0.5 });
    expect(day.series.reduce((n, s) => n + s.calls, 0)).toBe(4);
    expect(day.byVersion).toEqual([{ version: "v1", calls: 4, errorRate: 0.5 }]);
    const sub = day.rows.find((r) => r.clientId === issued.clientId);
    expect(sub).toMatchObject({
      version: "v1",
      calls: 3,
      clientErrors: 1,
      subscription: { id: issued.subscription.id, product: { id: p.id, name: "traffic-product" }, owner: { id: t.w.plainB.id } },
    });
    expect(day.rows.find((r) => r.clientId === "")).toMatchObject({ calls: 1, clientErrors: 1, subscription: null });
    const month = await admin.apiPublish.gatewayTraffic({ id: api.id, window: "30d" });
    expect(month).toMatchObject({ bucket: "day", totals: { calls: 4 } });
    expect(month.series.length).toBeGreaterThanOrEqual(30);

    const nobody = await t.w.callerFor(t.w.nobodyB.id);
    expect(await failure(() => nobody.apiPublish.gatewayTraffic({ id: api.id }))).toMatchObject({ trpc: "FORBIDDEN" });
    const platformAdmin = await t.w.makeUser(t.w.platform.id, "traffic-admin-a", ["administrator"]);
    const a = await t.w.callerFor(platformAdmin.id, t.w.platform);
    expect(await failure(() => a.apiPublish.gatewayTraffic({ id: api.id }))).toMatchObject({ code: 18001 });
  });
});
