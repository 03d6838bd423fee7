import { afterEach, describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER, FRONT_MARK } from "./http-front.js";
import { malformedPathResponse, requestIp, requestProto } from "./request";
import { contentSecurityPolicy } from "./csp";

const bag = (h: Record<string, string>) => new Headers(h);
const g = globalThis as Record<symbol, unknown>;

describe("requestIp", () => {
  afterEach(() => void delete g[FRONT_MARK]);

  it("reads only the address server.mjs worked out, never X-Forwarded-For or X-Real-IP", () => {
    g[FRONT_MARK] = { hops: 0 };
    expect(requestIp(bag({ [CLIENT_IP_HEADER]: "127.0.0.1", "x-forwarded-for": "6.6.6.6", "x-real-ip": "7.7.7.7" }))).toBe("127.0.0.1");
    expect(requestIp(bag({ "x-forwarded-for": "6.6.6.6", "x-real-ip": "7.7.7.7" }))).toBeNull();
  });

  it("without server.mjs in front (a bare `next start`) believes no header at all", () => {
    expect(requestIp(bag({ [CLIENT_IP_HEADER]: "8.8.8.8", "x-forwarded-for": "6.6.6.6" }))).toBeNull();
    expect(requestProto(bag({ "x-forwarded-proto": "https" }))).toBe("http");
  });
});

describe("malformed paths", () => {
  it("answers 400 with code 10003 in the caller's language", async () => {
    const req = new Request("http://localhost/api/trpc/%ff", { headers: { "accept-language": "en" } });
    const res = malformedPathResponse(req);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "BAD_REQUEST", data: { appCode: 10003, httpStatus: 400, name: "Invalid input" } });
  });
});

describe("contentSecurityPolicy", () => {
  it("scripts by nonce only, no framing, no other origins", () => {
    const csp = contentSecurityPolicy({ nonce: "abc123==" });
    expect(csp).toContain("script-src 'self' 'nonce-abc123==' 'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/https?:\/\//);
    expect(contentSecurityPolicy({ nonce: "n", uploadOrigins: ["https://ingest.example"] })).toContain("connect-src 'self' https://ingest.example");
  });
});
