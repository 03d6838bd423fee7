import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";
import { createLoginSession, loadActor } from "~/server/services/session";
import { accountLockedUntil } from "~/server/security/throttle";
import { verifyPassword } from "~/server/password";
import { COUNT_CAP, listUsers } from "~/server/services/user";
import { systemScope } from "~/server/services/scope";
import { userListInput } from "~/lib/validators/user";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
let roleId: (name: string) => Promise<string>;
beforeAll(() => {
  w = t.w;
  db = t.db;
  roleId = async (name) => (await db.role.findUniqueOrThrow({ where: { tenantId_name: { tenantId: w.tenantB.id, name } } })).id;
});

const ids = (r: { items: { id: string }[] }) => r.items.map((i) => i.id).sort();

describe("users: create, detail, update, exists", () => {
  it("creates with a checked password, roles and properties; audit has no hash; duplicates are 15002 with the field", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const created = await admin.user.create({
      userName: "Alice01",
      nickname: "爱丽丝",
      phone: "+86-13900000001",
      email: "Alice@Example.com",
      gender: "female",
      password: "a-long-and-unusual-pass",
      roleIds: [await roleId("partner")],
    });
    expect(created).toMatchObject({ userName: "Alice01", email: "alice@example.com", tenantId: w.tenantB.id, hasPassword: true });
    expect(created.roles.map((r) => r.name)).toEqual(["partner"]);
    const row = await db.user.findUniqueOrThrow({ where: { id: created.id } });
    expect(await verifyPassword(row.passwordHash!, "a-long-and-unusual-pass")).toBe(true);
    expect(row.teamPath).toBe(`${created.id}/`);
    const audit = await db.auditLog.findFirstOrThrow({ where: { recordId: created.id, action: "user.create" } });
    expect(JSON.stringify(audit.after)).not.toContain("argon2");
    expect(JSON.stringify(audit.after)).not.toContain("passwordHash");
    expect(audit).toMatchObject({ actorId: w.managerB.id, tenantId: w.tenantB.id });

    // A duplicate names the field that clashes, and only that one; never its value.
    expect(await failure(() => admin.user.create({ userName: "alice01", email: "alice@example.com" }))).toMatchObject({
      code: 15002,
      trpc: "CONFLICT",
      fields: { userName: ["This user name is already in use"], email: ["This email address is already in use"] },
    });
    const dup = await failure(() => admin.user.create({ userName: "fresh01", phone: "+86-13900000001" }));
    expect(dup).toMatchObject({ code: 15002, fields: { phone: ["This phone number is already in use"] } });
    expect(Object.keys(dup.fields ?? {})).toEqual(["phone"]);
    const emailOnly = await failure(() => admin.user.create({ userName: "fresh02", email: "ALICE@example.com" }));
    expect(Object.keys(emailOnly.fields ?? {})).toEqual(["email"]);
    expect(await failure(() => admin.user.create({ userName: "weakling", password: "password" }))).toMatchObject({ code: 14006 });
    expect(await failure(() => admin.user.create({ userName: "bad", phone: "13900000001" }))).toMatchObject({ trpc: "BAD_REQUEST" });

    expect(await admin.user.exists({ email: "ALICE@example.com" })).toEqual({ exists: true });
    expect(await admin.user.exists({ userName: "ALICE01" })).toEqual({ exists: true });
    expect(await admin.user.exists({ phone: "+86-13900000009" })).toEqual({ exists: false });

    const updated = await admin.user.update({ id: created.id, nickname: "Alice", address: "Beijing", birthday: new Date("1990-05-01") });
    expect(updated).toMatchObject({ nickname: "Alice", address: "Beijing", userName: "Alice01" });
    const upd = await db.auditLog.findFirstOrThrow({ where: { recordId: created.id, action: "user.update" } });
    expect(upd.before).toMatchObject({ nickname: "爱丽丝" });
    expect(upd.after).toMatchObject({ nickname: "Alice" });
    expect(await failure(() => admin.user.update({ id: created.id, email: "manager@b.test" }))).toMatchObject({
      code: 15002,
      fields: { email: ["This email address is already in use"] },
    });
  });

  it("claims and properties, roles, sessions and external logins in the detail", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const u = await admin.user.create({ userName: "claimer" });
    const after = await admin.user.setClaims({ id: u.id, claims: [{ type: "level", value: "gold" }], properties: { shoe: "42" } });
    expect(after.claims).toEqual([{ type: "level", value: "gold" }]);
    expect(after.properties).toEqual({ shoe: "42" });
    await db.externalLogin.create({ data: { tenantId: w.tenantB.id, userId: u.id, provider: "wechat", providerKey: "openid-claimer" } });
    const s = await createLoginSession(db, { tenantId: w.tenantB.id, userId: u.id, site: "web", method: "password" });
    const detail = await admin.user.detail({ id: u.id });
    expect(detail.externalLogins.map((l) => l.providerKey)).toEqual(["openid-claimer"]);
    expect((await admin.user.sessions({ id: u.id })).items.map((i) => i.id)).toEqual([s.id]);
    const unlinked = await admin.user.unlinkLogin({ id: u.id, loginId: detail.externalLogins[0]!.id });
    expect(unlinked.externalLogins).toEqual([]);
    const withRoles = await admin.user.setRoles({ id: u.id, roleIds: [await roleId("developer"), await roleId("partner")] });
    expect(withRoles.roles.map((r) => r.name)).toEqual(["developer", "partner"]);
    const actions = (await db.auditLog.findMany({ where: { recordId: u.id }, orderBy: { createdAt: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["user.create", "user.claims", "user.unlink", "user.roles"]);
  });
});

describe("users: list filters, sorting and cursor paging", () => {
  it("each filter returns exactly the right users", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const partner = await roleId("partner");
    const a = await admin.user.create({ userName: "filt-ann", nickname: "Zed", phone: "+86-13711110001", email: "ann@filter.test", roleIds: [partner] });
    const b = await admin.user.create({ userName: "filt-bob", nickname: "Bobby", phone: "+86-13711110002", email: "bob@filter.test", status: "disabled" });
    const c = await admin.user.create({ userName: "other-cat", nickname: "filt-nick", phone: "+86-13722220003" });
    await admin.user.setClaims({ id: b.id, claims: [{ type: "tier", value: "vip" }], properties: {} });
    await db.externalLogin.create({ data: { tenantId: w.tenantB.id, userId: c.id, provider: "miniprogram", providerKey: "mp-key-c" } });
    const list = (i: Parameters<typeof admin.user.list>[0]) => admin.user.list({ take: 100, ...i }).then(ids);

    expect(await list({ name: "filt-" })).toEqual([a.id, b.id, c.id].sort());
    // User names match whatever the case (their lower-cased key); nicknames as typed.
    expect(await list({ name: "FILT-" })).toEqual([a.id, b.id].sort());
    expect(await list({ name: "Bob" })).toEqual([b.id]);
    expect(await list({ phone: "+86-137111" })).toEqual([a.id, b.id].sort());
    expect(await list({ email: "BOB@filter" })).toEqual([b.id]);
    expect(await list({ roleId: partner, name: "filt" })).toEqual([a.id]);
    expect(await list({ status: "disabled", name: "filt" })).toEqual([b.id]);
    expect(await list({ claimType: "tier", claimValue: "vip" })).toEqual([b.id]);
    expect(await list({ claimType: "tier", claimValue: "gold" })).toEqual([]);
    expect(await list({ provider: "miniprogram", providerKey: "mp-key-c" })).toEqual([c.id]);
    expect(await list({ providerKey: "nope" })).toEqual([]);
    const cAt = (await db.user.findUniqueOrThrow({ where: { id: c.id } })).createdAt;
    expect(await list({ name: "filt", startTime: cAt })).toEqual([c.id]);
    expect(await list({ name: "filt", endTime: new Date(cAt.getTime() - 1) })).toEqual([a.id, b.id].sort());

    const sorted = await admin.user.list({ name: "filt", orderby: "userName", asc: true });
    expect(sorted.items.map((i) => i.userName)).toEqual(["filt-ann", "filt-bob", "other-cat"]);
    expect(sorted).toMatchObject({ total: 3, totalCapped: false, nextCursor: null });

    await admin.user.delete({ id: b.id });
    expect(await list({ name: "filt" })).toEqual([a.id, c.id].sort());
    expect(await list({ name: "filt", deleted: true })).toEqual([b.id]);
    await admin.user.recycle({ id: b.id });
    expect(await list({ name: "filt" })).toEqual([a.id, b.id, c.id].sort());
  });

  it("cursor pages equal offset pages for every sort, nulls included", async () => {
    for (let i = 0; i < 23; i++) {
      await db.user.create({
        data: {
          tenantId: w.tenantB.id,
          userName: i % 3 === 0 ? null : `page-${String(i % 7).padStart(2, "0")}-${i}`,
          userNameKey: i % 3 === 0 ? null : `page-${String(i % 7).padStart(2, "0")}-${i}`,
          nickname: `pager${i}`,
          phone: i % 4 === 0 ? null : `+86-1360000${String(i).padStart(4, "0")}`,
          email: i % 5 === 0 ? null : `p${i}@page.test`,
          createdAt: new Date(Date.UTC(2020, 0, 1 + (i % 5))), // ties on purpose
        },
      });
    }
    const scope = systemScope(db, { userId: w.managerB.id, tenantId: w.tenantB.id, isOperator: false, roles: [], permissions: [] });
    for (const orderby of ["createdAt", "userName", "phone", "email"] as const) {
      for (const asc of [true, false]) {
        const base = { name: "pager", orderby, asc, take: 4 };
        const all = await listUsers(scope, userListInput.parse({ ...base, take: 100 }));
        expect(all.items).toHaveLength(23);
        const viaCursor: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await listUsers(scope, userListInput.parse({ ...base, cursor }));
          const offset = await listUsers(scope, userListInput.parse({ ...base, skip: pages * 4 }));
          expect(page.items.map((i) => i.id)).toEqual(offset.items.map((i) => i.id));
          viaCursor.push(...page.items.map((i) => i.id));
          cursor = page.nextCursor ?? undefined;
          pages++;
        } while (cursor);
        expect(pages).toBe(6);
        expect(viaCursor).toEqual(all.items.map((i) => i.id));
      }
    }
    const admin = await w.callerFor(w.managerB.id);
    expect(await failure(() => admin.user.list({ cursor: "garbage" }))).toMatchObject({ trpc: "BAD_REQUEST" });
    const badDate = Buffer.from(JSON.stringify({ v: "not a date", id: w.managerB.id })).toString("base64url");
    expect(await failure(() => admin.user.list({ cursor: badDate }))).toMatchObject({ trpc: "BAD_REQUEST" });
  });
});

