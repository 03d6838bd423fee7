/**
 * The gateway end to end: a published API of tenant B on its host (127.0.0.2 here), a loopback
 * backend, client-credentials tokens from the tenant's own provider for the API resource.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld, imported } from "~/test/fixtures";
import { Browser, codeFlow, jwtPayload, listenOidc, makeTestClient, rpConfig } from "~/test/oidc-browser";
import { handleOidc } from "~/server/oidc/handler";
import { resetProviders } from "~/server/oidc/provider";
import { FRONT_MARK } from "~/server/http-front.js";
import { handleGateway } from "~/server/gateway/handler";
import { flushGatewayStats } from "~/server/gateway/stats";

const t = setupWorld();
const B_HOST = "127.0.0.2";
const API = "https://pets.example";
const MB = 1024 * 1024;

const DOC = {
  openapi: "3.1.0",
  info: { title: "Pets", version: "1" },
  components: {
    securitySchemes: {
      oauth: {
        type: "oauth2",
        flows: { clientCredentials: { tokenUrl: "https://example.com/token", scopes: { "pets.read": "read", "pets.write": "write" } } },
      },
    },
  },
  security: [{ oauth: ["pets.read"] }],
  paths: {
    "/pets": {
      get: { responses: { "200": { description: "ok" } } },
      post: { security: [{ oauth: ["pets.write"] }], responses: { "201": { description: "ok" } } },
    },
    "/pets/{id}": {
      get: { parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: { "200": { description: "ok" } } },
      delete: {
        security: [{ oauth: ["pets.write"] }],
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "204": { description: "gone" } },
      },
    },
    "/slow": { get: { responses: { "200": { description: "late" } } } },
    "/gzip": { get: { responses: { "200": { description: "compressed" } } } },
    "/stream": { get: { responses: { "200": { description: "streamed" } } } },
    "/upload": { post: { responses: { "200": { description: "counted" } } } },
  },
};

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}
let seen: Seen | null = null;
let backend: http.Server;
let backendUrl = "";
let downUrl = "";
let gw: Awaited<ReturnType<typeof listenOidc>>;
const gotUpload = { first: () => {}, firstSeen: new Promise<void>(() => {}) };
let releaseStream: () => void = () => {};

const originB = () => `http://${B_HOST}:${gw.port}`;
const originA = () => `http://localhost:${gw.port}`;
const allowBefore = process.env.UC_OUTBOUND_ALLOW_ADDRESSES;

beforeAll(async () => {
  resetProviders();
  (globalThis as Record<symbol, unknown>)[FRONT_MARK] = { hops: 0 };
  // The backend listens on loopback: let that one address through the outbound guard, as an operator may.
  process.env.UC_OUTBOUND_ALLOW_ADDRESSES = "127.0.0.1";
  await t.db.tenantHost.create({ data: { tenantId: t.w.tenantB.id, host: B_HOST } });
  backend = http.createServer((req, res) => {
    seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers };
    req.url = (req.url ?? "").replace(/^\/base/, "");
    if (req.url === "/slow") return void setTimeout(() => res.end("late"), 2000);
    if (req.url === "/gzip") return void res.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" }).end(gzipSync("hello ".repeat(100)));
    if (req.url === "/stream") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first part;");
      return void new Promise<void>((r) => (releaseStream = r)).then(() => res.end("second part"));
    }
    if (req.url === "/upload") {
      let n = 0;
      req.on("data", (c: Buffer) => {
        if (!n) gotUpload.first();
        n += c.length;
      });
      return void req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ bytes: n })));
    }
    req.resume();
    req.on("end", () => {
      res.writeHead(200, {
        "content-type": "application/json",
        connection: "x-backend-secret",
        "x-backend-secret": "hop",
        "keep-alive": "timeout=5",
        "set-cookie": "next-auth.session-token=evil; Path=/",
        "content-security-policy": "default-src *",
        "x-backend": "yes",
      });
      res.end(JSON.stringify({ ok: true, pad: "x".repeat(1000) }));
    });
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/base/`;
  // A port nobody listens on.
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  downUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((r) => closed.close(() => r()));
  gw = await listenOidc(t.db, {
    handle: (req, res) =>
      req.url?.startsWith("/gateway/") ? handleGateway(t.db, req, res, { timeoutMs: 500, maxBody: 12 * MB, cacheMs: 0 }) : handleOidc(t.db, req, res),
  });
});
afterAll(async () => {
  await gw?.close();
  await new Promise<void>((r) => backend.close(() => r()));
  backend.closeAllConnections?.();
  delete (globalThis as Record<symbol, unknown>)[FRONT_MARK];
  if (allowBefore === undefined) delete process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
  else process.env.UC_OUTBOUND_ALLOW_ADDRESSES = allowBefore;
});

/** Publishes API `name` of tenant `tenantId` under `suffix`, with version v1 (path) online holding DOC. */
async function publish(suffix: string, opts: { backend?: string; rateLimitPerMinute?: number; name?: string } = {}) {
  const admin = await t.w.callerFor(t.w.managerB.id);
  const api = await t.db.apiResource.create({ data: { tenantId: t.w.tenantB.id, name: opts.name ?? `${API}/${suffix}`, scopes: ["pets.read", "pets.write"] } });
  const v1 = await admin.apiPublish.createVersion({ id: api.id, name: "v1" });
  const r1 = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: JSON.stringify(DOC) } }));
  await admin.apiPublish.setOnline({ id: r1.id, notes: "first" });
  await admin.apiPublish.savePublishConfig({
    id: api.id,
    suffix,
    scopes: ["pets.read", "pets.write"],
    backendUrl: opts.backend ?? backendUrl,
    rateLimitPerMinute: opts.rateLimitPerMinute ?? null,
  });
  return { admin, api, v1, r1 };
}

