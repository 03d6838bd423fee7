import { describe, expect, it } from "vitest";
import { clientCreateInput, settleClient, uriProblem } from "~/lib/validators/client";
import { fieldErrors } from "~/lib/validators/common";

const errorsOf = (input: Record<string, unknown>, locale: "en" | "zh-CN" = "en") => {
  const r = clientCreateInput.safeParse({ name: "App", ...input });
  return r.success ? {} : fieldErrors(r.error, locale);
};

describe("client addresses", () => {
  it("takes exact https addresses and http only on loopback, never wildcards, fragments or credentials", () => {
    expect(uriProblem("https://app.example.com/cb", "redirect", "web")).toBeNull();
    expect(uriProblem("http://127.0.0.1:8080/cb", "redirect", "spa")).toBeNull();
    expect(uriProblem("http://[::1]/cb", "redirect", "spa")).toBeNull();
    expect(uriProblem("http://localhost:3000/cb", "redirect", "web")).toBeNull();
    expect(uriProblem("http://app.example.com/cb", "redirect", "web")).toBe("httpLoopbackOnly");
    expect(uriProblem("https://*.example.com/cb", "redirect", "web")).toBe("noWildcards");
    expect(uriProblem("https://app.example.com/cb#x", "redirect", "web")).toBe("noFragment");
    expect(uriProblem("https://u:p@app.example.com/cb", "redirect", "web")).toBe("noCredentials");
    expect(uriProblem("not a url", "redirect", "web")).toBe("invalidUri");
    expect(uriProblem("javascript:alert(1)", "redirect", "web")).toBe("httpLoopbackOnly");
    // A native app may use a private-use scheme named like a reverse domain; nobody else may.
    expect(uriProblem("com.example.app:/oauth2", "redirect", "native")).toBeNull();
    expect(uriProblem("com.example.app:/oauth2", "redirect", "spa")).toBe("httpLoopbackOnly");
    expect(uriProblem("myapp:/cb", "redirect", "native")).toBe("nativeRedirectScheme");
    // JWKS and back-channel addresses: https only, loopback or not.
    expect(uriProblem("http://127.0.0.1/jwks", "https")).toBe("httpsOnly");
    expect(uriProblem("https://keys.example.com/jwks", "https")).toBeNull();
  });

  it("names each bad redirect URI once, in both languages", () => {
    const input = { clientType: "spa", grantTypes: ["authorization_code"], redirectUris: ["http://app.example.com/cb", "https://ok.example.com/cb"] };
    expect(errorsOf(input)).toEqual({ "redirectUris.0": ["Use https://; http:// is allowed only for 127.0.0.1, [::1] and localhost"] });
    expect(errorsOf(input, "zh-CN")["redirectUris.0"]).toHaveLength(1);
    expect(errorsOf({ clientType: "native", grantTypes: ["authorization_code"], redirectUris: ["myapp:/cb"] })["redirectUris.0"]).toHaveLength(1);
    expect(errorsOf({ clientType: "web", grantTypes: ["authorization_code"], redirectUris: ["com.example.app:/cb"] })["redirectUris.0"]).toHaveLength(1);
  });
});

describe("a client's type decides its grants and authentication", () => {
  const web = { clientType: "web", grantTypes: ["authorization_code", "refresh_token"], redirectUris: ["https://app.example.com/cb"] };
  it("web: a secret (basic or post) or private_key_jwt with an https JWKS URI", () => {
    expect(errorsOf(web)).toEqual({});
    expect(errorsOf({ ...web, tokenEndpointAuthMethod: "client_secret_post" })).toEqual({});
    expect(Object.keys(errorsOf({ ...web, tokenEndpointAuthMethod: "private_key_jwt" }))).toEqual(["jwksUri"]);
    expect(errorsOf({ ...web, tokenEndpointAuthMethod: "private_key_jwt", jwksUri: "https://app.example.com/jwks" })).toEqual({});
    expect(Object.keys(errorsOf({ ...web, tokenEndpointAuthMethod: "none" }))).toEqual(["tokenEndpointAuthMethod"]);
    expect(Object.keys(errorsOf({ ...web, redirectUris: [] }))).toEqual(["redirectUris"]);
  });
  it("spa and native: authentication none, code flow only", () => {
    const spa = { ...web, clientType: "spa" };
    expect(errorsOf(spa)).toEqual({});
    expect(settleClient(clientCreateInput.parse({ name: "Spa", ...spa })).tokenEndpointAuthMethod).toBe("none");
    expect(Object.keys(errorsOf({ ...spa, tokenEndpointAuthMethod: "client_secret_basic" }))).toEqual(["tokenEndpointAuthMethod"]);
    expect(Object.keys(errorsOf({ ...spa, grantTypes: ["authorization_code", "client_credentials"] }))).toEqual(["grantTypes.1"]);
  });
  it("machine: client credentials only and no redirect addresses; absent type keeps old callers working", () => {
    expect(errorsOf({ clientType: "machine" })).toEqual({});
    expect(settleClient(clientCreateInput.parse({ name: "Machine" })).clientType).toBe("machine");
    expect(Object.keys(errorsOf({ clientType: "machine", grantTypes: ["authorization_code"] })).sort()).toEqual(["grantTypes", "grantTypes.0"]);
    expect(Object.keys(errorsOf({ clientType: "machine", redirectUris: ["https://app.example.com/cb"] }))).toEqual(["redirectUris"]);
    expect(settleClient(clientCreateInput.parse({ name: "Machine", backchannelLogoutUri: "https://a.example.com/bc" })).backchannelLogoutUri).toBeNull();
  });
  it("lifetimes stay in bounds and idle within absolute", () => {
    expect(Object.keys(errorsOf({ ...web, idTokenLifetime: 10 }))).toEqual(["idTokenLifetime"]);
    expect(Object.keys(errorsOf({ ...web, refreshTokenAbsoluteLifetime: 600, refreshTokenIdleLifetime: 900 }))).toEqual(["refreshTokenIdleLifetime"]);
  });
  it("scope names are scope tokens; the logo is https or our file", () => {
    expect(Object.keys(errorsOf({ ...web, scopes: ["openid", "bad scope"] }))).toEqual(["scopes.1"]);
    expect(Object.keys(errorsOf({ ...web, logoUri: "http://app.example.com/logo.png" }))).toEqual(["logoUri"]);
    expect(errorsOf({ ...web, logoUri: "/api/files/abcdefgh12" })).toEqual({});
  });
});
