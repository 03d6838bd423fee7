import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
let platformScope: { id: string };
beforeAll(async () => {
  w = t.w;
  db = t.db;
  const op = await w.callerFor(w.operator.id, w.platform);
  platformScope = await op.apiScope.create({ name: "platform.read", displayName: "Platform", claims: ["sub"] });
});

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const audits = (recordId: string) => db.auditLog.findMany({ where: { recordId }, orderBy: { createdAt: "asc" } });

describe("apiScope: create, detail, update, delete", () => {
  it("creates a scope in the caller's tenant, reads, renames and deletes it, with an audit entry for each change", async () => {
    const admin = await w.callerFor(w.managerB.id, w.tenantB, { ip: "192.0.2.10" });
    // A tenantId from a tenant administrator is ignored: the scope is theirs.
    const created = await admin.apiScope.create({
      name: " orders.read ",
      displayName: "Read orders",
      description: "line one\nline two",
      claims: ["sub", "email"],
      tenantId: w.platform.id,
    });
    expect(created).toMatchObject({
      tenantId: w.tenantB.id,
      name: "orders.read",
      displayName: "Read orders",
      description: "line one\nline two",
      claims: ["sub", "email"],
    });
    expect(await admin.apiScope.detail({ id: created.id })).toEqual(created);

    const updated = await admin.apiScope.update({ id: created.id, name: "orders.view", displayName: "", claims: [] });
    expect(updated).toMatchObject({ id: created.id, name: "orders.view", displayName: null, description: null, claims: [] });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());

    expect(await admin.apiScope.delete({ id: created.id })).toEqual({ id: created.id });
    expect(await db.apiScope.count({ where: { id: created.id } })).toBe(0);
    expect(await failure(() => admin.apiScope.detail({ id: created.id }))).toMatchObject({ code: 18007, trpc: "NOT_FOUND" });

    const trail = await audits(created.id);
    expect(trail.map((a) => a.action)).toEqual(["apiscope.create", "apiscope.update", "apiscope.delete"]);
    expect(trail.every((a) => a.tenantId === w.tenantB.id && a.actorId === w.managerB.id && a.ip === "192.0.2.10")).toBe(true);
    expect(trail[1]!.before).toMatchObject({ name: "orders.read", claims: ["sub", "email"] });
    expect(trail[1]!.after).toMatchObject({ name: "orders.view", claims: [] });
    expect(trail[2]!.before).toMatchObject({ name: "orders.view" });
    expect(trail[2]!.after).toBeNull();
  });

  it("refuses a taken name (18002 with the field), changing and writing nothing", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const a = await admin.apiScope.create({ name: "dup.a" });
    const b = await admin.apiScope.create({ name: "dup.b", displayName: "B" });
    const auditsBefore = await db.auditLog.count();
    const clash = await failure(() => admin.apiScope.create({ name: "dup.a", displayName: "again" }));
    expect(clash).toMatchObject({ code: 18002, trpc: "CONFLICT", fields: { name: ["This name is already in use"] } });
    const rename = await failure(() => admin.apiScope.update({ id: b.id, name: "dup.a" }));
    expect(rename).toMatchObject({ code: 18002, trpc: "CONFLICT" });
    expect(await db.apiScope.findUniqueOrThrow({ where: { id: b.id } })).toMatchObject({ name: "dup.b", displayName: "B" });
    expect(await db.apiScope.count({ where: { tenantId: w.tenantB.id, name: "dup.a" } })).toBe(1);
    expect(await db.auditLog.count()).toBe(auditsBefore);
    // The same name is free in another tenant.
    const op = await w.callerFor(w.operator.id, w.platform);
    expect((await op.apiScope.create({ name: "dup.a" })).tenantId).toBe(w.platform.id);
    expect(a.tenantId).toBe(w.tenantB.id);
  });

  it("keeps the name of a scope API resources name, and refuses to delete it (18006), leaving it whole", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const scope = await admin.apiScope.create({ name: "inuse.read", claims: ["sub"] });
    await admin.apiResource.create({ name: "inuse-api", scopes: ["inuse.read"] });
    const del = await failure(() => admin.apiScope.delete({ id: scope.id }));
    expect(del).toMatchObject({ code: 18006, trpc: "CONFLICT", fields: { name: ["API resources use this scope; remove it from them first"] } });
    expect(await failure(() => admin.apiScope.update({ id: scope.id, name: "inuse.r" }))).toMatchObject({ code: 18006 });
    expect(await db.apiScope.findUniqueOrThrow({ where: { id: scope.id } })).toMatchObject({ name: "inuse.read", claims: ["sub"] });
    expect((await audits(scope.id)).map((a) => a.action)).toEqual(["apiscope.create"]);
    // Other fields may change while it is in use.
    expect(await admin.apiScope.update({ id: scope.id, name: "inuse.read", displayName: "In use", claims: ["sub", "email"] })).toMatchObject({
      name: "inuse.read",
      displayName: "In use",
      claims: ["sub", "email"],
    });
  });

  it("answers bad input with field errors and writes nothing", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const before = await db.apiScope.count();
    const f = await failure(() => admin.apiScope.create({ name: "has space", claims: ["sub", "sub"], displayName: "x".repeat(101) }));
    expect(f).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(f.fields!).sort()).toEqual(["claims.1", "displayName", "name"]);
    const empty = await failure(() => admin.apiScope.create({ name: "  " }));
    expect(Object.keys(empty.fields!)).toEqual(["name"]);
    const badId = await failure(() => admin.apiScope.update({ id: "nope", name: "ok" }));
    expect(Object.keys(badId.fields!)).toEqual(["id"]);
    const detail = await failure(() => admin.apiScope.detail({ id: "nope" }));
    expect(detail).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(await db.apiScope.count()).toBe(before);
  });
});

