/**
 * The provider's outbound guard (outbound.ts): the lookup against a fake resolver (what DNS
 * rebinding would answer), and the agents against a real loopback server that must see no
 * connection when the address is not allowed.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_RESPONSE_BYTES, allowedAddresses, gatewayAllowance, guardedLookup, outboundHttpOptions } from "~/server/security/outbound";

type Answer = { address: string; family: number }[];
const fakeResolver = (answers: Record<string, Answer>) => (host: string, _o: unknown, cb: (err: NodeJS.ErrnoException | null, a: Answer) => void) =>
  answers[host] ? cb(null, answers[host]) : cb(Object.assign(new Error("not found"), { code: "ENOTFOUND" }), []);

/** What the lookup answers: the address (first form) or the error code. */
function resolve(lookup: ReturnType<typeof guardedLookup>, host: string, options: object = {}) {
  return new Promise<{ code?: string; address?: unknown; family?: number }>((done) =>
    (lookup as unknown as (h: string, o: object, cb: (e: NodeJS.ErrnoException | null, a: unknown, f?: number) => void) => void)(host, options, (e, a, f) =>
      done(e ? { code: e.code } : { address: a, family: f }),
    ),
  );
}

describe("the guarded lookup", () => {
  const answers: Record<string, Answer> = {
    "public.example": [{ address: "93.184.216.34", family: 4 }],
    "rebound.example": [{ address: "127.0.0.1", family: 4 }],
    "metadata.example": [{ address: "169.254.169.254", family: 4 }],
    "mixed.example": [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.7", family: 4 },
    ],
    "mapped.example": [{ address: "::ffff:192.168.0.1", family: 6 }],
    "ula.example": [{ address: "fd12:3456::1", family: 6 }],
    "v6.example": [{ address: "2606:4700:4700::1111", family: 6 }],
  };
  const none = () => new Set<string>();

  it("passes names that resolve to public addresses only, in both callback forms", async () => {
    const lookup = guardedLookup(fakeResolver(answers), none);
    expect(await resolve(lookup, "public.example")).toEqual({ address: "93.184.216.34", family: 4 });
    expect(await resolve(lookup, "v6.example", { all: true })).toEqual({ address: [{ address: "2606:4700:4700::1111", family: 6 }], family: undefined });
  });

  it("refuses a name that resolves to loopback, private, link-local (metadata), ULA or mapped private addresses, or to a mix", async () => {
    const lookup = guardedLookup(fakeResolver(answers), none);
    for (const host of ["rebound.example", "metadata.example", "mixed.example", "mapped.example", "ula.example"])
      expect(await resolve(lookup, host), host).toEqual({ code: "EOUTBOUNDREFUSED" });
    // A resolver's own failure stays its own.
    expect(await resolve(lookup, "nowhere.example")).toEqual({ code: "ENOTFOUND" });
  });

  it("lets through the addresses of the allowance, and only those", async () => {
    const lookup = guardedLookup(fakeResolver(answers), () => new Set(["127.0.0.1"]));
    expect(await resolve(lookup, "rebound.example")).toEqual({ address: "127.0.0.1", family: 4 });
    expect(await resolve(lookup, "metadata.example")).toEqual({ code: "EOUTBOUNDREFUSED" });
  });

  it("lets gateway backends into the operator's ranges (UC_GATEWAY_BACKEND_ALLOW) and nowhere else", async () => {
    const before = { gw: process.env.UC_GATEWAY_BACKEND_ALLOW, out: process.env.UC_OUTBOUND_ALLOW_ADDRESSES };
    try {
      delete process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
      delete process.env.UC_GATEWAY_BACKEND_ALLOW;
      expect(gatewayAllowance().has("10.1.2.3")).toBe(false);
      process.env.UC_GATEWAY_BACKEND_ALLOW = " 10.20.0.0/16, fd00::/8, 192.168.1.7 ,not-an-address, 300.1.1.1/8";
      const allow = gatewayAllowance();
      expect(["10.20.0.1", "10.20.255.254", "::ffff:10.20.3.4", "fd00::1", "fdff::2", "192.168.1.7"].map((a) => allow.has(a))).toEqual(Array(6).fill(true));
      expect(["10.21.0.1", "169.254.169.254", "127.0.0.1", "::1", "fe80::1", "192.168.1.8", "garbage"].map((a) => allow.has(a))).toEqual(Array(7).fill(false));
      // Only the gateway's agents use the ranges: the provider's and the importer's lookups still refuse them.
      const lookup = guardedLookup(fakeResolver({ "internal.example": [{ address: "10.20.0.5", family: 4 }] }));
      expect(await resolve(lookup, "internal.example")).toEqual({ code: "EOUTBOUNDREFUSED" });
      const gwLookup = guardedLookup(fakeResolver({ "internal.example": [{ address: "10.20.0.5", family: 4 }] }), gatewayAllowance);
      expect(await resolve(gwLookup, "internal.example")).toEqual({ address: "10.20.0.5", family: 4 });
    } finally {
      for (const [k, v] of [
        ["UC_GATEWAY_BACKEND_ALLOW", before.gw],
        ["UC_OUTBOUND_ALLOW_ADDRESSES", before.out],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });

  it("reads the allowance from UC_OUTBOUND_ALLOW_ADDRESSES, closed when unset", () => {
    const before = process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
    try {
      delete process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
      expect([...allowedAddresses()]).toEqual([]);
      process.env.UC_OUTBOUND_ALLOW_ADDRESSES = " 127.0.0.1 , [::1],";
      expect([...allowedAddresses()].sort()).toEqual(["127.0.0.1", "::1"]);
    } finally {
      if (before === undefined) delete process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
      else process.env.UC_OUTBOUND_ALLOW_ADDRESSES = before;
    }
  });
});

describe("the agents, against a real loopback server", () => {
  let server: http.Server;
  let port = 0;
  let connections = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === "/big") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end("x".repeat(MAX_RESPONSE_BYTES + 1));
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"keys":[]}');
    });
    server.on("connection", () => connections++);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** GET through the agent httpOptions gives for the URL: the status, or the error's code or message. */
  function get(options: ReturnType<typeof outboundHttpOptions>, url: string) {
    const u = new URL(url);
    const { agent, dnsLookup, signal } = options(u);
    return new Promise<{ status?: number; error?: string }>((done) => {
      const req = http.get(u, { agent, lookup: dnsLookup, signal }, (res) => {
        res.on("data", () => {});
        res.on("end", () => done({ status: res.statusCode }));
        res.on("error", (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
      });
      req.on("error", (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
    });
  }

  it("refuses loopback by literal and by name (localhost resolves to it) before connecting", async () => {
    const closed = outboundHttpOptions(() => new Set());
    const before = connections;
    expect(await get(closed, `http://127.0.0.1:${port}/jwks`)).toEqual({ error: "EOUTBOUNDREFUSED" });
    expect(await get(closed, `http://localhost:${port}/jwks`)).toEqual({ error: "EOUTBOUNDREFUSED" });
    expect(connections).toBe(before);
  });

  it("connects to an allowed address, and cuts a response over the size bound", async () => {
    const open = outboundHttpOptions(() => new Set(["127.0.0.1", "::1"]));
    expect(await get(open, `http://127.0.0.1:${port}/jwks`)).toEqual({ status: 200 });
    const big = await get(open, `http://127.0.0.1:${port}/big`);
    expect(big.status).toBeUndefined();
    expect(big.error).toBeTruthy();
  });
});
