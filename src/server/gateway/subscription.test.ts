/**
 * Product subscriptions end to end: a user subscribes on the portal (tRPC), gets a client and its
 * secret once, takes a client-credentials token for the API resource from the tenant's provider
 * and calls the API through the gateway to a loopback backend, within the product's limit.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld, imported } from "~/test/fixtures";
import { listenOidc } from "~/test/oidc-browser";
import { handleOidc } from "~/server/oidc/handler";
import { resetProviders } from "~/server/oidc/provider";
import { FRONT_MARK } from "~/server/http-front.js";
import { handleGateway } from "~/server/gateway/handler";
import { noteChange } from "~/server/security/change-epoch";

const t = setupWorld();
const B_HOST = "127.0.0.2";
const DOC = {
  openapi: "3.1.0",
  info: { title: "Orders", version: "1" },
  components: {
    securitySchemes: { oauth: { type: "oauth2", flows: { clientCredentials: { tokenUrl: "https://example.com/token", scopes: { "orders.read": "read" } } } } },
  },
  security: [{ oauth: ["orders.read"] }],
  paths: { "/orders": { get: { responses: { "200": { description: "ok" } } } } },
};

let backend: http.Server;
/** The gateway's reuse of its reads: none, but in the test of that reuse. */
let gatewayCacheMs = 0;
let backendUrl = "";
let gw: Awaited<ReturnType<typeof listenOidc>>;
const allowBefore = process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
const origin = () => `http://${B_HOST}:${gw.port}`;

beforeAll(async () => {
  resetProviders();
  (globalThis as Record<symbol, unknown>)[FRONT_MARK] = { hops: 0 };
  process.env.UC_OUTBOUND_ALLOW_ADDRESSES = "127.0.0.1";
  await t.db.tenantHost.create({ data: { tenantId: t.w.tenantB.id, host: B_HOST } });
  backend = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/`;
  gw = await listenOidc(t.db, {
    handle: (req, res) =>
      req.url?.startsWith("/gateway/") ? handleGateway(t.db, req, res, { timeoutMs: 2000, cacheMs: gatewayCacheMs }) : handleOidc(t.db, req, res),
  });
});
afterAll(async () => {
  await gw?.close();
  await new Promise<void>((r) => backend.close(() => r()));
  delete (globalThis as Record<symbol, unknown>)[FRONT_MARK];
  if (allowBefore === undefined) delete process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
  else process.env.UC_OUTBOUND_ALLOW_ADDRESSES = allowBefore;
});

/** An API of tenant B online under `suffix` (per-client limit 1 a minute) and a product bundling its v1. */
async function publishWithProduct(suffix: string, product: { published?: boolean; approvalRequired?: boolean; requestLimit?: number | null } = {}) {
  const admin = await t.w.callerFor(t.w.managerB.id);
  const name = `https://orders.example/${suffix}`;
  const api = await t.db.apiResource.create({ data: { tenantId: t.w.tenantB.id, name, scopes: ["orders.read"] } });
  await t.db.apiScope.upsert({
    where: { tenantId_name: { tenantId: t.w.tenantB.id, name: "orders.read" } },
    create: { tenantId: t.w.tenantB.id, name: "orders.read" },
    update: {},
  });
  const v1 = await admin.apiPublish.createVersion({ id: api.id, name: "v1" });
  const r1 = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: JSON.stringify(DOC) } }));
  await admin.apiPublish.setOnline({ id: r1.id, notes: "first" });
  await admin.apiPublish.savePublishConfig({ id: api.id, suffix, scopes: ["orders.read"], backendUrl, rateLimitPerMinute: 1 });
  const p = await admin.apiProduct.create({
    name: `${suffix}-product`,
    published: product.published ?? true,
    approvalRequired: product.approvalRequired ?? false,
    requestLimit: product.requestLimit === undefined ? 3 : product.requestLimit,
    versionIds: [v1.id],
  });
  return { admin, api, product: p, resource: name };
}

