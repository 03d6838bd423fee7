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

  it("JWKS and back-channel addresses: no internal host written as an IP literal, nor localhost (the server fetches them)", () => {
    for (const host of [
      "10.0.0.1",
      "172.16.5.4",
      "192.168.1.1",
      "127.0.0.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "[::1]",
      "[::]",
      "[fd00:ec2::254]",
      "[fe80::1]",
      "[::ffff:10.0.0.1]",
      "[ff02::1]",
      "localhost",
      "api.localhost",
      // Other spellings of 127.0.0.1: URL parsing makes them the dotted form first.
      "2130706433",
      "0x7f.1",
    ])
      expect(uriProblem(`https://${host}:8443/jwks`, "https"), host).toBe("privateHost");
    expect(uriProblem("https://93.184.216.34/jwks", "https")).toBeNull();
    expect(uriProblem("https://[2606:4700:4700::1111]/jwks", "https")).toBeNull();
    // A name is judged when it is fetched, by what it resolves to then (server/security/outbound.ts).
    expect(uriProblem("https://internal.example.com/jwks", "https")).toBeNull();
    // A redirect goes to the user's browser, not the server: loopback stays allowed there.
    expect(uriProblem("https://127.0.0.1/cb", "redirect", "web")).toBeNull();
  });

  it("says so on the field, in both languages", () => {
    const input = {
      clientType: "web",
      grantTypes: ["authorization_code"],
      redirectUris: ["https://app.example.com/cb"],
      tokenEndpointAuthMethod: "private_key_jwt",
      jwksUri: "https://169.254.169.254/latest/meta-data",
      backchannelLogoutUri: "https://[::1]/logout",
    };
    const en = errorsOf(input);
    const zh = errorsOf(input, "zh-CN");
    expect(Object.keys(en).sort()).toEqual(["backchannelLogoutUri", "jwksUri"]);
    expect(en.jwksUri![0]).toMatch(/^The server fetches this address itself/);
    expect(zh.jwksUri![0]).toMatch(/^服务器会自己访问这个地址/);
    expect(zh.backchannelLogoutUri).toEqual(zh.jwksUri);
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
