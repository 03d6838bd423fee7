import { beforeAll, describe, expect, it } from "vitest";
import { openApiResponse } from "~/server/api/openapi";
import { setupWorld } from "~/test/fixtures";

const t = setupWorld();
let db: typeof t.db;
beforeAll(() => {
  db = t.db;
});

const ask = async (headers: Record<string, string>) => {
  const r = await openApiResponse(db, new Headers(headers));
  return { status: r.status, body: (await r.json()) as { servers?: { url: string }[]; paths?: object; data?: { appCode: number } } };
};

describe("GET /api/v1/openapi.json", () => {
  it("names each tenant host it is asked on as the server, never a fixed one", async () => {
    const b = await ask({ host: "b.test" });
    expect(b.status).toBe(200);
    expect(b.body.servers).toEqual([{ url: "http://b.test/api/v1" }]);
    expect(Object.keys(b.body.paths ?? {})).toContain("/login/{operation}");
    // The platform's own host, on another port, in the same process: the cached document is not pinned to the first host.
    expect((await ask({ host: "localhost:3301" })).body.servers).toEqual([{ url: "http://localhost:3301/api/v1" }]);
    expect((await ask({ host: "b.test" })).body.servers).toEqual([{ url: "http://b.test/api/v1" }]);
  });

  it("trusts no forwarding header without a trusted proxy, and answers 10007 on a host bound to no tenant", async () => {
    const forged = await ask({ host: "b.test", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" });
    expect(forged.body.servers).toEqual([{ url: "http://b.test/api/v1" }]);
    const unbound = await ask({ host: "evil.example" });
    expect(unbound.status).toBe(404);
    expect(unbound.body.data?.appCode).toBe(10007);
    expect(unbound.body.servers).toBeUndefined();
  });
});
