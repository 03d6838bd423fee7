import { readdirSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFetch } from "~/server/http-front.js";
import { OWN_V1_ROUTES, healthHandler, jsonLoginHandler, pickApiHandler, restHandler, trpcHandler } from "~/server/api/http";

describe("pickApiHandler (server.mjs's direct path)", () => {
  it("knows every route of its own under src/app/api/v1: Next answers those, not the catch-all", () => {
    const dir = path.join(process.cwd(), "src/app/api/v1");
    // Every route.ts but the catch-all's, as a sample path ("[operation]" → "X").
    const routes = (readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => f.endsWith("route.ts") && !f.startsWith("[..."))
      .map((f) => `/api/v1/${path.dirname(f).replace(/\[[^\]]+\]/g, "X")}`);
    expect(routes.sort()).toEqual(["/api/v1/files/upload", "/api/v1/login/X", "/api/v1/openapi.json", "/api/v1/users/import"]);
    for (const route of routes.filter((r) => r !== "/api/v1/login/X"))
      for (const method of ["GET", "POST"]) expect(pickApiHandler(route, method), route).toBeNull();
    // The JSON login route's own handler, for the one method it exports; a deeper path is the catch-all's, which Next answers.
    expect(pickApiHandler("/api/v1/login/AddNoginr", "POST")).toBe(jsonLoginHandler);
    expect(pickApiHandler("/api/v1/login/AddNoginr", "GET")).toBeNull();
    expect(pickApiHandler("/api/v1/login/a/b", "POST")).toBeNull();
    expect(OWN_V1_ROUTES).toHaveLength(routes.length);
    // Next sends what those routes do not match to the catch-all.
    expect(pickApiHandler("/api/v1/login", "GET")).toBe(restHandler);
    expect(pickApiHandler("/api/v1/files", "GET")).toBe(restHandler);
  });

  it("sends the REST mirror and tRPC to their handlers, for the methods their routes export", () => {
    expect(pickApiHandler("/api/v1/users", "GET")).toBe(restHandler);
    expect(pickApiHandler("/api/v1/users/x", "DELETE")).toBe(restHandler);
    expect(pickApiHandler("/api/v1/files", "GET")).toBe(restHandler);
    expect(pickApiHandler("/api/v1/files/uploads", "GET")).toBe(restHandler);
    expect(pickApiHandler("/api/v1/users", "OPTIONS")).toBeNull();
    expect(pickApiHandler("/api/trpc/user.list", "GET")).toBe(trpcHandler);
    expect(pickApiHandler("/api/trpc/user.list", "PUT")).toBeNull();
    expect(pickApiHandler("/api/health", "GET")).toBe(healthHandler);
    expect(pickApiHandler("/api/health", "POST")).toBeNull();
    for (const p of ["/", "/login", "/api/auth/session", "/api/healthz", "/api/v1", "/api/trpcx", "/api/files/k"])
      expect(pickApiHandler(p, "GET"), p).toBeNull();
  });
});

describe("serveFetch", () => {
  let server: http.Server;
  let base = "";
  const seen: { url: string; method: string; body: string; headers: Record<string, string> }[] = [];
  beforeAll(async () => {
    const handler = async (req: Request) => {
      seen.push({ url: req.url, method: req.method, body: await req.text(), headers: Object.fromEntries(req.headers) });
      if (req.url.endsWith("/stream")) {
        const enc = new TextEncoder();
        const body = new ReadableStream({
          start(c) {
            c.enqueue(enc.encode("one,"));
            c.enqueue(enc.encode("two"));
            c.close();
          },
        });
        return new Response(body, { status: 201 });
      }
      const headers = new Headers({ "content-type": "application/json", "x-answer": "42" });
      headers.append("set-cookie", "a=1; Path=/");
      headers.append("set-cookie", "b=2; Path=/");
      return new Response(JSON.stringify({ ok: true }), { status: 207, headers });
    };
    server = http.createServer((req, res) => void serveFetch(handler, req, res, "http", 1024));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("passes method, URL, headers and body, and writes back status, headers and every cookie", async () => {
    const res = await fetch(`${base}/api/v1/users?x=1`, { method: "POST", body: "hello", headers: { "x-custom": "v" } });
    expect(res.status).toBe(207);
    expect(res.headers.get("x-answer")).toBe("42");
    expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(await res.json()).toEqual({ ok: true });
    const got = seen.at(-1)!;
    expect(got).toMatchObject({ url: `${base}/api/v1/users?x=1`, method: "POST", body: "hello" });
    expect(got.headers["x-custom"]).toBe("v");
  });

  it("streams a streamed body", async () => {
    const res = await fetch(`${base}/stream`);
    expect(res.status).toBe(201);
    expect(await res.text()).toBe("one,two");
  });

  it("answers 413 (10013) to a body over the cap without calling the handler, declared or not", async () => {
    const before = seen.length;
    const declared = await fetch(`${base}/api/v1/x`, { method: "POST", body: "x".repeat(2000) });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { data: { appCode: number } }).data.appCode).toBe(10013);
    // Chunked, no content-length: counted as it arrives.
    const chunked = await fetch(`${base}/api/v1/x`, {
      method: "POST",
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 5; i++) c.enqueue(new TextEncoder().encode("y".repeat(400)));
          c.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(seen.length).toBe(before);
  });

  it("never builds a URL from a hostile Host header", async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.request(`${base}/api/v1/users`, { headers: { host: "evil.example/../@x" } }, (res) => {
        res.resume();
        res.on("end", () => resolve());
      });
      req.on("error", reject).end();
    });
    expect(seen.at(-1)!.url).toBe("http://invalid.invalid/api/v1/users");
  });
});
