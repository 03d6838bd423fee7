/**
 * A published API called through the gateway over HTTP, the whole way a tenant and its developers
 * go, on the server `npm start` runs (this project also runs on the embedded PGlite default):
 * the Swagger Petstore (the OpenAPI Initiative's Swagger 2.0 example, MIT, imported as YAML, not
 * written here) imported into an API resource's v1, put online, published under a suffix with a
 * scope and a loopback backend (allowed by the operator's UC_GATEWAY_BACKEND_ALLOW), bundled in a
 * product of 3 calls a minute; a signed-in user subscribes on the portal's API, takes a
 * client-credentials token from the tenant's provider and calls the API through the gateway. No
 * token, a token without the scope and a caller past the product's limit are refused; a
 * cancelled subscription's token stops at once.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { operatorApi } from "./helpers";

/** https://github.com/OAI/OpenAPI-Specification/blob/3.0.3/examples/v2.0/yaml/petstore.yaml */
const PETSTORE = `swagger: "2.0"
info:
  version: 1.0.0
  title: Swagger Petstore
  license:
    name: MIT
host: petstore.swagger.io
basePath: /v1
schemes:
  - http
consumes:
  - application/json
produces:
  - application/json
paths:
  /pets:
    get:
      summary: List all pets
      operationId: listPets
      tags:
        - pets
      parameters:
        - name: limit
          in: query
          description: How many items to return at one time (max 100)
          required: false
          type: integer
          format: int32
      responses:
        "200":
          description: A paged array of pets
          headers:
            x-next:
              type: string
              description: A link to the next page of responses
          schema:
            $ref: '#/definitions/Pets'
        default:
          description: unexpected error
          schema:
            $ref: '#/definitions/Error'
    post:
      summary: Create a pet
      operationId: createPets
      tags:
        - pets
      responses:
        "201":
          description: Null response
        default:
          description: unexpected error
          schema:
            $ref: '#/definitions/Error'
  /pets/{petId}:
    get:
      summary: Info for a specific pet
      operationId: showPetById
      tags:
        - pets
      parameters:
        - name: petId
          in: path
          required: true
          description: The id of the pet to retrieve
          type: string
      responses:
        "200":
          description: Expected response to a valid request
          schema:
            $ref: '#/definitions/Pets'
        default:
          description: unexpected error
          schema:
            $ref: '#/definitions/Error'
definitions:
  Pet:
    required:
      - id
      - name
    properties:
      id:
        type: integer
        format: int64
      name:
        type: string
      tag:
        type: string
  Pets:
    type: array
    items:
      $ref: '#/definitions/Pet'
  Error:
    required:
      - code
      - message
    properties:
      code:
        type: integer
        format: int32
      message:
        type: string
`;

let backend: http.Server;
let backendUrl = "";
/** What the backend was sent, last call first. */
const seen: { url: string; headers: http.IncomingHttpHeaders }[] = [];

