/**
 * The auth router's public flows on a tenant's host (captcha, codes, registration, recovery) and
 * the signed-in password change: what each answers, writes and audits, and what it refuses.
 * The finer rules of codes and registration (no oracle, tries, limits) are in
 * src/server/services/account.test.ts; this file holds the router's own contract.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Challenge } from "altcha-lib";
import { failure, setupWorld, USER_PASSWORD } from "~/test/fixtures";
import { solveCaptcha } from "~/test/captcha";
import { verifyPassword } from "~/server/password";
import { forgetTenantSettings } from "~/server/services/tenant-settings";
import { resolveTenant, type ResolvedTenant } from "~/server/services/host";
import { createCaller } from "~/server/api/root";
import { createContextInner } from "~/server/api/trpc";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
let disabled: ResolvedTenant;
beforeAll(async () => {
  w = t.w;
  db = t.db;
  await db.tenant.create({ data: { name: "Tenant Off", status: "disabled", hosts: { create: [{ host: "off.test" }] } } });
  disabled = (await resolveTenant(db, "off.test"))!;
});

let ipSeq = 0;
/** An anonymous caller on `tenant`'s host, from an IP of its own (per-IP limits stay out of the way). */
const anon = async (tenant: ResolvedTenant | null = w.tenantB) =>
  createCaller(createContextInner({ db, tenant, host: "test", ip: `10.77.0.${++ipSeq}`, userAgent: "Vitest/auth", locale: "en" }));
const afs = async () => solveCaptcha((await (await anon()).auth.captcha()) as unknown as Challenge);
const codeFor = async (to: string) => {
  const m = await db.outboxMessage.findFirstOrThrow({ where: { to }, orderBy: { createdAt: "desc" } });
  return /(\d{6})/.exec(m.body)![1]!;
};
const hashOf = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id } })).passwordHash!;

describe("auth.captcha and auth.errorCodes", () => {
  it("hands out a fresh signed challenge each time, and the error table in the caller's language", async () => {
    const c = await anon();
    const one = await c.auth.captcha();
    const two = await c.auth.captcha();
    expect(typeof one.signature).toBe("string");
    expect(one.parameters).toMatchObject({ algorithm: expect.any(String) });
    expect(one.signature).not.toBe(two.signature);

    const table = await c.auth.errorCodes();
    const codes = table.map((e) => e.code);
    expect(codes.filter((x) => x >= 12000 && x < 13000)).toEqual([12001, 12002, 12003, 12004, 12005, 12006, 12007, 12008, 12009, 12010, 12011]);
    expect(codes.filter((x) => x >= 14000 && x < 15000)).toEqual([14001, 14002, 14003, 14004, 14005, 14006, 14007, 14008]);
    expect(codes.filter((x) => x >= 15000)).toEqual([]);
    expect(table.find((e) => e.code === 14004)).toMatchObject({ status: 400 });
  });

  it("works only on a known, enabled tenant's host: 10007 on an unknown host, 10008 on a disabled tenant's", async () => {
    const nowhere = await anon(null);
    expect(await failure(() => nowhere.auth.captcha())).toMatchObject({ code: 10007, trpc: "NOT_FOUND" });
    expect(await failure(() => nowhere.auth.errorCodes())).toMatchObject({ code: 10007 });
    const off = await anon(disabled);
    expect(await failure(() => off.auth.captcha())).toMatchObject({ code: 10008, trpc: "FORBIDDEN" });
    const rows = await db.verificationCode.count();
    expect(await failure(() => off.auth.sendCode({ channel: "sms", target: "+86-13700009999", purpose: "register", afs: "x" }))).toMatchObject({ code: 10008 });
    expect(await db.verificationCode.count()).toBe(rows);
  });
});

