import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
let devB: { id: string };
beforeAll(async () => {
  w = t.w;
  db = t.db;
  devB = await w.makeUser(w.tenantB.id, "devb", ["developer"]);
});

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const audits = (recordId: string) => db.auditLog.findMany({ where: { recordId }, orderBy: { createdAt: "asc" } });

describe("identity resources", () => {
  it("are seeded with the standard ones for every tenant, which cannot be deleted or renamed", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const list = await admin.identityResource.list({ take: 100, orderby: "name", asc: true });
    expect(list.items.map((r) => r.name)).toEqual(["address", "email", "openid", "phone", "profile"]);
    expect(list.items.every((r) => r.standard)).toBe(true);
    expect(list.items.find((r) => r.name === "email")?.claims).toEqual(["email", "email_verified"]);
    const openid = list.items.find((r) => r.name === "openid")!;
    expect(await failure(() => admin.identityResource.delete({ id: openid.id }))).toMatchObject({ code: 18003, trpc: "CONFLICT" });
    expect(await failure(() => admin.identityResource.update({ id: openid.id, name: "oid" }))).toMatchObject({ code: 18009 });
    const relabeled = await admin.identityResource.update({ id: openid.id, name: "openid", displayName: "OpenID (sub)", claims: ["sub"] });
    expect(relabeled.displayName).toBe("OpenID (sub)");
    const custom = await admin.identityResource.create({ name: "roles", claims: ["role"] });
    await admin.identityResource.delete({ id: custom.id });
    expect(await db.identityResource.count({ where: { id: custom.id } })).toBe(0);
    // The platform tenant was seeded by seed(); a new tenant gets them on creation.
    expect(await db.identityResource.count({ where: { tenantId: w.platform.id, standard: true } })).toBe(5);
    const op = await w.callerFor(w.operator.id, w.platform);
    const created = await op.tenant.create({ name: "Fresh", hosts: [], claims: [], properties: [] });
    expect(await db.identityResource.count({ where: { tenantId: created.id, standard: true } })).toBe(5);
    // Developers may read but not change them.
    const dev = await w.callerFor(devB.id);
    expect((await dev.identityResource.list({})).total).toBe(5);
    expect(await failure(() => dev.identityResource.create({ name: "nope" }))).toMatchObject({ code: 10002 });
  });

  it("creates a custom one in the caller's tenant, reads, updates and deletes it, with an audit entry for each change", async () => {
    const admin = await w.callerFor(w.managerB.id, w.tenantB, { ip: "192.0.2.20" });
    const created = await admin.identityResource.create({
      name: "department",
      displayName: "Department",
      claims: ["dept", "dept_code"],
      tenantId: w.platform.id,
    });
    expect(created).toMatchObject({
      tenantId: w.tenantB.id,
      name: "department",
      displayName: "Department",
      description: null,
      claims: ["dept", "dept_code"],
      standard: false,
    });
    expect(await admin.identityResource.detail({ id: created.id })).toEqual(created);
    const renamed = await admin.identityResource.update({ id: created.id, name: "org", description: "Where you work", claims: ["org"] });
    expect(renamed).toMatchObject({ id: created.id, name: "org", displayName: null, description: "Where you work", claims: ["org"], standard: false });
    expect((await admin.identityResource.list({ standard: false })).items.map((r) => r.name)).toEqual(["org"]);
    expect(await admin.identityResource.delete({ id: created.id })).toEqual({ id: created.id });
    expect(await failure(() => admin.identityResource.detail({ id: created.id }))).toMatchObject({ code: 18008, trpc: "NOT_FOUND" });

    const trail = await audits(created.id);
    expect(trail.map((a) => a.action)).toEqual(["identityresource.create", "identityresource.update", "identityresource.delete"]);
    expect(trail.every((a) => a.tenantId === w.tenantB.id && a.actorId === w.managerB.id && a.ip === "192.0.2.20")).toBe(true);
    expect(trail[1]!.before).toMatchObject({ name: "department" });
    expect(trail[1]!.after).toMatchObject({ name: "org" });
  });

  it("refuses a taken name, and a standard one's delete or rename, changing and writing nothing", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const custom = await admin.identityResource.create({ name: "badge", claims: ["badge_no"] });
    const email = (await admin.identityResource.list({ name: "email", standard: true })).items[0]!;
    const auditsBefore = await db.auditLog.count();
    expect(await failure(() => admin.identityResource.create({ name: "profile" }))).toMatchObject({
      code: 18002,
      trpc: "CONFLICT",
      fields: { name: ["This name is already in use"] },
    });
    expect(await failure(() => admin.identityResource.update({ id: custom.id, name: "email" }))).toMatchObject({ code: 18002 });
    expect(await failure(() => admin.identityResource.update({ id: email.id, name: "mail", claims: [] }))).toMatchObject({
      code: 18009,
      fields: { name: ["A standard resource keeps its name"] },
    });
    expect(await failure(() => admin.identityResource.delete({ id: email.id }))).toMatchObject({ code: 18003, trpc: "CONFLICT" });
    expect(await db.identityResource.findUniqueOrThrow({ where: { id: custom.id } })).toMatchObject({ name: "badge", claims: ["badge_no"] });
    expect(await db.identityResource.findUniqueOrThrow({ where: { id: email.id } })).toMatchObject({
      name: "email",
      claims: ["email", "email_verified"],
      standard: true,
    });
    expect(await db.identityResource.count({ where: { tenantId: w.tenantB.id, name: "profile" } })).toBe(1);
    expect(await db.auditLog.count()).toBe(auditsBefore);
  });

  it("answers bad input with field errors and writes nothing", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const before = await db.identityResource.count();
    const f = await failure(() => admin.identityResource.create({ name: "bad name!", claims: ["a b"], description: "x".repeat(501) }));
    expect(f).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(f.fields!).sort()).toEqual(["claims.0", "description", "name"]);
    const list = await failure(() => admin.identityResource.list({ standard: "maybe" as unknown as boolean }));
    expect(Object.keys(list.fields!)).toEqual(["standard"]);
    const del = await failure(() => admin.identityResource.delete({ id: "1" }));
    expect(Object.keys(del.fields!)).toEqual(["id"]);
    expect(await db.identityResource.count()).toBe(before);
  });

  it("filters, orders and pages the list", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const page = await admin.identityResource.list({ standard: true, orderby: "name", asc: false, take: 2 });
    expect(page).toMatchObject({ total: 5 });
    expect(page.items.map((r) => r.name)).toEqual(["profile", "phone"]);
    expect((await admin.identityResource.list({ standard: true, orderby: "name", asc: false, skip: 4 })).items.map((r) => r.name)).toEqual(["address"]);
    // By display name too, case-insensitively.
    expect((await admin.identityResource.list({ name: "OPENID" })).items.map((r) => r.name)).toEqual(["openid"]);
  });

  it("keeps tenants apart: tenant B's administrator never sees or touches the platform's, the operator sees both", async () => {
    const op = await w.callerFor(w.operator.id, w.platform);
    const platformOnes = await op.identityResource.list({ tenantId: w.platform.id, take: 100 });
    expect(platformOnes.items.map((r) => r.tenantId)).toEqual(Array(5).fill(w.platform.id));
    const platformOpenid = platformOnes.items.find((r) => r.name === "openid")!;
    const platformCustom = await op.identityResource.create({ name: "staff", claims: ["staff_id"] });
    expect(platformCustom.tenantId).toBe(w.platform.id);
    const forB = await op.identityResource.create({ name: "op.made", tenantId: w.tenantB.id });
    expect(forB.tenantId).toBe(w.tenantB.id);
    expect(await failure(() => op.identityResource.create({ name: "lost", tenantId: UNKNOWN }))).toMatchObject({ code: 10004 });
    const everyTenant = new Set((await op.identityResource.list({ take: 100 })).items.map((r) => r.tenantId));
    expect(everyTenant.has(w.platform.id) && everyTenant.has(w.tenantB.id)).toBe(true);

    const admin = await w.callerFor(w.managerB.id);
    const mine = await admin.identityResource.list({ take: 100, tenantId: w.platform.id });
    expect(mine.items.every((r) => r.tenantId === w.tenantB.id)).toBe(true);
    expect(mine.items.map((r) => r.id)).not.toContain(platformCustom.id);
    for (const id of [platformCustom.id, platformOpenid.id, UNKNOWN]) {
      expect(await failure(() => admin.identityResource.detail({ id }))).toMatchObject({ code: 18008, trpc: "NOT_FOUND" });
      expect(await failure(() => admin.identityResource.update({ id, name: "mine-now" }))).toMatchObject({ code: 18008 });
      expect(await failure(() => admin.identityResource.delete({ id }))).toMatchObject({ code: 18008 });
    }
    expect(await db.identityResource.findUniqueOrThrow({ where: { id: platformCustom.id } })).toMatchObject({ name: "staff", tenantId: w.platform.id });
    expect((await audits(platformCustom.id)).map((a) => a.action)).toEqual(["identityresource.create"]);
  });

  it("needs the permission of each operation: 10002 without it, 10001 anonymous", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const target = await admin.identityResource.create({ name: "guarded" });
    const plain = await w.callerFor(w.plainB.id);
    const anon = await w.callerFor(null);
    const calls = (c: typeof plain) => [
      () => c.identityResource.list({}),
      () => c.identityResource.detail({ id: target.id }),
      () => c.identityResource.create({ name: "guarded2" }),
      () => c.identityResource.update({ id: target.id, name: "guarded3" }),
      () => c.identityResource.delete({ id: target.id }),
    ];
    for (const call of calls(plain)) expect(await failure(call)).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
    for (const call of calls(anon)) expect(await failure(call)).toMatchObject({ code: 10001, trpc: "UNAUTHORIZED" });
    // Developers read (get, detail) but do not write.
    const dev = await w.callerFor(devB.id);
    expect((await dev.identityResource.detail({ id: target.id })).name).toBe("guarded");
    expect(await failure(() => dev.identityResource.update({ id: target.id, name: "guarded3" }))).toMatchObject({ code: 10002 });
    expect(await failure(() => dev.identityResource.delete({ id: target.id }))).toMatchObject({ code: 10002 });
    expect(await db.identityResource.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ name: "guarded" });
    expect(await db.identityResource.count({ where: { name: { in: ["guarded2", "guarded3"] } } })).toBe(0);
  });

  it("publishes its error codes to anyone, in the caller's language", async () => {
    const anon = await w.callerFor(null, w.tenantB, { locale: "zh-CN" });
    const table = await anon.identityResource.errorCodes();
    expect(table.map((e) => e.code)).toEqual([
      10000, 10001, 10002, 10003, 10004, 10005, 10006, 10007, 10008, 10009, 10010, 10011, 10012, 10013, 18001, 18002, 18003, 18004, 18005, 18006, 18007, 18008,
      18009,
    ]);
    expect(table.find((e) => e.code === 18003)).toMatchObject({ code: 18003, status: 409 });
    expect(table.find((e) => e.code === 18003)!.name).toBe("标准身份资源不能删除");
  });
});
