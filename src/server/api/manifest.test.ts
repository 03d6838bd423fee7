import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("npm run -s api:manifest", () => {
  it("prints every procedure, each guarded by a permission or explicitly public", () => {
    const r = spawnSync("npm", ["run", "-s", "api:manifest"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const entries = JSON.parse(r.stdout) as { path: string; order: number; type: string; permission: string | null; public: boolean; rest: string | null }[];
    expect(entries.map((e) => e.path)).toEqual(expect.arrayContaining(["tenant.list", "tenant.create", "tenant.publicByHost"]));
    for (const e of entries) {
      expect(["query", "mutation"]).toContain(e.type);
      expect(e.public || /^uc\.[a-z]+\.[a-z]+$/.test(e.permission ?? ""), `${e.path} is guarded or public`).toBe(true);
      expect(e.rest, `${e.path} has a REST route`).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/api\/v1\//);
      if (e.type === "mutation") expect(e.rest!.startsWith("GET")).toBe(false);
    }
    // The REST layer serves the first route that matches, in the routers' order: a route with a
    // path parameter must not come before a literal route it would swallow.
    const routes = [...entries].sort((a, b) => a.order - b.order).map((e) => ({ path: e.path, rest: e.rest! }));
    for (const [i, a] of routes.entries()) {
      if (!a.rest.includes("{")) continue;
      const pattern = new RegExp(`^${a.rest.replace(/\{[^}]+\}/g, "[^/]+")}$`);
      for (const b of routes.slice(i + 1)) {
        if (b.rest !== a.rest) expect(pattern.test(b.rest), `${a.path} (${a.rest}) hides ${b.path} (${b.rest})`).toBe(false);
      }
    }
  }, 60_000);
});