describe("users: counts past the cap", () => {
  it("counts exactly up to COUNT_CAP, then answers the database's estimate; LIKE wildcards match only themselves", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const n = COUNT_CAP + 300;
    await db.user.createMany({
      data: Array.from({ length: n }, (_, i) => ({ tenantId: w.tenantB.id, userName: `many${i}`, userNameKey: `many${i}`, nickname: i % 2 ? "Odd" : "Even" })),
    });
    await db.$executeRawUnsafe(`ANALYZE "User"`);
    const all = await admin.user.list({ name: "many", take: 5 });
    expect(all).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    expect(all.items).toHaveLength(5);
    // The planner's figure for this tenant's rows: not exact, but of the right size.
    expect(all.estimatedTotal).toBeGreaterThan(COUNT_CAP);
    expect(all.estimatedTotal).toBeLessThan(n * 3);
    // Under the cap the count is exact and no estimate is given.
    const odd = await admin.user.list({ name: "Odd" });
    expect(odd).toMatchObject({ total: n / 2, totalCapped: false, estimatedTotal: null });
    // `_` and `%` in a filter are letters, not wildcards.
    await admin.user.create({ userName: "under_score" });
    expect((await admin.user.list({ name: "under_" })).items.map((i) => i.userName)).toEqual(["under_score"]);
    expect((await admin.user.list({ name: "under%" })).total).toBe(0);
    expect((await admin.user.list({ name: "m_ny" })).total).toBe(0);
    await db.user.deleteMany({ where: { tenantId: w.tenantB.id, userNameKey: { startsWith: "many" } } });
  });
});

