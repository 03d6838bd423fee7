import { describe, expect, it } from "vitest";
import { compileRoutes, requiredScopes, scopesSatisfied } from "~/server/gateway/routes";

const doc = {
  security: [{ oauth: ["read"] }],
  paths: {
    "/pets/{id}": { get: {}, delete: { security: [{ oauth: ["write"] }, { key: ["admin", "write"] }] } },
    "/pets/mine": { get: { security: [] } },
    "/files/{name}.json": { get: {} },
  },
};

describe("gateway routes", () => {
  const routes = compileRoutes(doc);
  it("matches concrete paths before templated ones, HEAD as GET, one segment per template", () => {
    expect(routes.match("GET", "/pets/mine")).toMatchObject({ template: "/pets/mine", scopes: [] });
    expect(routes.match("GET", "/pets/7")).toMatchObject({ template: "/pets/{id}", scopes: [["read"]] });
    expect(routes.match("HEAD", "/pets/7")).toMatchObject({ method: "GET" });
    expect(routes.match("GET", "/pets/7/")).toMatchObject({ template: "/pets/{id}" });
    expect(routes.match("GET", "/pets/7/toys")).toBeNull();
    expect(routes.match("GET", "/files/a.json")).toMatchObject({ template: "/files/{name}.json" });
    expect(routes.match("GET", "/files/a.xml")).toBeNull();
    expect(routes.match("PUT", "/pets/7")).toBeNull();
  });
  it("never matches a path the backend would normalise elsewhere", () => {
    for (const p of ["/pets/..", "/pets/.", "/pets/%2e%2E", "/pets/a%2Fb", "/pets/a%5cb", "/pets/a\\b"]) expect(routes.match("GET", p)).toBeNull();
  });
  it("reads scopes from the operation's requirement, else the document's; alternatives are OR, each set AND", () => {
    const del = routes.match("DELETE", "/pets/1")!;
    expect(del.scopes).toEqual([["write"], ["admin", "write"]]);
    expect(scopesSatisfied(del.scopes, ["write"])).toBe(true);
    expect(scopesSatisfied(del.scopes, ["admin"])).toBe(false);
    expect(scopesSatisfied([], [])).toBe(true);
    expect(requiredScopes([{ oauth: ["a"] }, {}])).toEqual([]);
  });
});