describe("apiScope.list", () => {
  it("filters by name or display name, orders and pages within the caller's tenant", async () => {
    const admin = await w.callerFor(w.managerB.id);
    for (const [name, displayName] of [
      ["pg.c", "Gamma"],
      ["pg.a", "Alpha"],
      ["pg.b", "Beta PG"],
    ] as const)
      await admin.apiScope.create({ name, displayName });
    const page = await admin.apiScope.list({ name: "pg.", orderby: "name", asc: true, take: 2 });
    expect(page.total).toBe(3);
    expect(page.items.map((s) => s.name)).toEqual(["pg.a", "pg.b"]);
    expect((await admin.apiScope.list({ name: "pg.", orderby: "name", asc: true, skip: 2 })).items.map((s) => s.name)).toEqual(["pg.c"]);
    expect((await admin.apiScope.list({ name: "GAMMA" })).items.map((s) => s.name)).toEqual(["pg.c"]);
    // Newest first by default.
    expect((await admin.apiScope.list({ name: "pg." })).items.map((s) => s.name)).toEqual(["pg.b", "pg.a", "pg.c"]);
    const bad = await failure(() => admin.apiScope.list({ orderby: "claims" as "name", take: 500 }));
    expect(Object.keys(bad.fields!).sort()).toEqual(["orderby", "take"]);
  });

  it("lets the operator list every tenant's scopes, or one tenant's, and create in a tenant they name", async () => {
    const op = await w.callerFor(w.operator.id, w.platform);
    const all = await op.apiScope.list({ take: 100 });
    expect(new Set(all.items.map((s) => s.tenantId))).toEqual(new Set([w.tenantB.id, w.platform.id]));
    const onlyPlatform = await op.apiScope.list({ take: 100, tenantId: w.platform.id });
    expect(onlyPlatform.items.every((s) => s.tenantId === w.platform.id)).toBe(true);
    expect(onlyPlatform.items.map((s) => s.id)).toContain(platformScope.id);

    const forB = await op.apiScope.create({ name: "op.made", tenantId: w.tenantB.id });
    expect(forB.tenantId).toBe(w.tenantB.id);
    expect((await db.auditLog.findFirstOrThrow({ where: { recordId: forB.id } })).tenantId).toBe(w.tenantB.id);
    expect(await failure(() => op.apiScope.create({ name: "op.lost", tenantId: UNKNOWN }))).toMatchObject({ code: 10004, trpc: "NOT_FOUND" });
    expect(await db.apiScope.count({ where: { name: "op.lost" } })).toBe(0);
  });
});

