import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import {
  CLIENT_IP_HEADER,
  clientAddress,
  clientProto,
  decodablePath,
  normalizeIp,
  prepareRequest,
  requestId,
  responseHeaders,
  trustedHops,
  fromRight,
  requestPath,
  API_CSP,
} from "./http-front.js";

describe("trustedHops", () => {
  it("reads TRUSTED_PROXY as a number of hops; anything else is none", () => {
    expect(trustedHops(undefined)).toBe(0);
    expect(trustedHops("0")).toBe(0);
    expect(trustedHops("1")).toBe(1);
    expect(trustedHops(" 2 ")).toBe(2);
    for (const v of ["", "yes", "true", "-1", "1.5", "999", "0x1"]) expect(trustedHops(v), v).toBe(0);
  });
});

describe("normalizeIp", () => {
  it("answers canonical addresses", () => {
    expect(normalizeIp("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(normalizeIp("::FFFF:10.0.0.1")).toBe("10.0.0.1");
    expect(normalizeIp(" 198.51.100.2 ")).toBe("198.51.100.2");
    expect(normalizeIp("198.51.100.2:4711")).toBe("198.51.100.2");
    expect(normalizeIp("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(normalizeIp("2001:db8::1")).toBe("2001:db8::1");
  });
  it("refuses what is not an address", () => {
    for (const v of [null, undefined, "", "unknown", "evil.example", "1.2.3", "1.2.3.256", "<script>", "1.2.3.4, 5.6.7.8", "_hidden", "x".repeat(100)]) {
      expect(normalizeIp(v), String(v)).toBeNull();
    }
  });
});

describe("clientAddress", () => {
  const peer = "::ffff:10.0.0.9";
  it("TRUSTED_PROXY=0: the TCP peer, whatever the client wrote", () => {
    expect(clientAddress({ peer, forwardedFor: "1.2.3.4", hops: 0 })).toBe("10.0.0.9");
    expect(clientAddress({ peer, forwardedFor: ["1.2.3.4", "5.6.7.8"], hops: 0 })).toBe("10.0.0.9");
    expect(clientAddress({ peer, forwardedFor: undefined, hops: 0 })).toBe("10.0.0.9");
    expect(clientAddress({ peer: undefined, forwardedFor: "1.2.3.4", hops: 0 })).toBeNull();
  });
  it("TRUSTED_PROXY=1: the rightmost X-Forwarded-For entry (what our proxy saw)", () => {
    expect(clientAddress({ peer, forwardedFor: "203.0.113.7", hops: 1 })).toBe("203.0.113.7");
    // A client's own X-Forwarded-For comes first; the proxy appends the real address.
    expect(clientAddress({ peer, forwardedFor: "6.6.6.6, 203.0.113.7", hops: 1 })).toBe("203.0.113.7");
    expect(clientAddress({ peer, forwardedFor: ["6.6.6.6", "203.0.113.7"], hops: 1 })).toBe("203.0.113.7");
  });
  it("TRUSTED_PROXY=2: two hops from the right", () => {
    expect(clientAddress({ peer, forwardedFor: "6.6.6.6, 203.0.113.7, 10.0.0.5", hops: 2 })).toBe("203.0.113.7");
    expect(clientAddress({ peer, forwardedFor: "203.0.113.7,10.0.0.5", hops: 2 })).toBe("203.0.113.7");
  });
  it("a header shorter than the hops, missing or garbage: the peer (nothing the client wrote)", () => {
    expect(clientAddress({ peer, forwardedFor: "203.0.113.7", hops: 2 })).toBe("10.0.0.9");
    expect(clientAddress({ peer, forwardedFor: undefined, hops: 1 })).toBe("10.0.0.9");
    expect(clientAddress({ peer, forwardedFor: "", hops: 1 })).toBe("10.0.0.9");
    expect(clientAddress({ peer, forwardedFor: " , ", hops: 1 })).toBe("10.0.0.9");
    expect(clientAddress({ peer, forwardedFor: "1.2.3.4, unknown", hops: 1 })).toBe("10.0.0.9");
    expect(clientAddress({ peer, forwardedFor: "1.2.3.4, <x>, 10.0.0.5", hops: 2 })).toBe("10.0.0.9");
    expect(clientAddress({ peer, forwardedFor: `${"1.1.1.1,".repeat(600)}1.2.3.4`, hops: 1 })).toBe("10.0.0.9");
  });
});

describe("requestId and scheme", () => {
  it("takes a proxy's X-Request-Id only behind a trusted proxy, and only a tame one", () => {
    expect(requestId("abc-123", 1)).toBe("abc-123");
    expect(requestId("abc-123", 0)).not.toBe("abc-123");
    expect(requestId("a\nb", 1)).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestId("x".repeat(200), 1)).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestId(undefined, 1)).not.toBe(requestId(undefined, 1));
  });
  it("https only from TLS or a trusted proxy", () => {
    expect(clientProto({ encrypted: false, forwardedProto: "https", hops: 0 })).toBe("http");
    expect(clientProto({ encrypted: false, forwardedProto: "https", hops: 1 })).toBe("https");
    // N from the right, as for X-Forwarded-For: a client's own "https" on the left is not believed.
    expect(clientProto({ encrypted: false, forwardedProto: "http, HTTPS", hops: 1 })).toBe("https");
    expect(clientProto({ encrypted: false, forwardedProto: "https, http", hops: 1 })).toBe("http");
    expect(clientProto({ encrypted: false, forwardedProto: "https, http", hops: 2 })).toBe("https");
    expect(clientProto({ encrypted: true, forwardedProto: undefined, hops: 0 })).toBe("https");
    expect(responseHeaders("http")["strict-transport-security"]).toBeUndefined();
    expect(responseHeaders("https")["strict-transport-security"]).toMatch(/^max-age=\d+/);
    expect(responseHeaders("http", "/api/files/abc")["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
    expect(responseHeaders("http", "/login")["content-security-policy"]).toBeUndefined();
    // Paths the page proxy leaves out get the strict policy too, even as a 404 page under them,
    // and so does an absolute-form request target.
    for (const path of ["/robots.txt", "/robots.txt/x", "/favicon.icox", "/logo.svg.html", "/_next/static/chunks/a.js", "/_next/imageX"])
      expect(responseHeaders("http", path)["content-security-policy"], path).toBe(API_CSP);
    expect(responseHeaders("http", "http://acme.test/api/files/k")["content-security-policy"]).toBe(API_CSP);
    expect(requestPath("http://acme.test/api/x?y=1")).toBe("/api/x");
  });
});

describe("decodablePath", () => {
  it("finds paths that cannot be percent-decoded", () => {
    for (const p of ["/api/trpc/%ff", "/api/v1/users/%ff", "/api/auth/%ff", "/api/exports/%ff", "/%E0%A4%A", "/a%"]) expect(decodablePath(p), p).toBe(false);
    for (const p of ["/", "/api/v1/users/%20x", "/login?callbackUrl=%ff", "/%E4%B8%AD"]) expect(decodablePath(p), p).toBe(true);
  });
});

describe("prepareRequest", () => {
  const request = (headers: Record<string, string>, remoteAddress = "::ffff:127.0.0.1", url = "/login") =>
    Object.assign(new EventEmitter(), { url, headers: { ...headers }, socket: { remoteAddress } }) as unknown as IncomingMessage;

  it("without a trusted proxy: one address, the peer's; the client's proxy headers are gone", () => {
    const req = request({
      "x-forwarded-for": "6.6.6.6",
      "x-real-ip": "7.7.7.7",
      [CLIENT_IP_HEADER]: "8.8.8.8",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      "x-request-id": "mine",
      forwarded: "for=9.9.9.9",
    });
    const r = prepareRequest(req, 0);
    expect(r.ip).toBe("127.0.0.1");
    expect(req.headers[CLIENT_IP_HEADER]).toBe("127.0.0.1");
    expect(req.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(req.headers["x-real-ip"]).toBeUndefined();
    expect(req.headers["x-forwarded-host"]).toBeUndefined();
    expect(req.headers.forwarded).toBeUndefined();
    expect(req.headers["x-forwarded-proto"]).toBe("http");
    expect(req.headers["x-request-id"]).not.toBe("mine");
    expect(req.headers["x-request-id"]).toBe(r.requestId);
    expect(r.decodable).toBe(true);
  });

  it("behind one trusted proxy: its hop, its host and scheme, its request id", () => {
    const req = request(
      { "x-forwarded-for": "6.6.6.6, 203.0.113.7", "x-forwarded-host": "acme.test", "x-forwarded-proto": "https", "x-request-id": "edge-1" },
      "10.0.0.2",
    );
    const r = prepareRequest(req, 1);
    expect(r).toMatchObject({ ip: "203.0.113.7", proto: "https", requestId: "edge-1" });
    expect(req.headers["x-forwarded-for"]).toBe("203.0.113.7");
    expect(req.headers["x-forwarded-host"]).toBe("acme.test");
  });

  it("behind one trusted proxy that appends: X-Forwarded-Host is the proxy's entry, not the client's", () => {
    const req = request({ "x-forwarded-for": "6.6.6.6, 203.0.113.7", "x-forwarded-host": "evil.example, acme.test" }, "10.0.0.2");
    prepareRequest(req, 1);
    expect(req.headers["x-forwarded-host"]).toBe("acme.test");
    const short = request({ "x-forwarded-host": "" }, "10.0.0.2");
    prepareRequest(short, 2);
    expect(short.headers["x-forwarded-host"]).toBeUndefined();
    expect(fromRight("a, b, c", 2)).toBe("b");
    expect(fromRight("a", 2)).toBeNull();
  });

  it("flags an undecodable path", () => {
    expect(prepareRequest(request({}, "127.0.0.1", "/api/trpc/%ff"), 0).decodable).toBe(false);
  });
});
