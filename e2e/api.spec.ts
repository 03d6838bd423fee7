import { expect, test } from "@playwright/test";
import { ADMIN_PASSWORD, LoopbackClient, PORT, operatorApi, rawRequest } from "./helpers";

test.describe("HTTP API", () => {
  test("health names the database", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { status: string; db: string; version: string };
    expect(body.status).toBe("ok");
    expect(body.db).toBe(process.env.E2E_DATABASE_URL ? "postgresql" : "pglite");
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  test("unknown hosts get a clear JSON error and page", async () => {
    const api = await rawRequest({ path: "/api/v1/tenants", host: "unknown.example", headers: { "accept-language": "en" } });
    expect(api.status).toBe(404);
    expect(JSON.parse(api.body)).toMatchObject({ data: { appCode: 10007, name: "Unknown host" } });
    // Every page on an unbound host is a 404 that says why, in the visitor's language.
    // (The rendered sentence names the host; the bare message also travels in the page's payload.)
    for (const path of ["/login", "/register", "/forgot-password", "/users", "/tenant"]) {
      const page = await rawRequest({ path, host: "unknown.example", headers: { "accept-language": "en" } });
      expect(page.status, path).toBe(404);
      expect(page.body, path).toContain("The host name unknown.example is not bound to any tenant");
    }
    const zh = await rawRequest({ path: "/login", host: "unknown.example", headers: { "accept-language": "zh-CN" } });
    expect(zh.status).toBe(404);
    expect(zh.body).toContain("主机名 unknown.example 未绑定任何租户");
    // A missing page on a bound host is a 404 too, without the unknown-host sentence.
    const missing = await rawRequest({ path: "/no-such-page", host: `localhost:${PORT}`, headers: { "accept-language": "en" } });
    expect(missing.status).toBe(404);
    expect(missing.body).toContain("There is no page at this address.");
    expect(missing.body).not.toContain("The host name localhost");
  });

  test("next-auth CSRF + callback flow signs in, and the session works over REST", async ({ request, baseURL }) => {
    const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const bad = await request.post("/api/auth/callback/password", {
      form: { csrfToken, ustr: "admin", pwd: "nope-nope-nope", json: "true" },
      maxRedirects: 0,
    });
    expect((await request.get("/api/v1/tenants")).status()).toBe(401);
    expect([200, 302, 401]).toContain(bad.status());

    const ok = await request.post("/api/auth/callback/password", {
      form: { csrfToken, ustr: "ADMIN", pwd: ADMIN_PASSWORD, json: "true" },
      maxRedirects: 0,
    });
    expect([200, 302]).toContain(ok.status());
    const list = await request.get("/api/v1/tenants?orderby=name&asc=true&take=5");
    expect(list.status()).toBe(200);
    const body = (await list.json()) as { total: number; items: { name: string }[] };
    expect(body.items.map((t) => t.name)).toContain("Default");

    // Create over REST, with the cookie, from this site.
    const created = await request.post("/api/v1/tenants", {
      data: { name: "REST Tenant", hosts: ["rest.test"], claims: [], properties: [{ key: "smtp.password", value: "pw-123456", secret: true }] },
      headers: { origin: baseURL! },
    });
    expect(created.status()).toBe(200);
    const tenant = (await created.json()) as { id: string; properties: { value: string | null }[] };
    expect(tenant.properties[0]!.value).toBeNull();
    expect(JSON.stringify(tenant)).not.toContain("pw-123456");

    // The same cookie from another site is refused.
    const cross = await request.post("/api/v1/tenants", {
      data: { name: "Evil", hosts: [], claims: [], properties: [] },
      headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(cross.status()).toBe(403);
    expect(((await cross.json()) as { data: { appCode: number } }).data.appCode).toBe(10006);

    // A mutation is never served over GET.
    const viaGet = await request.get(`/api/trpc/tenant.delete?input=${encodeURIComponent(JSON.stringify({ json: { id: tenant.id } }))}`);
    expect(viaGet.status()).toBe(405);
    expect((await request.get(`/api/v1/tenants/${tenant.id}`)).status()).toBe(200);

    // Bad input: 400 with field errors in the caller's language.
    const bad400 = await request.post("/api/v1/tenants", {
      data: { name: "B", hosts: ["not a host"], claims: [], properties: [] },
      headers: { origin: baseURL!, "accept-language": "en" },
    });
    expect(bad400.status()).toBe(400);
    const err = (await bad400.json()) as { data: { appCode: number; fields: Record<string, string[]> } };
    expect(err.data.appCode).toBe(10003);
    expect(err.data.fields["hosts.0"]![0]).toContain("Not a valid host name");

    // Clash: 409.
    const clash = await request.post("/api/v1/tenants", { data: { name: "Clash", hosts: ["rest.test"] }, headers: { origin: baseURL! } });
    expect(clash.status()).toBe(409);

    // Sign-out ends the session record: the old cookie no longer works.
    const state = await request.storageState();
    const cookie = state.cookies.find((c) => c.name.endsWith("next-auth.session-token"))!;
    const { csrfToken: t2 } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    await request.post("/api/auth/signout", { form: { csrfToken: t2, json: "true" }, maxRedirects: 0 });
    const replay = await rawRequest({
      path: "/api/v1/tenants",
      host: `localhost:${new URL(baseURL!).port}`,
      headers: { cookie: `${cookie.name}=${cookie.value}` },
    });
    expect(replay.status).toBe(401);
  });

  test("the OpenAPI document describes every REST route", async ({ request }) => {
    const doc = (await (await request.get("/api/v1/openapi.json")).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/tenants", "/tenants/{id}", "/public/tenant", "/permissions"]));
  });

  test("anonymous public tenant detail by host", async () => {
    const res = await rawRequest({ path: "/api/v1/public/tenant", host: "localhost" });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ name: "Default" });
  });

  // Each party signs in from a loopback address of its own (the server counts failures per address).
  test("a stranger's lock does not keep the owner's browser out: the device cookie", async ({ playwright, baseURL }) => {
    const operator = await operatorApi(playwright, baseURL!);
    const userName = `device-${Date.now().toString(36)}`;
    const password = "device owner passphrase 1";
    const created = await operator.post("/api/v1/users", { headers: { origin: baseURL! }, data: { userName, password, mustChangePassword: false } });
    expect(created.status(), await created.text()).toBe(200);
    await operator.dispose();

    // The owner signs in once: the answer sets the device cookie, HttpOnly, SameSite=Lax, for 180 days (its token's maximum age).
    const owner = new LoopbackClient();
    const first = await owner.signIn(userName, password);
    expect(first.session).toBe(true);
    const setCookie = (first.res.headers["set-cookie"] ?? []).find((v) => v.startsWith("uc_device="));
    expect(setCookie).toBeDefined();
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Max-Age=15552000/i);
    const device = owner.cookies.get("uc_device")!;
    // Sign out: only the device cookie stays.
    await owner.signOut();
    expect([...owner.cookies.keys()].some((k) => k.endsWith("next-auth.session-token"))).toBe(false);

    // A stranger locks the account with two quick wrong guesses.
    const stranger = new LoopbackClient();
    expect((await stranger.signIn(userName, "guess one, wrong")).session).toBe(false);
    expect((await stranger.signIn(userName, "guess two, wrong")).session).toBe(false);
    // Locked for whoever has no device cookie, even with the right password...
    expect((await new LoopbackClient().signIn(userName, password)).session).toBe(false);
    // ...but the owner's browser signs in.
    const back = await owner.signIn(userName, password);
    expect(back.session).toBe(true);
    expect((JSON.parse((await owner.request("/api/auth/session")).body) as { sid?: string }).sid).toBeTruthy();

    // A forged device cookie does not help.
    const forged = new LoopbackClient();
    forged.cookies.set("uc_device", `${device.slice(0, -4)}AAAA`);
    expect((await forged.signIn(userName, password)).session).toBe(false);
  });
});
