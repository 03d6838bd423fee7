import http from "node:http";
import { createHash, randomInt } from "node:crypto";
import { expect, test } from "@playwright/test";
import { ADMIN_PASSWORD, PORT, fromAddress, loopback, operatorApi, rawRequest } from "./helpers";
import { solveCaptcha } from "../src/test/captcha";
import type { Challenge } from "altcha-lib";

// What server.mjs (the server of `npm start`) decides before Next sees a request, and the headers
// every answer carries. These run against the production server Playwright starts with `npm start`.

const md5 = (s: string) => createHash("md5").update(s).digest("hex");
const HOST = `localhost:${PORT}`;

async function captcha(): Promise<string> {
  const res = await rawRequest({ path: "/api/auth/captcha", host: HOST });
  return solveCaptcha(JSON.parse(res.body) as Challenge);
}

test.describe("the client's address is the TCP peer's (TRUSTED_PROXY=0)", () => {
  test("60 password failures with 60 forged X-Forwarded-For from one peer trip the captcha, then the 429", async () => {
    test.setTimeout(180_000);
    const peer = loopback();
    const signIn = async (i: number, afs?: string) => {
      const res = await fromAddress(peer, {
        path: "/api/v1/login/AddLogin",
        method: "POST",
        // Each attempt claims to come from somewhere else.
        headers: { "content-type": "application/json", "x-forwarded-for": `203.0.113.${i}, 198.51.100.${i}`, "x-real-ip": `192.0.2.${i}` },
        body: JSON.stringify({ ustr: `nobody-${peer}`, pwd: md5(`guess ${i}`), ...(afs ? { afs } : {}) }),
      });
      return (JSON.parse(res.body) as { error: number }).error;
    };
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) answers.push(await signIn(i));
    expect(answers).toEqual([12001, 12001, 12001, 12001, 12001]);
    // The sixth, from "another address", must prove it is human.
    expect(await signIn(5)).toBe(14004);
    let blockedAt = -1;
    for (let i = 5; i < 60; i++) {
      const code = await signIn(i, blockedAt < 0 ? await captcha() : undefined);
      if (code === 10005 && blockedAt < 0) blockedAt = i;
      expect(code, `attempt ${i + 1}`).toBe(blockedAt < 0 ? 12001 : 10005);
    }
    // 51 failures counted (5 + 46), then refused before any hash: 10005 / 429 with a solved captcha too.
    expect(blockedAt).toBe(51);
    const last = await fromAddress(peer, {
      path: "/api/v1/login/AddLogin",
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "10.9.9.9" },
      body: JSON.stringify({ ustr: "admin", pwd: md5(ADMIN_PASSWORD), afs: await captcha() }),
    });
    expect(last.status).toBe(429);

    // next-auth's sign-in (the browser form) counts the same peer: the captcha is asked for at once.
    const csrf = await fromAddress(peer, { path: "/api/auth/csrf", headers: { "x-forwarded-for": "10.1.1.1" } });
    const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
    const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
    const viaForm = await fromAddress(peer, {
      path: "/api/auth/callback/password",
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, "x-forwarded-for": "10.2.2.2" },
      body: new URLSearchParams({ csrfToken, ustr: `nobody-${peer}`, pwd: "whatever-whatever", json: "true" }).toString(),
    });
    expect(decodeURIComponent(viaForm.body + (viaForm.headers.location ?? ""))).toMatch(/error=10005/);
  });

  test("sessions record the peer's address, not the one the client claims", async () => {
    const peer = loopback();
    const res = await fromAddress(peer, {
      path: "/api/v1/login/AddLogin",
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.99", "x-real-ip": "192.0.2.99" },
      body: JSON.stringify({ ustr: "admin", pwd: md5(ADMIN_PASSWORD) }),
    });
    const { error, result } = JSON.parse(res.body) as { error: number; result: { token: string } };
    expect(error).toBe(0);
    const list = await rawRequest({ path: "/api/v1/me/sessions", host: HOST, headers: { authorization: `Bearer ${result.token}` } });
    const ips = (JSON.parse(list.body) as { ip: string | null }[]).map((s) => s.ip);
    expect(ips).toContain(peer);
    expect(ips).not.toContain("203.0.113.99");
    expect(ips).not.toContain("192.0.2.99");
  });

  test("each answer has a request id of its own; the client's is not taken", async () => {
    const a = await rawRequest({ path: "/api/health", host: HOST, headers: { "x-request-id": "forged-id" } });
    const b = await rawRequest({ path: "/api/health", host: HOST });
    expect(a.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers["x-request-id"]).not.toBe(b.headers["x-request-id"]);
  });
});