describe("auth.sendCode", () => {
  it("sends a code for the host's tenant and says until when it is good and when another may be sent", async () => {
    const before = Date.now();
    const r = await (await anon()).auth.sendCode({ channel: "email", target: " New.Person@B.test ", purpose: "register", afs: await afs() });
    expect(r.sent).toBe(true);
    expect(r.expiresAt.getTime()).toBeGreaterThan(before);
    expect(r.resendAfter.getTime()).toBeGreaterThan(before);
    expect(r.resendAfter.getTime()).toBeLessThanOrEqual(r.expiresAt.getTime());
    const code = await db.verificationCode.findFirstOrThrow({ where: { target: "new.person@b.test" } });
    expect(code).toMatchObject({ tenantId: w.tenantB.id, purpose: "register", channel: "email", expiresAt: r.expiresAt });
    const mail = await db.outboxMessage.findFirstOrThrow({ where: { to: "new.person@b.test" } });
    expect(mail).toMatchObject({ tenantId: w.tenantB.id, channel: "email" });
    expect(mail.body).toMatch(/\d{6}/);
    // Sending a code changes no account and writes no audit entry.
    expect(await db.auditLog.count({ where: { recordId: "new.person@b.test" } })).toBe(0);
  });

  it("refuses a missing or reused captcha (14004) and bad input as field errors, sending nothing", async () => {
    const rows = await db.verificationCode.count();
    const mails = await db.outboxMessage.count();
    const c = await anon();
    expect(await failure(() => c.auth.sendCode({ channel: "sms", target: "+86-13700000101", purpose: "login", afs: "bogus" }))).toMatchObject({
      code: 14004,
      trpc: "BAD_REQUEST",
    });
    const once = await afs();
    await c.auth.sendCode({ channel: "sms", target: "+86-13700000102", purpose: "register", afs: once });
    expect(await failure(() => c.auth.sendCode({ channel: "sms", target: "+86-13700000103", purpose: "register", afs: once }))).toMatchObject({ code: 14004 });

    const phone = await failure(() => c.auth.sendCode({ channel: "sms", target: "not-a-phone", purpose: "register", afs: "a" }));
    expect(phone).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(phone.fields!)).toEqual(["target"]);
    const email = await failure(() => c.auth.sendCode({ channel: "email", target: "+86-13700000104", purpose: "register", afs: "a" }));
    expect(Object.keys(email.fields!)).toEqual(["target"]);
    const other = await failure(() => c.auth.sendCode({ channel: "fax" as "sms", target: "x", purpose: "spam" as "login", afs: "" }));
    expect(Object.keys(other.fields!).sort()).toEqual(["afs", "channel", "purpose"]);
    expect(await db.verificationCode.count()).toBe(rows + 1);
    expect(await db.outboxMessage.count()).toBe(mails + 1);
  });
});

