import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "~/test/db";
import { ADMIN_PASSWORD, USER_PASSWORD, buildWorld } from "~/test/fixtures";
import { createLoginSession, endLoginSession, loadActor } from "~/server/services/session";
import { signInWithPassword } from "~/server/services/auth";
import { md5Hex } from "~/server/password";
import { AppError } from "~/server/errors";
import { unknownAccount } from "~/server/security/throttle";
import { forgetTenantSettings } from "~/server/services/tenant-settings";

let env: Awaited<ReturnType<typeof createTestDb>>;
let w: Awaited<ReturnType<typeof buildWorld>>;

beforeAll(async () => {
  env = await createTestDb();
  w = await buildWorld(env.db);
});
afterAll(() => env?.cleanup());

const open = () => createLoginSession(env.db, { tenantId: w.tenantB.id, userId: w.managerB.id, site: "admin", method: "password" });

describe("login sessions", () => {
  it("carry the user's permissions while active", async () => {
    const s = await open();
    const actor = await loadActor(env.db, s.id, w.tenantB.id);
    expect(actor).toMatchObject({ userId: w.managerB.id, tenantId: w.tenantB.id, isOperator: false });
    expect(actor!.permissions).toEqual(expect.arrayContaining(["uc.tenant.all", "uc.me.all"]));
  });

  it.each([
    ["frozen", { state: "frozen" as const }],
    ["offline", { state: "offline" as const }],
    ["ended", { state: "ended" as const }],
    ["soft-deleted", { deletedAt: new Date() }],
    ["expired", { expiresAt: new Date(Date.now() - 1000) }],
    ["idle for 31 minutes", { lastSeenAt: new Date(Date.now() - 31 * 60_000) }],
  ])("is refused on the next request once %s", async (_label, data) => {
    const s = await open();
    expect(await loadActor(env.db, s.id, w.tenantB.id)).not.toBeNull();
    await env.db.loginSession.update({ where: { id: s.id }, data });
    expect(await loadActor(env.db, s.id, w.tenantB.id)).toBeNull();
  });

  it("is refused when the user or the tenant is disabled", async () => {
    const s = await open();
    await env.db.user.update({ where: { id: w.managerB.id }, data: { status: "disabled" } });
    expect(await loadActor(env.db, s.id, w.tenantB.id)).toBeNull();
    await env.db.user.update({ where: { id: w.managerB.id }, data: { status: "active" } });
    await env.db.tenant.update({ where: { id: w.tenantB.id }, data: { status: "disabled" } });
    expect(await loadActor(env.db, s.id, w.tenantB.id)).toBeNull();
    await env.db.tenant.update({ where: { id: w.tenantB.id }, data: { status: "enabled" } });
    expect(await loadActor(env.db, s.id, w.tenantB.id)).not.toBeNull();
  });

  it("ends on sign-out", async () => {
    const s = await open();
    await endLoginSession(env.db, s.id);
    expect(await loadActor(env.db, s.id, w.tenantB.id)).toBeNull();
    expect((await env.db.loginSession.findUniqueOrThrow({ where: { id: s.id } })).endedAt).toBeInstanceOf(Date);
  });
});

describe("password sign-in", () => {
  const base = () => ({ tenant: w.tenantB, ip: "127.0.0.1", userAgent: "vitest" });

  it("accepts a phone, an email or a user name in any case, typed or as MD5 hex, and records a session", async () => {
    for (const [ustr, pwd] of [
      ["+86-15810419011", USER_PASSWORD],
      ["MANAGER@b.test", USER_PASSWORD],
      ["managerb", md5Hex(USER_PASSWORD)],
    ]) {
      const r = await signInWithPassword(env.db, { ...base(), ustr: ustr!, pwd: pwd! });
      const s = await env.db.loginSession.findUniqueOrThrow({ where: { id: r.sessionId } });
      expect(s).toMatchObject({ userId: w.managerB.id, tenantId: w.tenantB.id, method: "password", site: "admin", ip: "127.0.0.1", state: "active" });
    }
  });

  it("answers unknown accounts and wrong passwords alike", async () => {
    const codeOf = async (ustr: string, pwd: string) =>
      signInWithPassword(env.db, { ...base(), ustr, pwd }).then(
        () => null,
        (e: unknown) => (e instanceof AppError ? e.appCode : e),
      );
    expect(await codeOf("managerb", "wrong-password")).toBe(12001);
    expect(await codeOf("nobody-here", "wrong-password")).toBe(12001);
    // Another tenant's operator cannot sign in on this tenant's host.
    expect(await codeOf("admin", ADMIN_PASSWORD)).toBe(12001);
    // An unknown name does the same database work as a known one: it keeps a counter of its own
    // (so its answer takes as long), keyed by a hash of the name, never recorded as a lock.
    const rows = await env.db.authThrottle.findMany({ where: { key: { startsWith: `acct:${w.tenantB.id}:` } } });
    const phantom = rows.find((r) => r.key === `acct:${w.tenantB.id}:${unknownAccount("NOBODY-here ")}`);
    expect(phantom?.failures).toBe(1);
    expect(rows.find((r) => r.key.endsWith(w.managerB.id))?.failures).toBe(1);
  });

  it("acts as a named role only if the user holds it", async () => {
    const r = await signInWithPassword(env.db, { ...base(), ustr: "managerb", pwd: USER_PASSWORD, role: "administrator" });
    const actor = await loadActor(env.db, r.sessionId, w.tenantB.id);
    expect(actor!.roles).toEqual(["administrator"]);
    expect(actor!.permissions).not.toContain("uc.tenant.all");
    await expect(signInWithPassword(env.db, { ...base(), ustr: "plainb", pwd: USER_PASSWORD, role: "administrator" })).rejects.toMatchObject({ appCode: 12002 });
  });
});

describe("session policy", () => {
  it("end-user sessions follow the tenant's session.webDays and session.webIdleHours", async () => {
    await env.db.tenantProperty.createMany({
      data: [
        { tenantId: w.tenantB.id, key: "session.webDays", value: "1" },
        { tenantId: w.tenantB.id, key: "session.webIdleHours", value: "2" },
      ],
    });
    forgetTenantSettings(w.tenantB.id);
    const web = await createLoginSession(env.db, { tenantId: w.tenantB.id, userId: w.plainB.id, site: "web", method: "password" });
    const row = await env.db.loginSession.findUniqueOrThrow({ where: { id: web.id } });
    expect(row.idleSeconds).toBe(7200);
    expect(Math.abs(row.expiresAt.getTime() - row.createdAt.getTime() - 86400_000)).toBeLessThan(5000);
    await env.db.loginSession.update({ where: { id: web.id }, data: { lastSeenAt: new Date(Date.now() - 3 * 3600_000) } });
    expect(await loadActor(env.db, web.id, w.tenantB.id)).toBeNull();
    // Consoles keep 12 h / 30 min whatever the tenant says.
    const admin = await open();
    expect((await env.db.loginSession.findUniqueOrThrow({ where: { id: admin.id } })).idleSeconds).toBe(1800);
    await env.db.tenantProperty.deleteMany({ where: { tenantId: w.tenantB.id, key: { startsWith: "session." } } });
    forgetTenantSettings(w.tenantB.id);
  });
});
