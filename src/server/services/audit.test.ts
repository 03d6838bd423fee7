import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";
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

describe("audit router", () => {
  beforeAll(async () => {
    // Rows in both tenants, by several actors, at known times.
    const at = (s: string) => new Date(`2026-03-0${s}T10:00:00Z`);
    await t.db.auditLog.createMany({
      data: [
        { tenantId: w.tenantB.id, actorId: w.managerB.id, action: "user.update", recordId: "u-1", createdAt: at("1") },
        { tenantId: w.tenantB.id, actorId: w.managerB.id, action: "role.update", recordId: "r-1", createdAt: at("2") },
        { tenantId: w.tenantB.id, actorId: w.plainB.id, action: "me.bindPhone", recordId: w.plainB.id, createdAt: at("3") },
        { tenantId: w.platform.id, actorId: w.operator.id, action: "tenant.update", recordId: w.tenantB.id, createdAt: at("4") },
      ],
    });
  });

  it("shows a tenant administrator only their tenant, newest first, whatever tenantId they pass", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const all = await admin.audit.list({ take: 100 });
    expect(all.items.length).toBeGreaterThanOrEqual(3);
    expect(all.items.every((r) => r.tenantId === w.tenantB.id)).toBe(true);
    const times = all.items.map((r) => r.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const sneaky = await admin.audit.list({ take: 100, tenantId: w.platform.id });
    expect(sneaky.items.some((r) => r.tenantId === w.platform.id)).toBe(false);
  });

  it("shows an operator every tenant, and one tenant when asked", async () => {
    const op = await w.callerFor(w.operator.id, w.platform);
    const all = await op.audit.list({ take: 100 });
    expect(new Set(all.items.map((r) => r.tenantId))).toEqual(new Set([w.tenantB.id, w.platform.id]));
    const onlyPlatform = await op.audit.list({ take: 100, tenantId: w.platform.id });
    expect(onlyPlatform.items.map((r) => r.action)).toContain("tenant.update");
    expect(onlyPlatform.items.every((r) => r.tenantId === w.platform.id)).toBe(true);
    expect(onlyPlatform.items.find((r) => r.action === "tenant.update")!.tenantName).toBe(w.platform.name);
  });

  it("filters by actor (id or name), resource, action, record and date range", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const range = { startTime: new Date("2026-03-01T00:00:00Z"), endTime: new Date("2026-03-05T00:00:00Z") };
    expect((await admin.audit.list({ ...range, actorId: w.plainB.id })).items.map((r) => r.action)).toEqual(["me.bindPhone"]);
    const byName = await admin.audit.list({ ...range, actor: "managerb" });
    expect(byName.items.map((r) => r.action)).toEqual(["role.update", "user.update"]);
    expect(byName.items[0]!.actorName).toBe("ManagerB");
    expect((await admin.audit.list({ ...range, resource: "role" })).items.map((r) => r.recordId)).toEqual(["r-1"]);
    expect((await admin.audit.list({ ...range, action: "update" })).total).toBe(2);
    expect((await admin.audit.list({ recordId: "u-1" })).items.map((r) => r.action)).toEqual(["user.update"]);
    expect(
      (await admin.audit.list({ startTime: new Date("2026-03-02T00:00:00Z"), endTime: new Date("2026-03-02T23:00:00Z") })).items.map((r) => r.recordId),
    ).toEqual(["r-1"]);
    expect((await admin.audit.list({ actor: "no-such-person" })).total).toBe(0);
    expect((await failure(() => admin.audit.list({ startTime: new Date("2026-03-02"), endTime: new Date("2026-03-01") }))).trpc).toBe("BAD_REQUEST");
  });

  it("pages by keyset without gaps or repeats", async () => {
    const op = await w.callerFor(w.operator.id, w.platform);
    const everything = await op.audit.list({ take: 100 });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await op.audit.list({ take: 2, cursor });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(everything.items.map((r) => r.id));
  });

  it("needs uc.audit.get", async () => {
    const plain = await w.callerFor(w.plainB.id);
    expect((await failure(() => plain.audit.list({}))).code).toBe(10002);
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