async function token(clientId: string, secret: string, resource: string) {
  const res = await fetch(`${origin()}/oidc/token`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", resource, scope: "orders.read" }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  return { status: res.status, token: body.access_token, error: body.error };
}

/** The gateway on tenant B's host (fetch would not let the Host header through). */
function call(suffix: string, bearer: string) {
  return new Promise<number>((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: gw.port, path: `/gateway/${suffix}/v1/orders`, headers: { host: `${B_HOST}:${gw.port}`, authorization: `Bearer ${bearer}` } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("product subscriptions", () => {
  it("issues a client whose token calls the API through the gateway, within the product's limit", async () => {
    const { product, resource, admin } = await publishWithProduct("orders");
    const plain = await t.w.callerFor(t.w.plainB.id);
    const issued = await plain.portal.subscribeProduct({ productId: product.id });
    expect(issued.subscription).toMatchObject({ status: "active", scopes: ["orders.read"], clientId: issued.clientId, product: { id: product.id } });
    expect(issued.clientSecret).toMatch(/^ucs_/);
    const stored = await t.db.oAuthClient.findUniqueOrThrow({ where: { clientId: issued.clientId }, include: { secrets: true } });
    expect(stored).toMatchObject({ clientType: "machine", grantTypes: ["client_credentials"], enabled: true, ownerId: t.w.plainB.id });
    expect(stored.secrets.map((s) => s.hash)).not.toContain(issued.clientSecret);

    const got = await token(issued.clientId, issued.clientSecret, resource);
    expect(got.status).toBe(200);
    // The product's 3 a minute, not the API's 1 a minute per client.
    expect(await call("orders", got.token!)).toBe(200);
    expect(await call("orders", got.token!)).toBe(200);
    expect(await call("orders", got.token!)).toBe(200);
    expect(await call("orders", got.token!)).toBe(429);

    expect(await plain.portal.mySubscriptions()).toEqual([
      expect.objectContaining({ id: issued.subscription.id, status: "active", clientId: issued.clientId }),
    ]);
    // The console lists it; approving an active one is refused.
    const listed = await admin.apiProduct.subscriptions({ id: product.id });
    expect(listed.items).toEqual([expect.objectContaining({ id: issued.subscription.id, user: expect.objectContaining({ id: t.w.plainB.id }) })]);
    expect((await failure(() => admin.apiProduct.approveSubscription({ id: issued.subscription.id }))).code).toBe(300043);

    // One open subscription per product.
    const again = await failure(() => plain.portal.subscribeProduct({ productId: product.id }));
    expect(again).toMatchObject({ code: 300041, trpc: "CONFLICT" });
    const audit = await t.db.auditLog.findMany({ where: { recordId: issued.subscription.id }, select: { action: true } });
    expect(audit.map((a) => a.action)).toContain("apisubscription.create");

    // Deleting the product deletes the clients its subscriptions issued: the token stops at once.
    await admin.apiProduct.delete({ id: product.id });
    expect(await t.db.oAuthClient.count({ where: { clientId: issued.clientId } })).toBe(0);
    expect(await call("orders", got.token!)).toBe(401);
  });

  it("rotates the key (the old secret refused, the new one works) and cancels (the token refused at once)", async () => {
    const { product, resource } = await publishWithProduct("rotate", { requestLimit: 100 });
    const plain = await t.w.callerFor(t.w.plainB.id);
    const first = await plain.portal.subscribeProduct({ productId: product.id });
    const firstToken = await token(first.clientId, first.clientSecret, resource);
    expect(firstToken.status).toBe(200);

    // Nobody else can touch it.
    const other = await t.w.callerFor(t.w.nobodyB.id);
    expect((await failure(() => other.portal.rotateSubscriptionKey({ id: first.subscription.id }))).code).toBe(10002);
    const developer = await t.w.makeUser(t.w.tenantB.id, "dev-rotate", ["developer"]);
    const dev = await t.w.callerFor(developer.id);
    expect((await failure(() => dev.portal.rotateSubscriptionKey({ id: first.subscription.id }))).code).toBe(300040);
    expect((await failure(() => dev.portal.cancelSubscription({ id: first.subscription.id }))).code).toBe(300040);

    const rotated = await plain.portal.rotateSubscriptionKey({ id: first.subscription.id });
    expect(rotated.clientId).toBe(first.clientId);
    expect(rotated.clientSecret).not.toBe(first.clientSecret);
    expect((await token(first.clientId, first.clientSecret, resource)).status).toBe(401);
    const fresh = await token(rotated.clientId, rotated.clientSecret, resource);
    expect(fresh.status).toBe(200);
    expect(await call("rotate", fresh.token!)).toBe(200);

    const cancelled = await plain.portal.cancelSubscription({ id: first.subscription.id });
    expect(cancelled).toMatchObject({ status: "cancelled", clientId: null });
    expect(await call("rotate", fresh.token!)).toBe(401);
    expect(await t.db.oAuthClient.count({ where: { clientId: first.clientId } })).toBe(0);
    // Cancelled, it may be subscribed to again.
    const again = await plain.portal.subscribeProduct({ productId: product.id });
    expect(again.subscription.status).toBe("active");
  });

  it("waits for approval: a pending subscription's client gets no token until approved; a rejected one's never", async () => {
    const { product, resource, admin } = await publishWithProduct("approval", { approvalRequired: true, requestLimit: null });
    const plain = await t.w.callerFor(t.w.plainB.id);
    const pending = await plain.portal.subscribeProduct({ productId: product.id });
    expect(pending.subscription.status).toBe("pending");
    expect((await token(pending.clientId, pending.clientSecret, resource)).status).toBe(401);
    // The subscriber's console (a developer's client list) does not offer it to enable.
    expect(await t.db.oAuthClient.findUniqueOrThrow({ where: { clientId: pending.clientId } })).toMatchObject({ enabled: false });

    // Only a holder of uc.apiproduct.approve decides.
    expect((await failure(() => plain.apiProduct.approveSubscription({ id: pending.subscription.id }))).code).toBe(10002);
    const approved = await admin.apiProduct.approveSubscription({ id: pending.subscription.id, note: "ok" });
    expect(approved).toMatchObject({ status: "active", decidedBy: t.w.managerB.id, note: "ok" });
    const got = await token(pending.clientId, pending.clientSecret, resource);
    expect(got.status).toBe(200);
    // No product limit: the API's own per-client limit (1 a minute) applies.
    expect(await call("approval", got.token!)).toBe(200);
    expect(await call("approval", got.token!)).toBe(429);

    const developer = await t.w.makeUser(t.w.tenantB.id, "dev-approval", ["developer"]);
    const dev = await t.w.callerFor(developer.id);
    const second = await dev.portal.subscribeProduct({ productId: product.id });
    // A developer does not see (so cannot enable) the client in the console's list.
    expect((await dev.client.list({})).items.map((c) => c.clientId)).not.toContain(second.clientId);
    // A developer may read products, not their subscriptions.
    expect((await failure(() => dev.apiProduct.subscriptions({ id: product.id }))).code).toBe(10002);
    const listed = await admin.apiProduct.subscriptions({ id: product.id });
    expect(listed.items.map((s) => s.status)).toEqual(["pending", "active"]);
    const rejected = await admin.apiProduct.rejectSubscription({ id: second.subscription.id, note: "no" });
    expect(rejected).toMatchObject({ status: "rejected", clientId: null, note: "no" });
    expect((await token(second.clientId, second.clientSecret, resource)).status).toBe(401);
    expect((await failure(() => admin.apiProduct.rejectSubscription({ id: second.subscription.id }))).code).toBe(300043);
    const actions = await t.db.auditLog.findMany({ where: { recordId: { in: [pending.subscription.id, second.subscription.id] } }, select: { action: true } });
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(["apisubscription.approve", "apisubscription.reject"]));
  });

  it("refuses an unpublished product, another tenant's product (404) and an anonymous caller (401)", async () => {
    const { product } = await publishWithProduct("hidden", { published: false });
    const plain = await t.w.callerFor(t.w.plainB.id);
    expect(await failure(() => plain.portal.subscribeProduct({ productId: product.id }))).toMatchObject({ code: 300042, trpc: "NOT_FOUND" });
    const foreign = await t.db.apiProduct.create({ data: { tenantId: t.w.platform.id, name: "foreign", published: true, versionIds: [] } });
    expect((await failure(() => plain.portal.subscribeProduct({ productId: foreign.id }))).code).toBe(300042);
    const anonymous = await t.w.callerFor(null);
    expect((await failure(() => anonymous.portal.subscribeProduct({ productId: product.id }))).code).toBe(10001);
    expect((await failure(() => anonymous.portal.mySubscriptions())).code).toBe(10001);
    // Another tenant's administrator cannot list or decide this tenant's subscriptions.
    const platformAdmin = await t.w.makeUser(t.w.platform.id, "admin-a", ["administrator"]);
    const a = await t.w.callerFor(platformAdmin.id, t.w.platform);
    expect((await failure(() => a.apiProduct.subscriptions({ id: product.id }))).code).toBe(300022);
  });
});

describe("the gateway's second-long reuse of token checks", () => {
  it("reuses a caller's check until the window passes or this instance changes something", async () => {
    gatewayCacheMs = 60_000;
    try {
      const { product, resource } = await publishWithProduct("reuse", { requestLimit: 100 });
      const plain = await t.w.callerFor(t.w.plainB.id);
      const issued = await plain.portal.subscribeProduct({ productId: product.id });
      const got = await token(issued.clientId, issued.clientSecret, resource);
      expect(await call("reuse", got.token!)).toBe(200);
      // Written behind the app's back (as another instance would): the reused check still lets it through…
      await t.db.oAuthClient.update({ where: { clientId: issued.clientId }, data: { enabled: false } });
      expect(await call("reuse", got.token!)).toBe(200);
      // …until a change of this instance (any mutation) moves the epoch: then it is read again.
      noteChange();
      expect(await call("reuse", got.token!)).toBe(401);
      await t.db.oAuthClient.update({ where: { clientId: issued.clientId }, data: { enabled: true } });
      noteChange();
      const again = await token(issued.clientId, issued.clientSecret, resource);
      expect(await call("reuse", again.token!)).toBe(200);
      // Cancelling through the portal (a mutation) stops the token at the next call, window or not.
      await plain.portal.cancelSubscription({ id: issued.subscription.id });
      expect(await call("reuse", again.token!)).toBe(401);
    } finally {
      gatewayCacheMs = 0;
    }
  });
});
