import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";
import { createCaller } from "~/server/api/root";
import { createLoginSession, loadActor } from "~/server/services/session";
import { handleRest } from "~/server/api/rest";
import { signSessionToken } from "~/server/services/tokens";

const t = setupWorld();
let w: typeof t.w;
let env: { db: typeof t.db };
beforeAll(() => {
  w = t.w;
  env = { db: t.db };
});

const openFor = (userId: string, tenantId: string, extra: { ip?: string | null; userAgent?: string | null } = {}) =>
  createLoginSession(env.db, {
    tenantId,
    userId,
    site: "web",
    method: "password",
    ip: extra.ip === undefined ? "10.1.2.3" : extra.ip,
    userAgent: extra.userAgent === undefined ? "UA" : extra.userAgent,
  });

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const WINDOWS_CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

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

describe("session lists read the device and the place for a person", () => {
  it("the console list, a user's sessions and my sessions carry browser, OS, device type and the IP's place; the raw values stay", async () => {
    const phone = await openFor(w.plainB.id, w.tenantB.id, { ip: "114.114.114.114", userAgent: IPHONE });
    const office = await openFor(w.plainB.id, w.tenantB.id, { ip: "192.168.3.4", userAgent: WINDOWS_CHROME });
    const bare = await openFor(w.plainB.id, w.tenantB.id, { ip: null, userAgent: null });
    const admin = await w.callerFor(w.managerB.id);
    const list = await admin.session.list({ userId: w.plainB.id, take: 100 });
    const byId = new Map(list.items.map((i) => [i.id, i]));
    expect(byId.get(phone.id)).toMatchObject({
      ip: "114.114.114.114",
      userAgent: IPHONE,
      agent: { browser: "Mobile Safari 17", os: "iOS 17.5", model: "Apple iPhone", deviceType: "mobile" },
      ipPlace: { local: false, region: "中国 江苏省 南京市" },
    });
    expect(byId.get(office.id)).toMatchObject({
      agent: { browser: "Chrome 131", os: "Windows 10", deviceType: "desktop" },
      ipPlace: { local: true, region: null, isp: null },
    });
    expect(byId.get(bare.id)).toMatchObject({ ip: null, userAgent: null, agent: null, ipPlace: null });

    await expect(admin.session.detail({ id: phone.id })).resolves.toMatchObject({ agent: { deviceType: "mobile" }, ipPlace: { local: false } });
    const ofUser = await admin.user.sessions({ id: w.plainB.id, skip: 0, take: 100 });
    expect(ofUser.items.find((i) => i.id === phone.id)).toMatchObject({ agent: { os: "iOS 17.5" }, ipPlace: { region: "中国 江苏省 南京市" } });
    const mine = await createCaller(await w.ctxFor(w.plainB.id, w.tenantB, "web")).me.sessions();
    expect(mine.find((i) => i.id === office.id)).toMatchObject({ agent: { browser: "Chrome 131" }, ipPlace: { local: true } });

    // The REST mirror answers with the same fields (its output schema is the procedure's).
    const s = await createLoginSession(env.db, { tenantId: w.tenantB.id, userId: w.managerB.id, site: "admin", method: "password" });
    const token = await signSessionToken(env.db, { sessionId: s.id, userId: w.managerB.id, tenantId: w.tenantB.id, expiresAt: s.expiresAt });
    const res = await handleRest(
      new Request(`http://b.test/api/v1/sessions/${phone.id}`, { headers: { host: "b.test", authorization: `Bearer ${token}` } }),
      env.db,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      agent: { browser: "Mobile Safari 17", deviceType: "mobile" },
      ipPlace: { local: false, region: "中国 江苏省 南京市" },
    });

    // The audit trail keeps the stored record, not what the list derives for display.
    await admin.session.purge({ id: bare.id });
    const purged = await env.db.auditLog.findFirstOrThrow({ where: { recordId: bare.id, action: "session.purge" } });
    expect(purged.before).not.toHaveProperty("agent");
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