describe("apiScope: tenant isolation and guards", () => {
  it("hides the platform's scopes from tenant B's administrator: not listed, detail/update/delete 18007, nothing changed", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const listed = await admin.apiScope.list({ take: 100 });
    expect(listed.items.every((s) => s.tenantId === w.tenantB.id)).toBe(true);
    expect(listed.items.map((s) => s.id)).not.toContain(platformScope.id);
    expect((await admin.apiScope.list({ tenantId: w.platform.id, take: 100 })).items.map((s) => s.id)).not.toContain(platformScope.id);
    expect(await failure(() => admin.apiScope.detail({ id: platformScope.id }))).toMatchObject({ code: 18007, trpc: "NOT_FOUND" });
    expect(await failure(() => admin.apiScope.update({ id: platformScope.id, name: "stolen" }))).toMatchObject({ code: 18007 });
    expect(await failure(() => admin.apiScope.delete({ id: platformScope.id }))).toMatchObject({ code: 18007 });
    expect(await failure(() => admin.apiScope.detail({ id: UNKNOWN }))).toMatchObject({ code: 18007 });
    expect(await db.apiScope.findUniqueOrThrow({ where: { id: platformScope.id } })).toMatchObject({ name: "platform.read", displayName: "Platform" });
    expect((await audits(platformScope.id)).map((a) => a.action)).toEqual(["apiscope.create"]);
  });

  it("needs the permission of each operation: 10002 without it, 10001 anonymous", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const mine = await admin.apiScope.create({ name: "guarded.read" });
    const plain = await w.callerFor(w.plainB.id);
    const anon = await w.callerFor(null);
    const calls = (c: typeof plain) => [
      () => c.apiScope.list({}),
      () => c.apiScope.detail({ id: mine.id }),
      () => c.apiScope.create({ name: "guarded.new" }),
      () => c.apiScope.update({ id: mine.id, name: "guarded.changed" }),
      () => c.apiScope.delete({ id: mine.id }),
    ];
    for (const call of calls(plain)) expect(await failure(call)).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
    for (const call of calls(anon)) expect(await failure(call)).toMatchObject({ code: 10001, trpc: "UNAUTHORIZED" });
    // A reader may list and read, not write.
    const role = await db.role.create({ data: { tenantId: w.tenantB.id, name: "scope-reader", permissions: ["uc.apiscope.get", "uc.apiscope.detail"] } });
    const reader = await db.user.create({
      data: { tenantId: w.tenantB.id, userName: "scopereader", userNameKey: "scopereader", roles: { create: [{ roleId: role.id }] } },
    });
    const r = await w.callerFor(reader.id);
    expect((await r.apiScope.detail({ id: mine.id })).name).toBe("guarded.read");
    expect((await r.apiScope.list({ name: "guarded" })).total).toBe(1);
    expect(await failure(() => r.apiScope.update({ id: mine.id, name: "guarded.changed" }))).toMatchObject({ code: 10002 });
    expect(await db.apiScope.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ name: "guarded.read" });
    expect(await db.apiScope.count({ where: { name: "guarded.new" } })).toBe(0);
  });

  it("publishes its error codes to anyone, in the caller's language", async () => {
    const anon = await w.callerFor(null, w.tenantB, { locale: "en" });
    const table = await anon.apiScope.errorCodes();
    expect(table.map((e) => e.code)).toEqual([
      10000, 10001, 10002, 10003, 10004, 10005, 10006, 10007, 10008, 10009, 10010, 10011, 10012, 10013, 18001, 18002, 18003, 18004, 18005, 18006, 18007, 18008,
      18009,
    ]);
    expect(table.find((e) => e.code === 18007)).toEqual({
      code: 18007,
      status: 404,
      name: "API scope not found",
      description: "No such API scope in this tenant",
    });
  });
});