/** A client-credentials token from `origin`'s provider for `resource`. */
async function tokenFor(origin: string, tenantId: string, resource: string, scopes: string[]) {
  const c = await makeTestClient(t.db, { tenantId, redirectUris: [], grantTypes: ["client_credentials"], scopes });
  const res = await fetch(`${origin}/oidc/token`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${c.clientId}:${c.secret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", resource, scope: scopes.join(" ") }),
  });
  const body = (await res.json()) as { access_token?: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return { token: body.access_token!, client: c };
}

/** A raw call (no decompression, every header as sent). */
function call(path: string, o: { method?: string; token?: string; headers?: Record<string, string>; body?: Buffer; host?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: gw.port,
        path,
        method: o.method ?? "GET",
        headers: { host: o.host ?? `${B_HOST}:${gw.port}`, ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}
const json = (r: { body: Buffer }) => JSON.parse(r.body.toString()) as { data?: { appCode?: number } } & Record<string, unknown>;

describe("gateway", () => {
  it("passes an authorised call to the backend and its answer back, without credentials or hop-by-hop headers", async () => {
    const { api, admin } = await publish("pets", { name: API });
    const { token, client } = await tokenFor(originB(), t.w.tenantB.id, API, ["pets.read"]);
    const r = await call("/gateway/pets/v1/pets/42?expand=owner", {
      token,
      headers: {
        cookie: "next-auth.session-token=ours",
        connection: "x-client-hop",
        "x-client-hop": "1",
        "x-end-to-end": "kept",
        "proxy-authorization": "Basic x",
      },
    });
    expect(r.status).toBe(200);
    expect(json(r)).toMatchObject({ ok: true });
    expect(seen).toMatchObject({ method: "GET", url: "/base/pets/42?expand=owner" });
    const up = seen!.headers;
    expect(up.authorization).toBeUndefined();
    expect(up.cookie).toBeUndefined();
    expect(up["x-client-hop"]).toBeUndefined();
    expect(up["proxy-authorization"]).toBeUndefined();
    expect(up["x-end-to-end"]).toBe("kept");
    expect(up["x-forwarded-for"]).toMatch(/127\.0\.0\.1$/);
    expect(up["x-forwarded-proto"]).toBe("http");
    expect(up["x-forwarded-host"]).toBe(`${B_HOST}:${gw.port}`);
    expect(up.host).toBe(new URL(backendUrl).host);
    // Downstream: the backend's hop-by-hop and cookies dropped, our sandbox kept.
    expect(r.headers["x-backend"]).toBe("yes");
    expect(r.headers["x-backend-secret"]).toBeUndefined();
    expect(r.headers["set-cookie"]).toBeUndefined();
    expect(r.headers["content-security-policy"]).toMatch(/sandbox/);

    // Compressed answers go through as the backend wrote them.
    const z = await call("/gateway/pets/v1/gzip", { token });
    expect(z.headers["content-encoding"]).toBe("gzip");
    expect(z.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

    // Counted per version and client, written in a batch.
    await flushGatewayStats();
    const stats = await admin.apiPublish.gatewayStats({ id: api.id });
    expect(stats).toContainEqual(expect.objectContaining({ version: "v1", clientId: client.clientId, calls: 2, clientErrors: 0, serverErrors: 0 }));
  });

  it("refuses a missing, foreign or dead token (401), a token without the operation's scope (403)", async () => {
    const reader = await tokenFor(originB(), t.w.tenantB.id, API, ["pets.read"]);
    const none = await call("/gateway/pets/v1/pets");
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Bearer realm="user-center"');
    expect(json(none).data?.appCode).toBe(10001);
    const forged = await call("/gateway/pets/v1/pets", { token: `${reader.token.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
    expect(forged.headers["www-authenticate"]).toMatch(/error="invalid_token"/);

    // The default tenant has an API resource of the same name; its provider's token is not for tenant B.
    await t.db.apiResource.create({ data: { tenantId: t.w.platform.id, name: API, scopes: ["pets.read"] } });
    const foreign = await tokenFor(originA(), t.w.platform.id, API, ["pets.read"]);
    expect((await call("/gateway/pets/v1/pets", { token: foreign.token })).status).toBe(401);

    // Our own API's token is for another audience.
    const own = await tokenFor(originB(), t.w.tenantB.id, `${originB()}/api/v1`, ["uc.user.get"]);
    expect((await call("/gateway/pets/v1/pets", { token: own.token })).status).toBe(401);

    const del = await call("/gateway/pets/v1/pets/1", { method: "DELETE", token: reader.token });
    expect(del.status).toBe(403);
    expect(del.headers["www-authenticate"]).toMatch(/error="insufficient_scope"/);
    expect(json(del).data?.appCode).toBe(17005);
    const writer = await tokenFor(originB(), t.w.tenantB.id, API, ["pets.read", "pets.write"]);
    expect((await call("/gateway/pets/v1/pets/1", { method: "DELETE", token: writer.token })).status).toBe(200);

    // A disabled client's token stops at once.
    await t.db.oAuthClient.update({ where: { id: writer.client.row.id }, data: { enabled: false } });
    expect((await call("/gateway/pets/v1/pets/1", { method: "DELETE", token: writer.token })).status).toBe(401);
  });

  it("passes a user's token from the code flow, and stops it once the grant is revoked", async () => {
    const REDIRECT = "https://app.example.com/callback";
    const rp = await makeTestClient(t.db, { tenantId: t.w.tenantB.id, redirectUris: [REDIRECT], firstParty: true, scopes: ["pets.read"] });
    const browser = new Browser(t.db);
    await browser.signIn(t.w.managerB.id, t.w.tenantB.id);
    const tokens = await codeFlow(browser, await rpConfig(originB(), rp, REDIRECT), REDIRECT, { scope: "openid pets.read", resource: API });
    const gid = jwtPayload(tokens.access_token).uc_gid as string;
    expect(gid).toEqual(expect.any(String));
    expect((await call("/gateway/pets/v1/pets", { token: tokens.access_token })).status).toBe(200);
    await t.db.oidcPayload.deleteMany({ where: { model: "Grant", id: gid } });
    expect((await call("/gateway/pets/v1/pets", { token: tokens.access_token })).status).toBe(401);
  });

  it("answers 404 for an unknown suffix, version or operation, and a version with nothing online", async () => {
    const { token } = await tokenFor(originB(), t.w.tenantB.id, API, ["pets.read"]);
    const code = async (path: string, o: Parameters<typeof call>[1] = {}) => {
      const r = await call(path, { token, ...o });
      return [r.status, json(r).data?.appCode];
    };
    expect(await code("/gateway/nosuch/v1/pets")).toEqual([404, 300017]);
    expect(await code("/gateway/pets/v9/pets")).toEqual([404, 300001]);
    expect(await code("/gateway/pets/pets")).toEqual([404, 300001]);
    expect(await code("/gateway/pets/v1/owners")).toEqual([404, 300019]);
    expect(await code("/gateway/pets/v1/pets", { method: "PATCH" })).toEqual([404, 300019]);
    // A dot segment would reach another path on the backend.
    expect(await code("/gateway/pets/v1/pets/..")).toEqual([404, 300019]);
    // Another tenant's host does not see tenant B's APIs.
    expect(await code("/gateway/pets/v1/pets", { host: `localhost:${gw.port}` })).toEqual([404, 300017]);

    const api = await t.db.apiResource.findFirstOrThrow({ where: { tenantId: t.w.tenantB.id, name: API } });
    const admin = await t.w.callerFor(t.w.managerB.id);
    await admin.apiPublish.createVersion({ id: api.id, name: "v2" });
    expect(await code("/gateway/pets/v2/pets")).toEqual([404, 300018]);

    // Versions picked by header or query: the whole path is the operation's.
    const v3 = await admin.apiPublish.createVersion({ id: api.id, name: "v3", scheme: "header" });
    const r3 = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v3.id, source: { kind: "text", text: JSON.stringify(DOC) } }));
    await admin.apiPublish.setOnline({ id: r3.id });
    expect((await call("/gateway/pets/pets", { token, headers: { "api-version": "v3" } })).status).toBe(200);
    expect(seen?.url).toBe("/base/pets");
    const v4 = await admin.apiPublish.createVersion({ id: api.id, name: "2024-06", scheme: "query" });
    const r4 = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v4.id, source: { kind: "text", text: JSON.stringify(DOC) } }));
    await admin.apiPublish.setOnline({ id: r4.id });
    expect((await call("/gateway/pets/pets/7?api-version=2024-06", { token })).status).toBe(200);
    expect(seen?.url).toBe("/base/pets/7?api-version=2024-06");
  });

  it("limits each client per minute (429 with Retry-After), in the shared window", async () => {
    await publish("limited", { rateLimitPerMinute: 2 });
    const { token } = await tokenFor(originB(), t.w.tenantB.id, `${API}/limited`, ["pets.read"]);
    expect((await call("/gateway/limited/v1/pets", { token })).status).toBe(200);
    expect((await call("/gateway/limited/v1/pets", { token })).status).toBe(200);
    const over = await call("/gateway/limited/v1/pets", { token });
    expect(over.status).toBe(429);
    expect(Number(over.headers["retry-after"])).toBeGreaterThan(0);
    expect(json(over).data?.appCode).toBe(10005);
    // Another client has its own allowance.
    const other = await tokenFor(originB(), t.w.tenantB.id, `${API}/limited`, ["pets.read"]);
    expect((await call("/gateway/limited/v1/pets", { token: other.token })).status).toBe(200);
    expect(await t.db.authThrottle.count({ where: { key: { startsWith: "gw:" } } })).toBe(2);
  });

  it("answers 502 when the backend refuses, 504 when it is too slow, 413 past the body cap", async () => {
    await publish("down", { backend: downUrl });
    const down = await tokenFor(originB(), t.w.tenantB.id, `${API}/down`, ["pets.read"]);
    const r = await call("/gateway/down/v1/pets", { token: down.token });
    expect([r.status, json(r).data?.appCode]).toEqual([502, 300020]);

    const { token } = await tokenFor(originB(), t.w.tenantB.id, API, ["pets.read", "pets.write"]);
    const slow = await call("/gateway/pets/v1/slow", { token });
    expect([slow.status, json(slow).data?.appCode]).toEqual([504, 300021]);

    const big = await call("/gateway/pets/v1/upload", { method: "POST", token, headers: { "content-length": String(13 * MB) } });
    expect([big.status, json(big).data?.appCode]).toEqual([413, 10013]);

    // A backend on an address the operator has not allowed (here the cloud metadata one) is never connected to.
    await publish("metadata", { backend: "http://169.254.169.254/latest" });
    const meta = await tokenFor(originB(), t.w.tenantB.id, `${API}/metadata`, ["pets.read"]);
    const refused = await call("/gateway/metadata/v1/pets", { token: meta.token });
    expect([refused.status, json(refused).data?.appCode]).toEqual([502, 300020]);
  });

  it("streams a 10 MB upload to the backend and an answer back as they come", async () => {
    const { token } = await tokenFor(originB(), t.w.tenantB.id, API, ["pets.read", "pets.write"]);
    gotUpload.firstSeen = new Promise<void>((r) => (gotUpload.first = r));
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: gw.port,
          path: "/gateway/pets/v1/upload",
          method: "POST",
          headers: { host: `${B_HOST}:${gw.port}`, authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
        },
        (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      const chunk = Buffer.alloc(MB, 0x61);
      req.write(chunk);
      // The backend sees the first megabyte before the rest is sent: nothing waits for the whole body.
      void gotUpload.firstSeen.then(async () => {
        for (let i = 1; i < 10; i++) if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
        req.end();
      });
    });
    const r = await answer;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ bytes: 10 * MB });

    // And the answer's first part arrives while the backend still holds the rest.
    const streamed = await new Promise<string>((resolve, reject) => {
      http
        .get(
          { host: "127.0.0.1", port: gw.port, path: "/gateway/pets/v1/stream", headers: { host: `${B_HOST}:${gw.port}`, authorization: `Bearer ${token}` } },
          (res) => {
            let body = "";
            res.on("data", (c: Buffer) => {
              body += c.toString();
              if (body === "first part;") releaseStream();
            });
            res.on("end", () => resolve(body));
          },
        )
        .on("error", reject);
    });
    expect(streamed).toBe("first part;second part");
  });

  it("shows traffic to those who may see the API's versions only", async () => {
    const api = await t.db.apiResource.findFirstOrThrow({ where: { tenantId: t.w.tenantB.id, name: API } });
    await flushGatewayStats();
    const admin = await t.w.callerFor(t.w.managerB.id);
    const rows = await admin.apiPublish.gatewayStats({ id: api.id, hours: 2 });
    const v1 = rows.filter((r) => r.version === "v1");
    expect(v1.some((r) => r.clientErrors > 0)).toBe(true);
    expect(v1.some((r) => r.serverErrors > 0)).toBe(true);
    expect(rows.every((r) => r.errorRate >= 0 && r.errorRate <= 1)).toBe(true);
    const nobody = await t.w.callerFor(t.w.nobodyB.id);
    expect(await failure(() => nobody.apiPublish.gatewayStats({ id: api.id }))).toMatchObject({ trpc: "FORBIDDEN" });
    const anonymous = await t.w.callerFor(null);
    expect(await failure(() => anonymous.apiPublish.gatewayStats({ id: api.id }))).toMatchObject({ trpc: "UNAUTHORIZED" });
    const adminA = await t.w.makeUser(t.w.platform.id, "gw-admin-a", ["administrator"]);
    const a = await t.w.callerFor(adminA.id, t.w.platform);
    expect(await failure(() => a.apiPublish.gatewayStats({ id: api.id }))).toMatchObject({ code: 18001, trpc: "NOT_FOUND" });
  });
});
