import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
let devB: { id: string };
let dev2B: { id: string };
let adminA: { id: string };

beforeAll(async () => {
  w = t.w;
  db = t.db;
  devB = await w.makeUser(w.tenantB.id, "devb", ["developer"]);
  dev2B = await w.makeUser(w.tenantB.id, "dev2b", ["developer"]);
  adminA = await w.makeUser(w.platform.id, "admina", ["administrator"]);
});

describe("API scopes and API resources", () => {
  it("creates a scope and a resource naming it; unknown scopes, foreign owners and duplicate names are refused", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const scope = await admin.apiScope.create({ name: "orders.read", displayName: "Read orders", claims: ["sub"] });
    const res = await admin.apiResource.create({ name: "orders", scopes: ["orders.read"], owners: [devB.id], userClaims: ["email"] });
    expect(res).toMatchObject({ name: "orders", scopes: ["orders.read"], owners: [devB.id], enabled: true });
    expect(await failure(() => admin.apiResource.create({ name: "billing", scopes: ["billing.write"] }))).toMatchObject({ code: 18004 });
    expect(await failure(() => admin.apiResource.create({ name: "billing", owners: [adminA.id] }))).toMatchObject({ code: 18005 });
    expect(await failure(() => admin.apiResource.create({ name: "orders" }))).toMatchObject({ code: 18002, trpc: "CONFLICT" });
    expect(await failure(() => admin.apiScope.create({ name: "orders.read" }))).toMatchObject({ code: 18002 });
    expect(await db.apiResource.count({ where: { tenantId: w.tenantB.id, name: "billing" } })).toBe(0);
    // A scope in use keeps its name and cannot be deleted.
    expect(await failure(() => admin.apiScope.delete({ id: scope.id }))).toMatchObject({ code: 18006 });
    expect(await failure(() => admin.apiScope.update({ id: scope.id, name: "orders.r" }))).toMatchObject({ code: 18006 });
    // The same name is fine in another tenant, whose administrator never sees tenant B's rows.
    const a = await w.callerFor(adminA.id, w.platform);
    await a.apiScope.create({ name: "orders.read" });
    expect((await a.apiResource.list({})).items.map((r) => r.id)).not.toContain(res.id);
    expect(await failure(() => a.apiResource.detail({ id: res.id }))).toMatchObject({ code: 18001, trpc: "NOT_FOUND" });
    expect(await failure(() => a.apiScope.delete({ id: scope.id }))).toMatchObject({ code: 18007 });
    // A tenant-B resource cannot name tenant A's scope either.
    const scopeA = await a.apiScope.create({ name: "only.in.a" });
    expect(scopeA.tenantId).toBe(w.platform.id);
    expect(await failure(() => admin.apiResource.create({ name: "x", scopes: ["only.in.a"] }))).toMatchObject({ code: 18004 });
    const audit = await db.auditLog.findMany({ where: { recordId: { in: [scope.id, res.id] } } });
    expect(audit.map((x) => x.action).sort()).toEqual(["apiresource.create", "apiscope.create"]);
  });

  it("filters and pages lists", async () => {
    const admin = await w.callerFor(w.managerB.id);
    for (const n of ["svc-a", "svc-b", "svc-c"]) await admin.apiResource.create({ name: n, enabled: n !== "svc-b" });
    const page = await admin.apiResource.list({ name: "svc", take: 2, orderby: "name", asc: true });
    expect(page.total).toBe(3);
    expect(page.items.map((r) => r.name)).toEqual(["svc-a", "svc-b"]);
    const off = await admin.apiResource.list({ name: "svc", enabled: false });
    expect(off.items.map((r) => r.name)).toEqual(["svc-b"]);
    // "Used by": the resources offering one scope, and only in the caller's tenant.
    await admin.apiScope.create({ name: "svc.read" });
    await admin.apiResource.update({ id: page.items[1]!.id, name: "svc-b", enabled: false, scopes: ["svc.read"] });
    expect((await admin.apiResource.list({ scope: "svc.read" })).items.map((r) => r.name)).toEqual(["svc-b"]);
    expect((await admin.apiResource.list({ scope: "svc.nothing" })).total).toBe(0);
    const a = await w.callerFor(adminA.id, w.platform);
    expect((await a.apiResource.list({ scope: "svc.read" })).total).toBe(0);
  });

  it("lets developers manage only API resources they own", async () => {
    const dev = await w.callerFor(devB.id);
    const mine = await dev.apiResource.create({ name: "dev-api" });
    expect(mine.owners).toEqual([devB.id]);
    const list = await dev.apiResource.list({ take: 100 });
    expect(list.items.map((r) => r.name).sort()).toEqual(["dev-api", "orders"]); // owner of "orders" too
    const dev2 = await w.callerFor(dev2B.id);
    expect(await failure(() => dev2.apiResource.update({ id: mine.id, name: "taken-over" }))).toMatchObject({ code: 18001 });
    expect(await failure(() => dev2.apiResource.delete({ id: mine.id }))).toMatchObject({ code: 18001 });
    // Editing their own, a developer cannot drop themselves from the owners.
    const edited = await dev.apiResource.update({ id: mine.id, name: "dev-api", owners: [dev2B.id] });
    expect(edited.owners.sort()).toEqual([devB.id, dev2B.id].sort());
  });
});
