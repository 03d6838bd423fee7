import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("npm run -s api:manifest", () => {
  it("prints every procedure, each guarded by a permission or explicitly public", () => {
    const r = spawnSync("npm", ["run", "-s", "api:manifest"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const entries = JSON.parse(r.stdout) as { path: string; type: string; permission: string | null; public: boolean; rest: string | null }[];
    expect(entries.map((e) => e.path)).toEqual(expect.arrayContaining(["tenant.list", "tenant.create", "tenant.publicByHost"]));
    for (const e of entries) {
      expect(["query", "mutation"]).toContain(e.type);
      expect(e.public || /^uc\.[a-z]+\.[a-z]+$/.test(e.permission ?? ""), `${e.path} is guarded or public`).toBe(true);
      expect(e.rest, `${e.path} has a REST route`).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/api\/v1\//);
      if (e.type === "mutation") expect(e.rest!.startsWith("GET")).toBe(false);
    }
  }, 60_000);
});
