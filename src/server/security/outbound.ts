/**
 * The provider's outbound requests (oidc-provider's `httpOptions`): a client's JWKS URI
 * (private_key_jwt) and its back-channel logout URI, both typed by a tenant administrator. The
 * validator refuses internal hosts written as IP literals at registration; here every connection
 * is held to public addresses at connect time, whatever the name resolved to then (DNS
 * rebinding: a public answer at registration, 127.0.0.1 at the fetch). Which addresses are public
 * is lib/outbound-host.ts's call, the one place that says so.
 *
 * - Names: our `lookup` resolves them and refuses the answer if any address is not public (the
 *   socket connects to what the lookup returned, so there is no second resolution to race).
 * - IP literals: Node connects to them without a lookup, so the agent checks them itself.
 * - Redirects are never followed (the library's request helper), a request has 2.5 s, and a
 *   response at most MAX_RESPONSE_BYTES on the wire (a JWKS is a few KB).
 *
 * UC_OUTBOUND_ALLOW_ADDRESSES (comma-separated IP addresses) lets those few through although they
 * are not public: for tests whose relying parties listen on loopback, never for production. Unset,
 * nothing internal is reachable.
 */
import "server-only";
import * as dns from "node:dns";
import * as http from "node:http";
import * as https from "node:https";
import type { Duplex } from "node:stream";
import type { HttpOptions } from "oidc-provider";
import ipaddr from "ipaddr.js";
import { bareHost, isIpLiteral, isPublicAddress } from "~/lib/outbound-host";

export const OUTBOUND_TIMEOUT_MS = 2500;
/** Bytes a response may take on the wire, headers included; past that the connection is cut. */
export const MAX_RESPONSE_BYTES = 256 * 1024;

/** The addresses let through although they are not public (a Set of addresses, or ranges). */
type Allowance = { has(address: string): boolean };

type LookupAddress = { address: string; family: number };
type LookupAll = (hostname: string, options: dns.LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/** The addresses UC_OUTBOUND_ALLOW_ADDRESSES lets through (read each time: tests set it). */
export function allowedAddresses(): Set<string> {
  const list = (process.env.UC_OUTBOUND_ALLOW_ADDRESSES ?? "").split(",").map((s) => bareHost(s.trim()));
  return new Set(list.filter(Boolean));
}

const refused = (host: string, address: string) =>
  Object.assign(new Error(`outbound request to ${host} refused: ${address} is not a public address`), { code: "EOUTBOUNDREFUSED" });

/** Whether the server may connect to `address` (public, or named in the allowance). */
const permitted = (address: string, allowed: Allowance) => isPublicAddress(address) || allowed.has(bareHost(address));

/**
 * A `dns.lookup` replacement that resolves with `resolve` (dns.lookup; tests pass a fake) and
 * fails with EOUTBOUNDREFUSED when any address of the answer is not permitted: one public and one
 * internal address is how a rebinding answer looks, so the whole answer goes.
 */
export function guardedLookup(resolve: LookupAll = dns.lookup as unknown as LookupAll, allowed: () => Allowance = allowedAddresses) {
  return function lookup(
    hostname: string,
    options: dns.LookupOptions | number | ((...args: never[]) => void),
    callback?: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void {
    const cb = (typeof options === "function" ? options : callback) as NonNullable<typeof callback>;
    const opts: dns.LookupOptions = typeof options === "object" ? options : typeof options === "number" ? { family: options } : {};
    resolve(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return cb(err, []);
      const allow = allowed();
      const bad = addresses.find((a) => !permitted(a.address, allow));
      if (bad || !addresses.length) return cb(refused(hostname, bad?.address ?? "no address"), []);
      if (opts.all) return cb(null, addresses);
      cb(null, addresses[0]!.address, addresses[0]!.family);
    });
  } as unknown as typeof dns.lookup;
}

/** Cuts a connection whose peer sends more than `max` bytes. */
function bound(socket: Duplex, max: number): Duplex {
  let read = 0;
  socket.on("data", (chunk: Buffer) => {
    read += chunk.length;
    if (read > max) socket.destroy(new Error(`outbound response over ${max} bytes`));
  });
  return socket;
}

type ConnectionOptions = { host?: string | null; hostname?: string | null };
type CreateConnection = (options: ConnectionOptions, cb?: (err: Error | null, socket?: Duplex) => void) => Duplex | undefined;

/** An agent of `Base` (http or https) whose every connection goes through the guards above. */
function guardedAgent<T extends typeof http.Agent | typeof https.Agent>(
  Base: T,
  allowed: () => Allowance,
  maxBytes = MAX_RESPONSE_BYTES,
  keepAlive = false,
): InstanceType<T> {
  const agent = new Base({ keepAlive, lookup: guardedLookup(undefined, allowed) } as never) as InstanceType<T>;
  const create = (agent as unknown as { createConnection: CreateConnection }).createConnection.bind(agent);
  (agent as unknown as { createConnection: CreateConnection }).createConnection = (options, cb) => {
    const host = bareHost(options.host ?? options.hostname ?? "");
    // A literal is connected to as is (no lookup): it must pass here. The request fails as a refused connection would.
    if (isIpLiteral(host) && !permitted(host, allowed())) {
      const err = refused(host, host);
      if (!cb) throw err;
      process.nextTick(() => cb(err));
      return undefined;
    }
    const socket = create(options, cb);
    return socket && Number.isFinite(maxBytes) ? bound(socket, maxBytes) : socket;
  };
  return agent;
}

/** oidc-provider's `httpOptions`: the guarded agent for the URL's scheme, the lookup, a short timeout (tests pass `allowed`). */
export function outboundHttpOptions(allowed: () => Set<string> = allowedAddresses): (url: URL) => HttpOptions {
  const agents = { http: guardedAgent(http.Agent, allowed), https: guardedAgent(https.Agent, allowed) };
  const lookup = guardedLookup(undefined, allowed);
  return (url) => ({
    agent: url.protocol === "http:" ? agents.http : agents.https,
    dnsLookup: lookup,
    signal: AbortSignal.timeout(OUTBOUND_TIMEOUT_MS),
    "user-agent": "User Center",
  });
}

/**
 * A guarded agent for other server-side fetches of addresses a tenant typed (an API description
 * by URL: src/server/openapi/fetch.ts), for `protocol` (`http:` or `https:`), cutting the
 * connection past `maxBytes`. One per request: it keeps no connections.
 */
export function outboundAgent(protocol: string, maxBytes: number): http.Agent {
  return protocol === "http:" ? guardedAgent(http.Agent, allowedAddresses, maxBytes) : guardedAgent(https.Agent, allowedAddresses, maxBytes);
}

let parsedRanges: { text: string; ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] } = { text: "", ranges: [] };