test.describe("post-login targets stay on this origin", () => {
  test("a signed-in visitor to /login?callbackUrl=<foreign> lands on the console home; /%0a/ is no 500", async ({ playwright, baseURL }) => {
    const operator = await operatorApi(playwright, baseURL!);
    const origin = new URL(baseURL!).origin;
    for (const target of [
      "/%09/evil.example",
      "/%0a/evil.example",
      "/%0d%0a/evil.example",
      "//evil.example",
      "/%5C/evil.example",
      "%5C%5Cevil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "/.//evil.example",
    ]) {
      const res = await operator.get(`/login?callbackUrl=${target}`, { maxRedirects: 0 });
      expect(res.status(), target).toBe(307);
      const location = res.headers()["location"]!;
      expect(new URL(location, origin).origin, `${target} → ${location}`).toBe(origin);
      expect(new URL(location, origin).pathname, target).toBe("/");
    }
    const ok = await operator.get("/login?callbackUrl=/users%3Ftake%3D5", { maxRedirects: 0 });
    expect(ok.headers()["location"]).toBe("/users?take=5");
    // Not signed in: the form page, not an error.
    const anon = await rawRequest({ path: "/login?callbackUrl=/%0a/x", host: HOST });
    expect(anon.status).toBe(200);
    await operator.dispose();
  });
});

