import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";

const t = setupWorld();
let w: typeof t.w;
beforeAll(() => {
  w = t.w;
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

describe("audit router: what each entry says, and what others cannot see", () => {
  it("answers an entry as written by a router mutation: actor and tenant by name, before and after, IP and user agent", async () => {
    const admin = await w.callerFor(w.managerB.id, w.tenantB, { ip: "203.0.113.9", userAgent: "Vitest/audit" });
    const role = await admin.role.create({ name: "audited-role", description: "first", permissions: ["uc.user.get"], claims: [] });
    await admin.role.update({ id: role.id, name: "audited-role", description: "second", permissions: ["uc.user.get"], claims: [] });
    const entries = await admin.audit.list({ recordId: role.id });
    expect(entries.total).toBe(2);
    expect(entries.items.map((e) => e.action)).toEqual(["role.update", "role.create"]);
    const [update, create] = entries.items;
    expect(update).toMatchObject({
      tenantId: w.tenantB.id,
      tenantName: "Tenant B",
      actorId: w.managerB.id,
      actorName: "ManagerB",
      recordId: role.id,
      ip: "203.0.113.9",
      userAgent: "Vitest/audit",
      before: { description: "first" },
      after: { description: "second" },
    });
    expect(create!.before).toBeNull();
    expect(create!.after).toMatchObject({ name: "audited-role", description: "first" });
    // The nickname wins over the user name.
    await t.db.user.update({ where: { id: w.managerB.id }, data: { nickname: "经理" } });
    expect((await admin.audit.list({ recordId: role.id })).items[0]!.actorName).toBe("经理");
    await t.db.user.update({ where: { id: w.managerB.id }, data: { nickname: null } });
  });

  it("never shows a tenant administrator the platform's entries, whatever the filter", async () => {
    const admin = await w.callerFor(w.managerB.id);
    expect((await admin.audit.list({ actorId: w.operator.id })).total).toBe(0);
    expect((await admin.audit.list({ resource: "tenant" })).total).toBe(0);
    expect((await admin.audit.list({ action: "tenant.update" })).total).toBe(0);
    // The operator's own name matches no actor of tenant B.
    expect((await admin.audit.list({ actor: w.operator.userName! })).total).toBe(0);
    // A platform entry's id as a cursor does not open the platform's log either.
    const op = await w.callerFor(w.operator.id, w.platform);
    const platformEntry = (await op.audit.list({ tenantId: w.platform.id, action: "tenant.update" })).items[0]!;
    const page = await admin.audit.list({ cursor: platformEntry.id, take: 100 });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((r) => r.tenantId === w.tenantB.id)).toBe(true);
  });

  it("answers bad filters with field errors", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const f = await failure(() => admin.audit.list({ resource: "role.create", cursor: "x", actorId: "y" }));
    expect(f).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(f.fields!).sort()).toEqual(["actorId", "cursor", "resource"]);
    const range = await failure(() => admin.audit.list({ startTime: new Date("2026-03-02"), endTime: new Date("2026-03-01") }));
    expect(range).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(range.fields).not.toBeNull();
    const ctrl = await failure(() => admin.audit.list({ action: "role\u0000" }));
    expect(ctrl).toMatchObject({ code: 10003 });
    expect(Object.keys(ctrl.fields!)).toEqual(["action"]);
  });

  it("needs uc.audit.get: 10002 for users without it, 10001 anonymous", async () => {
    const nobody = await w.callerFor(w.nobodyB.id);
    expect(await failure(() => nobody.audit.list({}))).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
    const anon = await w.callerFor(null);
    expect(await failure(() => anon.audit.list({}))).toMatchObject({ code: 10001, trpc: "UNAUTHORIZED" });
    const anonPlatform = await w.callerFor(null, w.platform);
    expect(await failure(() => anonPlatform.audit.list({ tenantId: w.tenantB.id }))).toMatchObject({ code: 10001 });
  });
});
