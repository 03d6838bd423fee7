import { beforeAll, describe, expect, it } from "vitest";
import { setupWorld } from "~/test/fixtures";
import { apiManifest } from "~/server/api/manifest";
import { AUDITED_MUTATIONS, NOT_AUDITED_MUTATIONS } from "~/server/api/audit-policy";
import { MASK, maskSecrets, writeAudit } from "~/server/services/audit";
import { createCaller } from "~/server/api/root";

const t = setupWorld();
let w: typeof t.w;
beforeAll(() => {
  w = t.w;
});

describe("maskSecrets", () => {
  it("masks secret keys at any depth and secret tenant properties, keeping the rest", () => {
    const out = maskSecrets({
      name: "x",
      password: "p",
      passwordHash: "$argon2",
      nested: { clientSecret: "cs", token: "t", codeHash: "h", privateJwk: { d: "key" }, list: [{ secret: "s", hash: "h2", keep: 1 }] },
      properties: [
        { key: "wechat.appSecret", secret: true, value: "plain-secret" },
        { key: "site", secret: false, value: "https://a.test" },
        { key: "empty", secret: true, value: null },
      ],
      secretFlag: { secret: false },
      when: new Date("2026-01-01T00:00:00Z"),
    }) as Record<string, unknown>;
    expect(out).toEqual({
      name: "x",
      password: MASK,
      passwordHash: MASK,
      nested: { clientSecret: MASK, token: MASK, codeHash: MASK, privateJwk: MASK, list: [{ secret: MASK, hash: MASK, keep: 1 }] },
      properties: [
        { key: "wechat.appSecret", secret: true, value: MASK },
        { key: "site", secret: false, value: "https://a.test" },
        { key: "empty", secret: true, value: null },
      ],
      secretFlag: { secret: false },
      when: "2026-01-01T00:00:00.000Z",
    });
  });

  it("writeAudit stores only masked values, with IP and user agent", async () => {
    await writeAudit(
      t.db,
      { actorId: w.managerB.id, tenantId: w.tenantB.id, ip: "10.0.0.9", userAgent: "Vitest/1" },
      "test.mask",
      "rec-1",
      { passwordHash: "$argon2id$secret-hash" },
      { properties: [{ key: "k", secret: true, value: "top-secret-value" }], clientSecret: "cs-123" },
    );
    const row = await t.db.auditLog.findFirstOrThrow({ where: { action: "test.mask" } });
    expect(JSON.stringify([row.before, row.after])).not.toMatch(/argon2|top-secret|cs-123/);
    expect(row).toMatchObject({ ip: "10.0.0.9", userAgent: "Vitest/1", recordId: "rec-1" });
  });

  it("records the caller's user agent from a router mutation", async () => {
    const ctx = await w.ctxFor(w.managerB.id, w.tenantB);
    const [ip, userAgent] = ["192.0.2.7", "Mozilla/5.0 (UA test)"];
    // Services read the request's audit meta (createContext fills it with the request's ip and User-Agent).
    const caller = createCaller({ ...ctx, ip, userAgent, audit: { ip, userAgent, reqId: "req-ua" } });
    const r = await caller.role.create({ name: "ua-role", permissions: [], claims: [] });
    const row = await t.db.auditLog.findFirstOrThrow({ where: { recordId: r.id } });
    expect(row).toMatchObject({ action: "role.create", ip: "192.0.2.7", userAgent: "Mozilla/5.0 (UA test)" });
  });
});

describe("every mutation decides about auditing", () => {
  it("lists each mutation of the app router as audited or not audited (with a reason)", () => {
    const mutations = apiManifest()
      .filter((e) => e.type === "mutation")
      .map((e) => e.path);
    const audited = new Set<string>(AUDITED_MUTATIONS);
    const undecided = mutations.filter((p) => !audited.has(p) && !(p in NOT_AUDITED_MUTATIONS));
    expect(undecided, "add these to AUDITED_MUTATIONS (and write an audit row) or to NOT_AUDITED_MUTATIONS with a reason").toEqual([]);
    for (const p of [...audited, ...Object.keys(NOT_AUDITED_MUTATIONS)]) expect(mutations, `${p} is a mutation that exists`).toContain(p);
    for (const [p, why] of Object.entries(NOT_AUDITED_MUTATIONS)) {
      expect(audited.has(p), `${p} is on one list only`).toBe(false);
      expect(why.length, `${p} says why`).toBeGreaterThan(10);
    }
  });
});