test.beforeAll(async () => {
  backend = http.createServer((req, res) => {
    seen.unshift({ url: req.url ?? "", headers: req.headers });
    req.resume();
    req.on("end", () => {
      const body = JSON.stringify(req.url?.startsWith("/v1/pets/") ? [{ id: 7, name: "Rex" }] : [{ id: 1, name: "Tom" }]);
      res.writeHead(200, { "content-type": "application/json", "set-cookie": "backend=1" }).end(body);
    });
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/v1`;
});
test.afterAll(async () => {
  await new Promise<void>((r) => backend.close(() => r()));
});

test("an imported public API is published, subscribed to and called through the gateway", async ({ playwright, baseURL }) => {
  const operator = await operatorApi(playwright, baseURL!);
  const headers = { origin: baseURL! };
  const ok = async (res: Awaited<ReturnType<typeof operator.post>>) => {
    expect(res.status(), await res.text()).toBeLessThan(300);
    return res.json();
  };
  const suffix = `pets${Date.now().toString(36)}`;
  const audience = `urn:${suffix}:api`;

  await ok(await operator.post("/api/v1/api-scopes", { data: { name: `${suffix}.read` }, headers }));
  const api = (await ok(await operator.post("/api/v1/api-resources", { data: { name: audience, scopes: [`${suffix}.read`] }, headers }))) as { id: string };
  const v1 = (await ok(await operator.post(`/api/v1/api-resources/${api.id}/versions`, { data: { name: "v1" }, headers }))) as { id: string };
  const revision = (await ok(
    await operator.post(`/api/v1/api-resources/${api.id}/revisions`, {
      data: { versionId: v1.id, source: { kind: "text", text: PETSTORE, fileName: "petstore.yaml" } },
      headers,
    }),
  )) as { id: string; format: string };
  await ok(await operator.post(`/api/v1/api-revisions/${revision.id}/online`, { data: { notes: "First release" }, headers }));
  await ok(
    await operator.put(`/api/v1/api-resources/${api.id}/publish-config`, {
      data: { suffix, scopes: [`${suffix}.read`], backendUrl },
      headers,
    }),
  );
  const product = (await ok(
    await operator.post("/api/v1/api-products", { data: { name: `${suffix}-product`, published: true, requestLimit: 3, versionIds: [v1.id] }, headers }),
  )) as { id: string };

  // The portal lists it for anyone.
  const listed = (await (await playwright.request.newContext({ baseURL })).get("/api/v1/portal/apis").then((r) => r.json())) as {
    items?: { id: string }[];
  };
  expect(JSON.stringify(listed)).toContain(api.id);

  // A signed-in user subscribes and gets a client (its secret shown once).
  const sub = (await ok(await operator.post("/api/v1/portal/subscriptions", { data: { productId: product.id }, headers }))) as {
    clientId: string;
    clientSecret: string;
    subscription: { id: string; status: string };
  };
  expect(sub.subscription.status).toBe("active");
  const basic = `Basic ${Buffer.from(`${sub.clientId}:${sub.clientSecret}`).toString("base64")}`;
  const token = async (scope?: string) => {
    const res = await operator.post("/oidc/token", {
      form: { grant_type: "client_credentials", resource: audience, ...(scope ? { scope } : {}) },
      headers: { authorization: basic },
    });
    expect(res.status(), await res.text()).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const scoped = await token(`${suffix}.read`);
  const call = (path: string, bearer?: string) =>
    operator.get(`/gateway/${suffix}/v1${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  const pets = await call("/pets?limit=2", scoped);
  expect(pets.status(), await pets.text()).toBe(200);
  expect(await pets.json()).toEqual([{ id: 1, name: "Tom" }]);
  expect(pets.headers()["set-cookie"]).toBeUndefined();
  expect(seen[0]!.url).toBe("/v1/pets?limit=2");
  expect(seen[0]!.headers.authorization).toBeUndefined();
  expect(seen[0]!.headers["x-forwarded-host"]).toBe(new URL(baseURL!).host);
  const one = await call("/pets/7", scoped);
  expect(one.status()).toBe(200);
  expect(seen[0]!.url).toBe("/v1/pets/7");

  // Refused: no token (401 with a challenge), an operation the API does not have (404), a token without the scope (403).
  const anonymous = await call("/pets");
  expect(anonymous.status()).toBe(401);
  expect(anonymous.headers()["www-authenticate"]).toMatch(/^Bearer/);
  expect((await call("/owners", scoped)).status()).toBe(404);
  const unscoped = await token();
  expect((await call("/pets", unscoped)).status()).toBe(403);
  // The product allows 3 calls a minute (refusals before the limit do not count): the 4th is 429 with Retry-After.
  expect((await call("/pets", scoped)).status()).toBe(200);
  const limited = await call("/pets", scoped);
  expect(limited.status()).toBe(429);
  expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);

  // Cancelled: the token stops at the next call.
  expect((await operator.delete(`/api/v1/portal/subscriptions/${sub.subscription.id}`, { headers })).status()).toBe(200);
  expect((await call("/pets", scoped)).status()).toBe(401);
});