describe("users: isolation and guards", () => {
  it("another tenant's users are 404 everywhere; list never shows them; operators may pick a tenant", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const theirs = w.operator.id;
    const all = await admin.user.list({ take: 100, tenantId: w.platform.id });
    expect(all.items.every((i) => i.tenantId === w.tenantB.id)).toBe(true);
    for (const call of [
      () => admin.user.detail({ id: theirs }),
      () => admin.user.update({ id: theirs, nickname: "x" }),
      () => admin.user.delete({ id: theirs }),
      () => admin.user.recycle({ id: theirs }),
      () => admin.user.lock({ id: theirs, until: new Date(Date.now() + 60_000) }),
      () => admin.user.unlock({ id: theirs }),
      () => admin.user.resetPassword({ id: theirs }),
      () => admin.user.setRoles({ id: theirs, roleIds: [] }),
      () => admin.user.setClaims({ id: theirs, claims: [], properties: {} }),
      () => admin.user.sessions({ id: theirs }),
    ]) {
      expect(await failure(call)).toMatchObject({ code: 15001, trpc: "NOT_FOUND" });
    }
    // Another tenant's role cannot be assigned.
    const platformRole = await db.role.findFirstOrThrow({ where: { tenantId: w.platform.id } });
    expect(await failure(() => admin.user.setRoles({ id: w.plainB.id, roleIds: [platformRole.id] }))).toMatchObject({ code: 16001 });
    const op = await w.callerFor(w.operator.id, w.platform);
    const inB = await op.user.list({ tenantId: w.tenantB.id, take: 100 });
    expect(inB.items.map((i) => i.id)).toContain(w.plainB.id);
    expect(inB.items.every((i) => i.tenantId === w.tenantB.id)).toBe(true);
    // A user without uc.user.* is refused.
    const plain = await w.callerFor(w.plainB.id);
    expect(await failure(() => plain.user.list({}))).toMatchObject({ code: 10002 });
  });

  it("not on yourself (15003); the last administrator stays (16003)", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const me = w.managerB.id;
    expect(await failure(() => admin.user.delete({ id: me }))).toMatchObject({ code: 15003 });
    expect(await failure(() => admin.user.update({ id: me, status: "disabled" }))).toMatchObject({ code: 15003 });
    expect(await failure(() => admin.user.lock({ id: me, until: new Date(Date.now() + 60_000) }))).toMatchObject({ code: 15003 });
    // managerB is the only administrator: they cannot drop the role.
    expect(await failure(() => admin.user.setRoles({ id: me, roleIds: [] }))).toMatchObject({ code: 16003 });
    // A second administrator, then the operator tries to remove both: the last one stays.
    const adminRole = await roleId("administrator");
    const second = await admin.user.create({ userName: "second-admin", roleIds: [adminRole] });
    const op = await w.callerFor(w.operator.id, w.platform);
    await op.user.setRoles({ id: second.id, roleIds: [] });
    expect(await failure(() => op.user.delete({ id: me }))).toMatchObject({ code: 16003 });
    expect(await failure(() => op.user.update({ id: me, status: "disabled" }))).toMatchObject({ code: 16003 });
    await admin.user.setRoles({ id: second.id, roleIds: [adminRole] });
    const disabled = await op.user.update({ id: me, status: "disabled" });
    expect(disabled.status).toBe("disabled");
    expect(await failure(() => op.user.delete({ id: second.id }))).toMatchObject({ code: 16003 });
    await op.user.update({ id: me, status: "active" });
    expect((await db.user.findUniqueOrThrow({ where: { id: me } })).status).toBe("active");
  });

  it("lock, unlock and reset password end sessions and are audited", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const u = await admin.user.create({ userName: "lockme", password: "first-password-xyz" });
    const s1 = await createLoginSession(db, { tenantId: w.tenantB.id, userId: u.id, site: "web", method: "password" });
    const until = new Date(Date.now() + 3_600_000);
    const locked = await admin.user.lock({ id: u.id, until });
    expect(locked.lockedUntil?.getTime()).toBe(until.getTime());
    expect(await accountLockedUntil(db, w.tenantB.id, u.id)).toEqual(until);
    expect(await db.accountLock.count({ where: { userId: u.id, reason: "admin" } })).toBe(1);
    expect(await loadActor(db, s1.id, w.tenantB.id)).toBeNull();
    expect((await admin.user.unlock({ id: u.id })).lockedUntil).toBeNull();
    expect(await accountLockedUntil(db, w.tenantB.id, u.id)).toBeNull();
    expect(await failure(() => admin.user.lock({ id: u.id, until: new Date(Date.now() - 1000) }))).toMatchObject({ trpc: "BAD_REQUEST" });

    const s2 = await createLoginSession(db, { tenantId: w.tenantB.id, userId: u.id, site: "web", method: "password" });
    const gen = await admin.user.resetPassword({ id: u.id });
    expect(gen.generatedPassword).toMatch(/^.{16}$/);
    expect(gen.sessionsEnded).toBe(1);
    expect(await loadActor(db, s2.id, w.tenantB.id)).toBeNull();
    const hash = (await db.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash!;
    expect(await verifyPassword(hash, gen.generatedPassword!)).toBe(true);
    expect(await admin.user.resetPassword({ id: u.id, password: "chosen-by-admin-77" })).toEqual({ generatedPassword: null, sessionsEnded: 0 });
    expect(await failure(() => admin.user.resetPassword({ id: u.id, password: "12345678" }))).toMatchObject({ code: 14006 });
    const audit = await db.auditLog.findMany({ where: { recordId: u.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["user.create", "user.lock", "user.unlock", "user.resetpassword", "user.resetpassword"]);
    expect(JSON.stringify(audit)).not.toContain(gen.generatedPassword!);
    expect(JSON.stringify(audit)).not.toContain("chosen-by-admin-77");
  });
});