describe("auth.register", () => {
  it("creates the account in the host's tenant with the user role, and audits it without the password", async () => {
    const phone = "+86-13700000201";
    const c = await anon();
    await c.auth.sendCode({ channel: "sms", target: phone, purpose: "register", afs: await afs() });
    const { id } = await c.auth.register({
      phone,
      phoneCode: await codeFor(phone),
      userName: "Newbie01",
      nickname: "新人",
      password: "a quite long passphrase",
      acceptTerms: true,
      afs: await afs(),
    });
    const user = await db.user.findUniqueOrThrow({ where: { id }, include: { roles: { include: { role: true } } } });
    expect(user).toMatchObject({ tenantId: w.tenantB.id, phone, userName: "Newbie01", userNameKey: "newbie01", nickname: "新人", email: null });
    expect(user.roles.map((r) => [r.role.tenantId, r.role.name])).toEqual([[w.tenantB.id, "user"]]);
    expect(await verifyPassword(user.passwordHash!, "a quite long passphrase")).toBe(true);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "user.register", recordId: id } });
    expect(audit).toMatchObject({ tenantId: w.tenantB.id, actorId: id, userAgent: "Vitest/auth", before: null });
    expect(audit.after).toEqual({ phone, userName: "Newbie01" });
    expect(JSON.stringify(audit)).not.toMatch(/passphrase|argon2/);
  });

  it("refuses a wrong code, a weak password, missing consent, and a code from another tenant's host; no account, no audit entry", async () => {
    const phone = "+86-13700000202";
    const users = await db.user.count();
    const audits = await db.auditLog.count({ where: { action: "user.register" } });
    await (await anon()).auth.sendCode({ channel: "sms", target: phone, purpose: "register", afs: await afs() });
    const code = await codeFor(phone);
    const wrong = code === "000000" ? "111111" : "000000";
    const input = { phone, phoneCode: code, password: "a quite long passphrase", acceptTerms: true as const };

    expect(await failure(async () => (await anon()).auth.register({ ...input, phoneCode: wrong, afs: await afs() }))).toMatchObject({ code: 14001 });
    const weak = await failure(async () => (await anon()).auth.register({ ...input, password: "password123", afs: await afs() }));
    expect(weak).toMatchObject({ code: 14006, trpc: "BAD_REQUEST" });
    expect(Object.keys(weak.fields!)).toEqual(["password"]);
    // The code was sent on tenant B's host: the platform's host does not know it.
    const platform = await anon(w.platform);
    expect(await failure(async () => platform.auth.register({ ...input, afs: await afs() }))).toMatchObject({ code: 14001 });

    const shape = await failure(async () =>
      (await anon()).auth.register({ ...input, acceptTerms: false as true, email: "x@b.test", phoneCode: "12", password: "short", afs: "a" }),
    );
    expect(shape).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(shape.fields!).sort()).toEqual(["acceptTerms", "password", "phoneCode"]);
    // An email needs its own code.
    const noEmailCode = await failure(() => anon().then((c) => c.auth.register({ ...input, email: "x@b.test", afs: "a" })));
    expect(noEmailCode).toMatchObject({ appCode: 10003, fields: { emailCode: [expect.any(String)] } });
    expect(Object.keys(noEmailCode.fields!)).toEqual(["emailCode"]);

    expect(await db.user.count()).toBe(users);
    expect(await db.auditLog.count({ where: { action: "user.register" } })).toBe(audits);
    // The code still works for its owner after all that (one wrong try spent).
    const { id } = await (await anon()).auth.register({ ...input, afs: await afs() });
    expect((await db.user.findUniqueOrThrow({ where: { id } })).tenantId).toBe(w.tenantB.id);
  });

  it("is refused with 14007 where the tenant turned sign-up off", async () => {
    const phone = "+86-13700000203";
    await (await anon()).auth.sendCode({ channel: "sms", target: phone, purpose: "register", afs: await afs() });
    const code = await codeFor(phone);
    await db.tenantProperty.create({ data: { tenantId: w.tenantB.id, key: "auth.allowSignup", value: "false" } });
    forgetTenantSettings(w.tenantB.id);
    try {
      const f = await failure(async () =>
        (await anon()).auth.register({ phone, phoneCode: code, password: "a quite long passphrase", acceptTerms: true, afs: await afs() }),
      );
      expect(f).toMatchObject({ code: 14007, trpc: "FORBIDDEN" });
      expect(await db.user.count({ where: { phone } })).toBe(0);
    } finally {
      await db.tenantProperty.deleteMany({ where: { tenantId: w.tenantB.id, key: "auth.allowSignup" } });
      forgetTenantSettings(w.tenantB.id);
    }
  });
});

describe("auth.resetPassword", () => {
  it("resets the host tenant's account only, ends its sessions, and audits it anonymously; a weak password leaves the code usable", async () => {
    const phone = "+86-13700000301";
    const mine = await w.makeUser(w.tenantB.id, "resetb", ["user"], { phone });
    const twin = await w.makeUser(w.platform.id, "resetplatform", ["user"], { phone });
    const twinHash = await hashOf(twin.id);
    await w.callerFor(mine.id); // a session of theirs
    await (await anon()).auth.sendCode({ channel: "sms", target: phone, purpose: "reset", afs: await afs() });
    const code = await codeFor(phone);
    const audits = await db.auditLog.count({ where: { action: "user.resetPassword" } });

    // Nothing happens with a weak password or on another tenant's host.
    const weak = await failure(async () => (await anon()).auth.resetPassword({ channel: "sms", target: phone, code, password: "password123" }));
    expect(weak).toMatchObject({ code: 14006, fields: { password: [expect.any(String)] } });
    expect(
      await failure(async () => (await anon(w.platform)).auth.resetPassword({ channel: "sms", target: phone, code, password: "brand new passphrase" })),
    ).toMatchObject({
      code: 14001,
    });
    expect(await db.auditLog.count({ where: { action: "user.resetPassword" } })).toBe(audits);
    expect(await verifyPassword(await hashOf(mine.id), USER_PASSWORD)).toBe(true);

    const c = await w.callerFor(null, w.tenantB, { ip: "10.77.9.1", userAgent: "Vitest/reset" });
    expect(await c.auth.resetPassword({ channel: "sms", target: phone, code, password: "brand new passphrase" })).toEqual({ ok: true });
    expect(await verifyPassword(await hashOf(mine.id), "brand new passphrase")).toBe(true);
    expect(await hashOf(twin.id)).toBe(twinHash);
    expect(await db.loginSession.count({ where: { userId: mine.id, state: "active" } })).toBe(0);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "user.resetPassword" }, orderBy: { createdAt: "desc" } });
    expect(audit).toMatchObject({ tenantId: w.tenantB.id, actorId: null, recordId: null, ip: "10.77.9.1", userAgent: "Vitest/reset" });
    expect(audit.after).toEqual({ channel: "sms", account: phone });
    // A code works once.
    expect(await failure(async () => (await anon()).auth.resetPassword({ channel: "sms", target: phone, code, password: "another passphrase" }))).toMatchObject(
      { code: 14001 },
    );
  });

  it("answers bad input with field errors", async () => {
    const c = await anon();
    const f = await failure(() => c.auth.resetPassword({ channel: "email", target: "nobody", code: "abc", password: "short" }));
    expect(f).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(f.fields!).sort()).toEqual(["code", "password", "target"]);
  });
});