/**
 * UC_GATEWAY_BACKEND_ALLOW: comma-separated addresses or CIDR ranges (`10.20.0.0/16`,
 * `fd00::/8`, `127.0.0.1`) where the platform operator runs backends that published APIs may be
 * served from although they are not public — a gateway usually fronts internal services. Only
 * the gateway's connections use it (never a JWKS, logout or import fetch), and only the operator
 * sets it: a tenant administrator types backend URLs, so everything else internal stays refused.
 * An entry that is not an address or range allows nothing. Read each time (parsed again only
 * when the text changes).
 */
export function gatewayAllowance(): Allowance {
  const text = process.env.UC_GATEWAY_BACKEND_ALLOW ?? "";
  if (text !== parsedRanges.text) {
    const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
    for (const raw of text.split(",")) {
      const entry = bareHost(raw.trim());
      if (!entry) continue;
      try {
        ranges.push(entry.includes("/") ? ipaddr.parseCIDR(entry) : [ipaddr.parse(entry), entry.includes(":") ? 128 : 32]);
      } catch {
        // not an address or range: allows nothing
      }
    }
    parsedRanges = { text, ranges };
  }
  const { ranges } = parsedRanges;
  const exact = allowedAddresses();
  return {
    has(address: string) {
      if (exact.has(address)) return true;
      if (!ipaddr.isValid(address)) return false;
      const ip = ipaddr.process(address);
      return ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
    },
  };
}

/**
 * The gateway's agents (src/server/gateway/proxy.ts): the same guard on every new connection,
 * kept alive between calls (a published API's backend is called again and again), with no byte
 * bound (the answer streams through to the caller, whose own pace bounds it).
 */
export const gatewayAgents = {
  http: guardedAgent(http.Agent, gatewayAllowance, Infinity, true),
  https: guardedAgent(https.Agent, gatewayAllowance, Infinity, true),
};

/** What the tenants' providers use (provider.ts). */
export const providerHttpOptions = outboundHttpOptions();
