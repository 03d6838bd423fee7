import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";
import { createCaller } from "~/server/api/root";
import { createLoginSession, loadActor } from "~/server/services/session";

const t = setupWorld();
let w: typeof t.w;
let env: { db: typeof t.db };
beforeAll(() => {
  w = t.w;
  env = { db: t.db };
});

const openFor = (userId: string, tenantId: string, extra: { ip?: string } = {}) =>
  createLoginSession(env.db, { tenantId, userId, site: "web", method: "password", ip: extra.ip ?? "10.1.2.3", userAgent: "UA" });

describe("login sessions (administrators)", () => {
  it("freeze, unfreeze, force offline: each refused or restored on the very next request", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const s = await openFor(w.plainB.id, w.tenantB.id);
    const live = () => loadActor(env.db, s.id, w.tenantB.id);
    expect(await live()).not.toBeNull();

    expect((await admin.session.freeze({ id: s.id })).state).toBe("frozen");
    expect(await live()).toBeNull();
    expect(await failure(() => admin.session.freeze({ id: s.id }))).toMatchObject({ code: 13002, trpc: "CONFLICT" });
    expect((await admin.session.unfreeze({ id: s.id })).state).toBe("active");
    expect(await live()).not.toBeNull();
    expect((await admin.session.offline({ id: s.id })).state).toBe("offline");
    expect(await live()).toBeNull();
    expect(await failure(() => admin.session.unfreeze({ id: s.id }))).toMatchObject({ code: 13002 });

    const audit = await env.db.auditLog.findMany({ where: { recordId: s.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["session.freeze", "session.unfreeze", "session.offline"]);
  });

  it("soft-delete to the recycle bin, recycle, delete for good", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const s = await openFor(w.plainB.id, w.tenantB.id);
    await admin.session.delete({ id: s.id });
    expect(await loadActor(env.db, s.id, w.tenantB.id)).toBeNull();
    const bin = await admin.session.list({ deleted: true });
    expect(bin.items.map((i) => i.id)).toContain(s.id);
    expect((await admin.session.list({})).items.map((i) => i.id)).not.toContain(s.id);
    await admin.session.recycle({ id: s.id });
    expect(await loadActor(env.db, s.id, w.tenantB.id)).not.toBeNull();
    await admin.session.purge({ id: s.id });
    expect(await env.db.loginSession.count({ where: { id: s.id } })).toBe(0);
    expect(await failure(() => admin.session.detail({ id: s.id }))).toMatchObject({ code: 13001, trpc: "NOT_FOUND" });
  });

  it("lists with filters, and never shows another tenant's sessions", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const mine = await openFor(w.plainB.id, w.tenantB.id, { ip: "192.168.7.7" });
    const theirs = await openFor(w.operator.id, w.platform.id);
    const byIp = await admin.session.list({ ip: "192.168.7" });
    expect(byIp.items.map((i) => i.id)).toEqual([mine.id]);
    expect(byIp.items[0]).toMatchObject({ userName: "plainb", ip: "192.168.7.7", site: "web", state: "active" });
    const byUser = await admin.session.list({ user: "PLAIN", take: 100 });
    expect(byUser.items.every((i) => i.userId === w.plainB.id)).toBe(true);
    const all = await admin.session.list({ take: 100 });
    expect(all.items.every((i) => i.tenantId === w.tenantB.id)).toBe(true);
    // Another tenant's session id is a 404 for every operation, and a tenantId filter changes nothing.
    expect((await admin.session.list({ tenantId: w.platform.id, take: 100 })).items.every((i) => i.tenantId === w.tenantB.id)).toBe(true);
    for (const call of [
      () => admin.session.detail({ id: theirs.id }),
      () => admin.session.freeze({ id: theirs.id }),
      () => admin.session.unfreeze({ id: theirs.id }),
      () => admin.session.offline({ id: theirs.id }),
      () => admin.session.delete({ id: theirs.id }),
      () => admin.session.recycle({ id: theirs.id }),
      () => admin.session.purge({ id: theirs.id }),
    ]) {
      expect(await failure(call)).toMatchObject({ code: 13001, trpc: "NOT_FOUND" });
    }
    // Operators look across tenants.
    const op = await w.callerFor(w.operator.id, w.platform);
    const inB = await op.session.list({ tenantId: w.tenantB.id, take: 100 });
    expect(inB.items.map((i) => i.id)).toContain(mine.id);
    await expect(op.session.detail({ id: mine.id })).resolves.toMatchObject({ tenantId: w.tenantB.id });
  });
});

describe("my sessions", () => {
  it("the holder sees, renames and ends their own, and nobody else's", async () => {
    const s1 = await openFor(w.plainB.id, w.tenantB.id);
    const ctx = await w.ctxFor(w.plainB.id, w.tenantB, "web");
    const me = createCaller(ctx);
    const list = await me.me.sessions();
    expect(list.map((i) => i.id)).toEqual(expect.arrayContaining([s1.id, ctx.actor!.sessionId]));
    expect(list.find((i) => i.id === ctx.actor!.sessionId)?.current).toBe(true);
    expect(list.every((i) => i.userId === w.plainB.id)).toBe(true);

    const renamed = await me.me.labelSession({ id: s1.id, name: "My phone", brief: "iPhone" });
    expect(renamed).toMatchObject({ name: "My phone", brief: "iPhone" });
    await me.me.endSession({ id: s1.id });
    expect(await loadActor(env.db, s1.id, w.tenantB.id)).toBeNull();

    const other = await openFor(w.managerB.id, w.tenantB.id);
    expect(await failure(() => me.me.endSession({ id: other.id }))).toMatchObject({ code: 13001 });
    expect(await failure(() => me.me.labelSession({ id: other.id, name: "x" }))).toMatchObject({ code: 13001 });
    expect(await loadActor(env.db, other.id, w.tenantB.id)).not.toBeNull();
  });
});
