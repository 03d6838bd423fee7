import { describe, expect, it } from "vitest";
import { safeRedirectTarget } from "./safe-redirect";

const ORIGIN = "https://acme.test";

describe("safeRedirectTarget", () => {
  it("keeps paths on this site, with their query and hash", () => {
    expect(safeRedirectTarget("/users?take=20#top", ORIGIN)).toBe("/users?take=20#top");
    expect(safeRedirectTarget("/account", ORIGIN)).toBe("/account");
    expect(safeRedirectTarget("https://acme.test/roles", ORIGIN)).toBe("/roles");
    expect(safeRedirectTarget("users", "https://acme.test/login")).toBe("/users");
  });

  it.each([
    ["/\t/evil.example", "tab (what /%09/ decodes to)"],
    ["/\n/evil.example", "newline (/%0a/)"],
    ["/\r\n/evil.example", "CR LF"],
    ["\\\\evil.example", "two backslashes"],
    ["//evil.example", "protocol-relative"],
    ["/\\evil.example", "slash backslash"],
    ["\\/evil.example", "backslash slash"],
    ["https://evil.example/", "another origin"],
    ["http://acme.test/", "same host, other scheme"],
    ["https://acme.test:8443/", "same host, other port"],
    ["https://acme.test.evil.example/", "our name as a prefix"],
    ["https://user@evil.example/", "credentials"],
    ["javascript:alert(1)", "javascript:"],
    ["JaVaScRiPt:alert(1)", "javascript: in mixed case"],
    [" javascript:alert(1)", "javascript: after a space"],
    ["data:text/html,<script>alert(1)</script>", "data:"],
    ["/.//evil.example", "a path that normalises to //"],
    ["/%2e//evil.example", "the same with an encoded dot"],
    ["", "empty"],
    [`/${"a".repeat(3000)}`, "too long"],
  ])("refuses %j (%s) and lands on the console home", (target) => {
    expect(safeRedirectTarget(target, ORIGIN)).toBe("/");
  });

  it("answers the fallback when nothing or no valid origin is given", () => {
    expect(safeRedirectTarget(undefined, ORIGIN)).toBe("/");
    expect(safeRedirectTarget(null, ORIGIN, "/account")).toBe("/account");
    expect(safeRedirectTarget("/users", "not an origin")).toBe("/");
  });

  it("never answers something a browser would read as another host", () => {
    for (const t of ["/\t/x", "/\n/x", "//x", "/\\x", "\\\\x", "/./\\x", "/..//x", "https:x", "https:/\\x"]) {
      const out = safeRedirectTarget(t, ORIGIN);
      expect(new URL(out, ORIGIN).origin, t).toBe(ORIGIN);
      expect(out.startsWith("//") || out.includes("\n") || out.includes("\t")).toBe(false);
    }
  });
});
