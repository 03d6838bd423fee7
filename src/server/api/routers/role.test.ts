import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";
import { isTenantGrantable } from "~/lib/permission-scope";

const t = setupWorld();
let w: typeof t.w;
beforeAll(() => {
  w = t.w;
});

const role = (name: string, permissions: string[] = ["uc.user.get"], claims: { type: string; value: string }[] = []) => ({
  name,
  description: "d",
  permissions,
  claims,
});

describe("tenant scope of permission codes", () => {
  it("keeps platform codes away from tenants", () => {
    for (const c of ["uc.all", "uc.tenant.post", "uc.tenant.all", "uc.tenant.delete", "uc.outbox.get"]) expect(isTenantGrantable(c), c).toBe(false);
    for (const c of ["uc.user.all", "uc.user.get", "uc.role.post", "uc.tenant.detail", "uc.audit.get", "uc.export.all", "uc.me.all"])
      expect(isTenantGrantable(c), c).toBe(true);
    expect(isTenantGrantable("uc.nothing.get")).toBe(false);
  });
});

describe("role router", () => {
  it("lets a tenant administrator create, read, update and delete a role, with an audit row for each change", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const created = await admin.role.create(role("auditor", ["uc.audit.get", "uc.user.all"], [{ type: "dept", value: "risk" }]));
    expect(created).toMatchObject({ tenantId: w.tenantB.id, name: "auditor", builtIn: false, permissions: ["uc.audit.get", "uc.user.all"], memberCount: 0 });
    expect(created.claims).toEqual([{ type: "dept", value: "risk" }]);

    const updated = await admin.role.update({ id: created.id, ...role("auditors", ["uc.audit.get"]), description: "changed" });
    expect(updated).toMatchObject({ name: "auditors", description: "changed", permissions: ["uc.audit.get"], claims: [] });
    expect((await admin.role.detail({ id: created.id })).name).toBe("auditors");

    await w.db.userRole.create({ data: { userId: w.plainB.id, roleId: created.id } });
    const members = await admin.role.members({ id: created.id });
    expect(members.items.map((m) => m.id)).toEqual([w.plainB.id]);
    expect((await admin.role.list({ name: "auditors" })).items[0]!.memberCount).toBe(1);

    await admin.role.delete({ id: created.id });
    expect(await w.db.role.findUnique({ where: { id: created.id } })).toBeNull();

    const rows = await w.db.auditLog.findMany({ where: { recordId: created.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => r.action)).toEqual(["role.create", "role.update", "role.delete"]);
    expect(rows.every((r) => r.tenantId === w.tenantB.id && r.actorId === w.managerB.id)).toBe(true);
    expect(rows[1]!.before).toMatchObject({ name: "auditor", permissions: ["uc.audit.get", "uc.user.all"] });
    expect(rows[1]!.after).toMatchObject({ name: "auditors", permissions: ["uc.audit.get"] });
  });

  it("filters by name and built-in", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const builtIn = await admin.role.list({ builtIn: true, take: 100 });
    expect(builtIn.items.map((r) => r.name).sort()).toEqual(["administrator", "developer", "partner", "user"]);
    const custom = await admin.role.list({ builtIn: false, take: 100 });
    expect(custom.items.every((r) => !r.builtIn)).toBe(true);
    expect(custom.items.map((r) => r.name)).toContain("tenant-manager");
    expect((await admin.role.list({ name: "ADMIN" })).items.map((r) => r.name)).toEqual(["administrator"]);
  });

  it("protects built-in roles: no delete, no permission or name change; the description may change", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const dev = (await admin.role.list({ name: "developer" })).items[0]!;
    expect((await failure(() => admin.role.delete({ id: dev.id }))).code).toBe(16002);
    expect((await failure(() => admin.role.update({ id: dev.id, name: "developer", description: "x", permissions: ["uc.me.all"], claims: [] }))).code).toBe(
      16002,
    );
    expect((await failure(() => admin.role.update({ id: dev.id, name: "dev2", description: "x", permissions: dev.permissions, claims: [] }))).code).toBe(16002);
    const ok = await admin.role.update({
      id: dev.id,
      name: "developer",
      description: "Builds integrations",
      permissions: [...dev.permissions].reverse(),
      claims: [],
    });
    expect(ok.description).toBe("Builds integrations");
    expect(ok.permissions).toEqual(dev.permissions);
    expect(await t.db.role.findUnique({ where: { id: dev.id } })).toBeTruthy();
  });

  it("keeps names unique per tenant (16005), but the same name may exist in another tenant", async () => {
    const admin = await w.callerFor(w.managerB.id);
    await admin.role.create(role("support"));
    const dup = await failure(() => admin.role.create(role("support")));
    // The name field says it is in use, never the name itself.
    expect(dup).toMatchObject({ code: 16005, fields: { name: ["This role name is already in use"] } });
    const other = await admin.role.create(role("support-2"));
    expect((await failure(() => admin.role.update({ id: other.id, ...role("support") }))).code).toBe(16005);
    const op = await w.callerFor(w.operator.id, w.platform);
    const platformRole = await op.role.create(role("support"));
    expect(platformRole.tenantId).toBe(w.platform.id);
  });

  it("refuses unknown codes (16004) with the offending field", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const f = await failure(() => admin.role.create(role("bogus", ["uc.user.get", "uc.user.fly"])));
    expect(f.code).toBe(16004);
    expect(await t.db.role.findFirst({ where: { name: "bogus" } })).toBeNull();
  });

  it("refuses platform-only codes to a tenant administrator (16006), but lets an operator grant them", async () => {
    const admin = await w.callerFor(w.managerB.id);
    for (const code of ["uc.all", "uc.tenant.post", "uc.outbox.get", "uc.tenant.all"]) {
      expect((await failure(() => admin.role.create(role(`p-${code}`, ["uc.user.get", code])))).code, code).toBe(16006);
    }
    expect(await t.db.role.count({ where: { name: { startsWith: "p-" } } })).toBe(0);
    const mine = await admin.role.create(role("reader"));
    expect((await failure(() => admin.role.update({ id: mine.id, ...role("reader", ["uc.user.get", "uc.all"]) }))).code).toBe(16006);

    const op = await w.callerFor(w.operator.id, w.platform);
    const granted = await op.role.create({ ...role("platform-ops", ["uc.all", "uc.outbox.get"]), tenantId: w.tenantB.id });
    expect(granted.tenantId).toBe(w.tenantB.id);
    // The tenant administrator can still edit what they may, keeping the operator's grant.
    const edited = await admin.role.update({ id: granted.id, ...role("platform-ops", ["uc.all", "uc.outbox.get", "uc.user.get"]), description: "kept" });
    expect(edited.permissions).toEqual(["uc.all", "uc.outbox.get", "uc.user.get"]);
  });

  it("isolates tenants: another tenant's role is a 404, and lists show only one's own", async () => {
    const op = await w.callerFor(w.operator.id, w.platform);
    const foreign = await op.role.create(role("platform-only-role"));
    const admin = await w.callerFor(w.managerB.id);
    for (const call of [
      () => admin.role.detail({ id: foreign.id }),
      () => admin.role.members({ id: foreign.id }),
      () => admin.role.update({ id: foreign.id, ...role("hijack") }),
      () => admin.role.delete({ id: foreign.id }),
    ]) {
      const f = await failure(call);
      expect(f.code).toBe(16001);
      expect(f.trpc).toBe("NOT_FOUND");
    }
    expect((await t.db.role.findUniqueOrThrow({ where: { id: foreign.id } })).name).toBe("platform-only-role");
    const listed = await admin.role.list({ take: 100, tenantId: w.platform.id });
    expect(listed.items.every((r) => r.tenantId === w.tenantB.id)).toBe(true);
    // Operators see every tenant, and can narrow to one.
    const all = await op.role.list({ take: 100 });
    expect(new Set(all.items.map((r) => r.tenantId))).toEqual(new Set([w.platform.id, w.tenantB.id]));
    const onlyB = await op.role.list({ take: 100, tenantId: w.tenantB.id });
    expect(onlyB.items.every((r) => r.tenantId === w.tenantB.id)).toBe(true);
  });

  it("needs the role permissions", async () => {
    const plain = await w.callerFor(w.plainB.id);
    expect((await failure(() => plain.role.list({}))).code).toBe(10002);
    expect((await failure(() => plain.role.create(role("x1")))).code).toBe(10002);
    const anon = await w.callerFor(null);
    expect((await failure(() => anon.role.list({}))).code).toBe(10001);
  });
});