test.describe("security headers", () => {
  const PAGES = ["/login", "/register", "/forgot-password", "/tenant", "/no-such-page"];

  const expectPageHeaders = (res: { status: number; body: string; headers: http.IncomingHttpHeaders }, what: string) => {
    const csp = String(res.headers["content-security-policy"] ?? "");
    expect(csp, what).toContain("frame-ancestors 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce, what).toBeTruthy();
    expect(csp, what).toContain("'strict-dynamic'");
    expect(csp, what).not.toMatch(/https?:\/\/|'unsafe-eval'/);
    // Every script Next renders carries this response's nonce.
    const scripts = res.body.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length, what).toBeGreaterThan(0);
    for (const s of scripts) expect(s, what).toContain(`nonce="${nonce}"`);
    expect(res.headers["x-content-type-options"], what).toBe("nosniff");
    expect(res.headers["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
    expect(res.headers["permissions-policy"], what).toMatch(/camera=\(\).*geolocation=\(\).*microphone=\(\)/);
    expect(res.headers["x-robots-tag"], what).toBe("noindex, nofollow");
    // Plain HTTP, and no trusted proxy to say otherwise: no HSTS.
    expect(res.headers["strict-transport-security"], what).toBeUndefined();
  };

  test("every page: CSP by nonce with frame-ancestors 'none', nosniff, Referrer-Policy, Permissions-Policy", async ({ playwright, baseURL }) => {
    for (const path of PAGES) {
      const res = await rawRequest({ path, host: HOST, headers: { "x-forwarded-proto": "https" } });
      expect([200, 404], path).toContain(res.status);
      expectPageHeaders(res, path);
    }
    expect((await rawRequest({ path: "/no-such-page", host: HOST })).status).toBe(404);
    // The unknown-host page.
    const unknown = await rawRequest({ path: "/login", host: "unknown.example" });
    expect(unknown.body).toContain("unknown.example");
    expectPageHeaders(unknown, "unknown host");
    // Nonces are per response.
    const [a, b] = await Promise.all([rawRequest({ path: "/login", host: HOST }), rawRequest({ path: "/login", host: HOST })]);
    expect(a.headers["content-security-policy"]).not.toBe(b.headers["content-security-policy"]);

    // The console and the API reference, signed in.
    const operator = await operatorApi(playwright, baseURL!);
    const state = await operator.storageState();
    const cookie = state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    for (const path of ["/tenants", "/users", "/api-docs", "/account"]) {
      const res = await rawRequest({ path, host: HOST, headers: { cookie } });
      expect(res.status, path).toBe(200);
      expectPageHeaders(res, path);
    }
    await operator.dispose();

    // API answers get the common headers too.
    const api = await rawRequest({ path: "/api/v1/public/tenant", host: HOST });
    expect(api.headers["x-content-type-options"]).toBe("nosniff");
    expect(api.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(api.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
  });

  test("anonymous POST /api/uploadthing is 401, not 403", async () => {
    const payload = JSON.stringify({ files: [{ name: "a.png", size: 100, type: "image/png", lastModified: Date.now() }], input: { folderName: "edge" } });
    const res = await rawRequest({
      path: "/api/uploadthing?actionType=upload&slug=image",
      host: HOST,
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "en" },
      body: payload,
    });
    expect(res.status, res.body).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ appCode: 10001 });
  });
});

test.describe("undecodable paths", () => {
  for (const path of ["/api/trpc/%ff", "/api/v1/users/%ff", "/api/auth/%ff", "/api/exports/%ff", "/api/trpc/user.list%E0%A4%A"]) {
    test(`${path} answers 400 / 10003`, async () => {
      for (const method of ["GET", "POST"]) {
        const res = await rawRequest({
          path,
          host: HOST,
          method,
          headers: { "accept-language": "en", "content-type": "application/json" },
          body: method === "POST" ? "{}" : undefined,
        });
        expect(res.status, `${method} ${path}: ${res.body}`).toBe(400);
        expect(JSON.parse(res.body), `${method} ${path}`).toMatchObject({ code: "BAD_REQUEST", data: { appCode: 10003, name: "Invalid input" } });
      }
    });
  }
});

test.describe("public files and the OpenAPI server", () => {
  test("favicon, robots.txt (nothing indexed) and the logo are served", async () => {
    const robots = await rawRequest({ path: "/robots.txt", host: HOST });
    expect(robots.status).toBe(200);
    expect(robots.body).toMatch(/User-agent: \*\s+Disallow: \/\s*$/);
    for (const path of ["/favicon.ico", "/logo.svg"]) expect((await rawRequest({ path, host: HOST })).status, path).toBe(200);
    expect((await rawRequest({ path: "/logo.svg", host: HOST })).headers["content-type"]).toContain("image/svg+xml");
  });

  test("/api/v1/openapi.json names its server by the tenant host it is asked on", async ({ playwright, baseURL }) => {
    const operator = await operatorApi(playwright, baseURL!);
    const host = `edge-${randomInt(1e6)}.test`;
    const created = await operator.post("/api/v1/tenants", {
      data: { name: `Edge ${host}`, hosts: [host], claims: [], properties: [] },
      headers: { origin: baseURL! },
    });
    expect(created.status()).toBe(200);
    await operator.dispose();
    const serverOf = async (h: string, headers: Record<string, string> = {}) => {
      const res = await rawRequest({ path: "/api/v1/openapi.json", host: h, headers });
      expect(res.status, h).toBe(200);
      return (JSON.parse(res.body) as { servers: { url: string }[] }).servers[0]!.url;
    };
    expect(await serverOf(HOST)).toBe(`http://${HOST}/api/v1`);
    expect(await serverOf(`${host}:${PORT}`)).toBe(`http://${host}:${PORT}/api/v1`);
    // No trusted proxy: what a client writes in X-Forwarded-Host / -Proto changes nothing.
    expect(await serverOf(`${host}:${PORT}`, { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" })).toBe(`http://${host}:${PORT}/api/v1`);
    const unknown = await rawRequest({ path: "/api/v1/openapi.json", host: "unknown.example" });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ data: { appCode: 10007 } });
  });
});