describe("auth.changePassword (signed in)", () => {
  it("changes my password, ends my other sessions but not this one, and audits it", async () => {
    const u = await w.makeUser(w.tenantB.id, "changer", ["user"]);
    const other = await w.ctxFor(u.id, w.tenantB);
    const ctx = await w.ctxFor(u.id, w.tenantB, "admin", { ip: "10.77.8.1", userAgent: "Vitest/change" });
    const me = createCaller(ctx);
    expect(await me.auth.changePassword({ current: USER_PASSWORD, password: "my new long passphrase" })).toEqual({ ok: true });
    expect(await verifyPassword(await hashOf(u.id), "my new long passphrase")).toBe(true);
    expect((await db.loginSession.findUniqueOrThrow({ where: { id: other.actor!.sessionId } })).state).toBe("ended");
    expect((await db.loginSession.findUniqueOrThrow({ where: { id: ctx.actor!.sessionId } })).state).toBe("active");
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "me.changePassword", recordId: u.id } });
    expect(audit).toMatchObject({ tenantId: w.tenantB.id, actorId: u.id, ip: "10.77.8.1", userAgent: "Vitest/change" });
    expect(JSON.stringify(audit)).not.toMatch(/passphrase|argon2/);
  });

  it("refuses a wrong current password (12001 on the field) and a weak new one (14006), changing nothing", async () => {
    const u = await w.makeUser(w.tenantB.id, "nochange", ["user"]);
    const hash = await hashOf(u.id);
    const me = await w.callerFor(u.id, w.tenantB, { locale: "en" });
    const wrong = await failure(() => me.auth.changePassword({ current: "not my password", password: "my new long passphrase" }));
    expect(wrong).toMatchObject({ code: 12001, trpc: "UNAUTHORIZED", fields: { current: [expect.any(String)] } });
    expect(await failure(() => me.auth.changePassword({ current: USER_PASSWORD, password: "password123" }))).toMatchObject({ code: 14006 });
    const shape = await failure(() => me.auth.changePassword({ current: "", password: "short" }));
    expect(shape).toMatchObject({ appCode: 10003 });
    expect(Object.keys(shape.fields!).sort()).toEqual(["current", "password"]);
    expect(await hashOf(u.id)).toBe(hash);
    expect(await db.auditLog.count({ where: { action: "me.changePassword", recordId: u.id } })).toBe(0);
  });

  it("needs uc.me.put (10002) and a signed-in caller (10001)", async () => {
    const hash = await hashOf(w.nobodyB.id);
    const nobody = await w.callerFor(w.nobodyB.id);
    expect(await failure(() => nobody.auth.changePassword({ current: USER_PASSWORD, password: "my new long passphrase" }))).toMatchObject({
      code: 10002,
      trpc: "FORBIDDEN",
    });
    expect(await hashOf(w.nobodyB.id)).toBe(hash);
    const a = await anon();
    expect(await failure(() => a.auth.changePassword({ current: USER_PASSWORD, password: "my new long passphrase" }))).toMatchObject({
      code: 10001,
      trpc: "UNAUTHORIZED",
    });
  });
});
