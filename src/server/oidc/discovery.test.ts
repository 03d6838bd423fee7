/**
 * The discovery document read field by field against OpenID Connect Discovery 1.0 §3 (and the
 * OAuth metadata registry entries it is extended with: RFC 8414, 7662, 7009, 9126, 9207,
 * Back-Channel Logout 1.0, RP-Initiated Logout 1.0): every REQUIRED field there, every
 * RECOMMENDED one we can honour, and nothing that promises what the provider does not do.
 * Each promise is also tried where a try is cheap (a request object, an unsupported response
 * mode), against the real handler on an HTTP server as server.mjs mounts it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupWorld } from "~/test/fixtures";
import { prepareRequest } from "~/server/http-front.js";
import { handleOidc } from "~/server/oidc/handler";
import { resetProviders } from "~/server/oidc/provider";

const t = setupWorld();
let server: http.Server;
let origin = "";
let doc: Record<string, unknown>;
const REDIRECT = "https://rp.example/callback";

beforeAll(async () => {
  resetProviders();
  server = http.createServer((req, res) => {
    prepareRequest(req, 0);
    handleOidc(t.db, req, res).catch((e: unknown) => {
      console.error(e);
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  const res = await fetch(`${origin}/.well-known/openid-configuration`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  doc = (await res.json()) as Record<string, unknown>;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const list = (field: string) => {
  const v = doc[field];
  expect(Array.isArray(v), `${field} is a JSON array`).toBe(true);
  return v as string[];
};

describe("OpenID Connect Discovery 1.0 metadata", () => {
  it("has every REQUIRED field, with the values this provider really has", () => {
    // §3 and §4.3: the issuer is the URL the document was fetched under, minus the well-known path.
    expect(doc.issuer).toBe(origin);
    expect(doc.authorization_endpoint).toBe(`${origin}/oidc/auth`);
    expect(doc.token_endpoint).toBe(`${origin}/oidc/token`);
    expect(doc.jwks_uri).toBe(`${origin}/oidc/jwks`);
    // The code flow only (OAuth 2.1): no implicit, no hybrid, no "none".
    expect(list("response_types_supported")).toEqual(["code"]);
    // `sub` is the user's id, the same for every app of the tenant.
    expect(list("subject_types_supported")).toEqual(["public"]);
    // The platform's rotated keys are ES256. (§3 asks for RS256 too; we sign with ES256 only,
    // which the certified relying parties accept: see README, OpenID Provider.)
    expect(list("id_token_signing_alg_values_supported")).toEqual(["ES256"]);
  });

  it("has the RECOMMENDED fields it can honour, truthfully", () => {
    expect(doc.userinfo_endpoint).toBe(`${origin}/oidc/me`);
    // openid MUST be among the scopes; the standard identity resources are served.
    expect(list("scopes_supported")).toEqual(expect.arrayContaining(["openid", "offline_access", "profile", "email", "phone", "address"]));
    expect(list("claims_supported")).toEqual(
      expect.arrayContaining(["sub", "name", "preferred_username", "email", "email_verified", "phone_number", "phone_number_verified", "address"]),
    );
    // Dynamic client registration is not offered (clients are made in the console), so no registration_endpoint.
    expect(doc.registration_endpoint).toBeUndefined();
  });

  it("lists only grant types the token endpoint serves, never implicit or password", () => {
    const grants = list("grant_types_supported");
    expect(grants).toEqual(expect.arrayContaining(["authorization_code", "refresh_token"]));
    for (const g of grants) expect(["authorization_code", "refresh_token", "client_credentials"]).toContain(g);
  });

  it("requires PKCE with S256 only, and names response modes that suit the code flow", () => {
    expect(list("code_challenge_methods_supported")).toEqual(["S256"]);
    for (const m of list("response_modes_supported")) expect(["query", "form_post", "fragment"]).toContain(m);
    expect(list("response_modes_supported")).toContain("query");
  });

  it("names the client authentication methods and algorithms it accepts, never a symmetric one", () => {
    const methods = list("token_endpoint_auth_methods_supported");
    expect(methods).toEqual(expect.arrayContaining(["client_secret_basic", "none"]));
    for (const m of methods) expect(["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]).toContain(m);
    for (const field of ["token_endpoint_auth_signing_alg_values_supported", "request_object_signing_alg_values_supported"])
      if (doc[field] !== undefined) for (const alg of list(field)) expect(alg).not.toMatch(/^HS|^none$/);
    if (doc.userinfo_signing_alg_values_supported !== undefined) expect(list("userinfo_signing_alg_values_supported")).toEqual(["ES256"]);
  });

  it("publishes logout, introspection, revocation and PAR on this host, with their auth methods", () => {
    expect(doc.end_session_endpoint).toBe(`${origin}/oidc/session/end`);
    expect(doc.introspection_endpoint).toBe(`${origin}/oidc/token/introspection`);
    expect(doc.revocation_endpoint).toBe(`${origin}/oidc/token/revocation`);
    expect(doc.pushed_authorization_request_endpoint).toBe(`${origin}/oidc/request`);
    // RFC 9126: left out means false (PAR is offered, not required).
    expect(doc.require_pushed_authorization_requests ?? false).toBe(false);
    expect(list("introspection_endpoint_auth_methods_supported")).toEqual(list("token_endpoint_auth_methods_supported"));
    expect(list("revocation_endpoint_auth_methods_supported")).toEqual(list("token_endpoint_auth_methods_supported"));
    expect(doc.backchannel_logout_supported).toBe(true);
    expect(doc.backchannel_logout_session_supported).toBe(true);
    // RFC 9207: the authorization response names the issuer.
    expect(doc.authorization_response_iss_parameter_supported).toBe(true);
    // No endpoint of another host or path prefix.
    for (const [k, v] of Object.entries(doc)) if (k.endsWith("_endpoint") || k === "jwks_uri") expect(String(v).startsWith(`${origin}/oidc/`), k).toBe(true);
  });

  it("says what it does with request objects and request_uri, since their absence would mean yes", async () => {
    // §3: request_uri_parameter_supported defaults to true when left out: it must be stated.
    expect(doc.request_uri_parameter_supported).toBe(false);
    expect(doc.request_parameter_supported).toBe(false);
    expect(doc.claims_parameter_supported).toBe(false);
    // And the authorization endpoint agrees: a request_uri that PAR did not issue is refused
    // (back to the app with the error: the client and its redirect_uri are known).
    const c = await t.db.oAuthClient.create({
      data: {
        tenantId: t.w.platform.id,
        clientId: `disco-${Date.now()}`,
        name: "Discovery check",
        grantTypes: ["authorization_code"],
        scopes: [],
        redirectUris: [REDIRECT],
        corsOrigins: [],
      },
    });
    const q = new URLSearchParams({
      client_id: c.clientId,
      redirect_uri: REDIRECT,
      response_type: "code",
      scope: "openid",
      request_uri: "https://rp.example/req.jwt",
    });
    const res = await fetch(`${origin}/oidc/auth?${q.toString()}`, { redirect: "manual" });
    expect(res.status).toBe(303);
    const back = new URL(res.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get("error")).toMatch(/^(request_uri_not_supported|invalid_request_uri)$/);
  });

  it("states the claim types and locales it really serves", () => {
    if (doc.claim_types_supported !== undefined) expect(list("claim_types_supported")).toEqual(["normal"]);
    expect(list("ui_locales_supported")).toEqual(expect.arrayContaining(["en", "zh-CN"]));
    // Features left off are not advertised.
    expect(doc.device_authorization_endpoint).toBeUndefined();
    expect(doc.backchannel_authentication_endpoint).toBeUndefined();
    expect(doc.frontchannel_logout_supported).toBeUndefined();
  });
});
