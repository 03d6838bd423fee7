import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import type { Challenge } from "altcha-lib";
import { USER_PASSWORD, setupWorld } from "~/test/fixtures";
import { solveCaptcha } from "~/test/captcha";
import { createCaller } from "~/server/api/root";
import { createContextInner } from "~/server/api/trpc";
import { AppError } from "~/server/errors";
import { signInWithSmsCode } from "~/server/services/account";
import { signInWithPassword } from "~/server/services/auth";
import { loadActor } from "~/server/services/session";
import { forgetTenantSettings } from "~/server/services/tenant-settings";
import { hashPassword } from "~/server/password";
import { accountLockedUntil, lockAccountUntil } from "~/server/security/throttle";

const env = setupWorld();
let w: typeof env.w;

beforeAll(() => {
  w = env.w;
});

let ipSeq = 0;
const anon = (ip = `10.9.0.${++ipSeq}`, locale: "en" | "zh-CN" = "en") =>
  createCaller(createContextInner({ db: env.db, tenant: w.tenantB, ip, locale, userAgent: "vitest" }));
const afs = async () => solveCaptcha((await anon().auth.captcha()) as unknown as Challenge);
const codeFromOutbox = async (to: string) => {
  const m = await env.db.outboxMessage.findFirstOrThrow({ where: { to }, orderBy: { createdAt: "desc" } });
  return /(\d{6})/.exec(m.body)![1]!;
};
const appCode = (p: Promise<unknown>) =>
  p.then(
    () => 0,
    (e: unknown) => (e instanceof AppError ? e.appCode : e instanceof TRPCError ? e.code : -1),
  );
const req = (ip = "10.8.0.1") => ({ tenant: w.tenantB, ip, userAgent: "vitest", locale: "en" as const });

describe("registration", () => {
  it("needs a solved captcha before any code is sent", async () => {
    expect(await appCode(anon().auth.sendCode({ channel: "sms", target: "+86-13700000001", purpose: "register", afs: "bogus" }))).toBe(14004);
    const once = await afs();
    await anon().auth.sendCode({ channel: "sms", target: "+86-13700000001", purpose: "register", afs: once });
    // A solved challenge is single use.
    expect(await appCode(anon().auth.sendCode({ channel: "sms", target: "+86-13700000002", purpose: "register", afs: once }))).toBe(14004);
  });

  it("registers with a phone code and an email code, records consent, and refuses clashes and common passwords", async () => {
    const phone = "+86-13700000010";
    const email = "new.user@b.test";
    await anon().auth.sendCode({ channel: "sms", target: phone, purpose: "register", afs: await afs() });
    await anon().auth.sendCode({ channel: "email", target: email, purpose: "register", afs: await afs() });
    const input = {
      phone,
      phoneCode: await codeFromOutbox(phone),
      email,
      emailCode: await codeFromOutbox(email),
      password: "a long enough passphrase",
      acceptTerms: true as const,
      afs: await afs(),
    };
    expect(await appCode(anon().auth.register({ ...input, password: "password123", afs: await afs() }))).toBe(14006);
    const { id } = await anon().auth.register(input);
    const user = await env.db.user.findUniqueOrThrow({ where: { id }, include: { roles: { include: { role: true } } } });
    expect(user).toMatchObject({ tenantId: w.tenantB.id, phone, email, termsVersion: "2026-11" });
    expect(user.termsAcceptedAt).toBeInstanceOf(Date);
    expect(user.roles.map((r) => r.role.name)).toEqual(["user"]);
    // Signs in with the new password, by phone or email.
    await expect(signInWithPassword(env.db, { ...req(), ustr: email, pwd: "a long enough passphrase" })).resolves.toMatchObject({ userId: id });
    // The codes are used up: the same form again is refused before anything is said about the account.
    expect(await appCode(anon().auth.register({ ...input, afs: await afs() }))).toBe(14001);
  });

  it("needs the consent and both codes", async () => {
    const f = await appCode(
      anon().auth.register({
        phone: "+86-13700000011",
        phoneCode: "123456",
        password: "a long enough passphrase",
        acceptTerms: false as unknown as true,
        afs: "x",
      }),
    );
    expect(f).toBe("BAD_REQUEST");
    expect(
      await appCode(
        anon().auth.register({ phone: "+86-13700000011", phoneCode: "123456", password: "a long enough passphrase", acceptTerms: true, afs: await afs() }),
      ),
    ).toBe(14001);
  });
});

describe("registration is no oracle", () => {
  /** The whole refusal as a caller sees it: code, message and field errors. */
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => "registered",
      (e: unknown) => (e instanceof AppError ? { code: e.appCode, message: e.message, fields: e.fields ?? null } : e),
    );
  const sent = new Set<string>();
  /** A live register code for `target`, as its owner would receive it. */
  const codeFor = async (channel: "sms" | "email", target: string) => {
    if (sent.has(target)) await env.db.verificationCode.updateMany({ where: { target }, data: { createdAt: new Date(Date.now() - 120_000) } });
    sent.add(target);
    await anon().auth.sendCode({ channel, target, purpose: "register", afs: await afs() });
    return codeFromOutbox(target);
  };
  const form = { password: "a long enough passphrase", acceptTerms: true as const };
  // Later tests send codes to the same phones: as if a minute had passed.
  afterAll(() => env.db.verificationCode.updateMany({ data: { createdAt: new Date(Date.now() - 120_000) } }));
  const written = async () => ({ users: await env.db.user.count(), consumed: await env.db.verificationCode.count({ where: { consumedAt: { not: null } } }) });

  it("answers a wrong code alike for taken and free phones, emails and user names, and writes nothing", async () => {
    const takenPhone = "+86-15810419011"; // managerB's
    const freePhone = "+86-13700000020";
    const right = { [takenPhone]: await codeFor("sms", takenPhone), [freePhone]: await codeFor("sms", freePhone) };
    const wrongFor = (c: string) => (c === "000000" ? "111111" : "000000");
    const before = await written();
    const answers = [
      await refusal(anon().auth.register({ ...form, phone: takenPhone, phoneCode: wrongFor(right[takenPhone]!), afs: await afs() })),
      await refusal(anon().auth.register({ ...form, phone: freePhone, phoneCode: wrongFor(right[freePhone]!), afs: await afs() })),
      // A free phone with a wrong code, with a taken or a free user name / email.
      await refusal(anon().auth.register({ ...form, phone: freePhone, phoneCode: wrongFor(right[freePhone]!), userName: "ManagerB", afs: await afs() })),
      await refusal(anon().auth.register({ ...form, phone: freePhone, phoneCode: wrongFor(right[freePhone]!), userName: "free-name-20", afs: await afs() })),
      await refusal(
        anon().auth.register({
          ...form,
          phone: freePhone,
          phoneCode: wrongFor(right[freePhone]!),
          email: "manager@b.test",
          emailCode: "123456",
          afs: await afs(),
        }),
      ),
      await refusal(
        anon().auth.register({
          ...form,
          phone: freePhone,
          phoneCode: wrongFor(right[freePhone]!),
          email: "free20@b.test",
          emailCode: "123456",
          afs: await afs(),
        }),
      ),
      // No code was ever sent to this one.
      await refusal(anon().auth.register({ ...form, phone: "+86-13700000021", phoneCode: "123456", afs: await afs() })),
    ];
    expect(answers[0]).toMatchObject({ code: 14001, fields: null });
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(await written()).toEqual(before);
    // The right phone code with a wrong email code says nothing about the email either.
    const email = await refusal(
      anon().auth.register({ ...form, phone: freePhone, phoneCode: right[freePhone]!, email: "manager@b.test", emailCode: "123456", afs: await afs() }),
    );
    expect(email).toEqual(answers[0]);
    expect(await written()).toEqual(before);
  });

  it("tells a proven owner that their phone or email has an account, as a field error, and writes nothing", async () => {
    const before = await written();
    const phone = await refusal(
      anon().auth.register({ ...form, phone: "+86-15810419011", phoneCode: await codeFor("sms", "+86-15810419011"), afs: await afs() }),
    );
    expect(phone).toMatchObject({ code: 14005, fields: { phone: [expect.stringContaining("already has an account")] } });
    expect(Object.keys((phone as { fields: object }).fields)).toEqual(["phone"]);
    const freePhone = "+86-13700000022";
    const email = await refusal(
      anon().auth.register({
        ...form,
        phone: freePhone,
        phoneCode: await codeFor("sms", freePhone),
        email: "MANAGER@b.test",
        emailCode: await codeFor("email", "manager@b.test"),
        afs: await afs(),
      }),
    );
    expect(email).toMatchObject({ code: 14005, fields: { email: [expect.stringContaining("already has an account")] } });
    expect(Object.keys((email as { fields: object }).fields)).toEqual(["email"]);
    expect(await written()).toEqual(before);
  });

  it("says a user name is taken only after the codes check, and the codes still work for another name", async () => {
    const phone = "+86-13700000023";
    const phoneCode = await codeFor("sms", phone);
    const before = await written();
    const taken = await refusal(anon().auth.register({ ...form, phone, phoneCode, userName: "MANAGERB", afs: await afs() }));
    expect(taken).toMatchObject({ code: 14005, fields: { userName: [expect.stringContaining("already in use")] } });
    expect(Object.keys((taken as { fields: object }).fields)).toEqual(["userName"]);
    expect(await written()).toEqual(before);
    const { id } = await anon().auth.register({ ...form, phone, phoneCode, userName: "fresh-name-23", afs: await afs() });
    expect(await env.db.user.findUniqueOrThrow({ where: { id } })).toMatchObject({ phone, userName: "fresh-name-23" });
  });

  it("lets one code test at most 5 taken user names: each such answer uses a try of the code", async () => {
    const phone = "+86-13700000025";
    const phoneCode = await codeFor("sms", phone);
    for (const userName of ["ManagerB", "managerb", "MANAGERB", "plainb", "PlainB"]) {
      expect(await refusal(anon().auth.register({ ...form, phone, phoneCode, userName, afs: await afs() }))).toMatchObject({ code: 14005 });
    }
    // The code is void now, whatever the next name: the same refusal as a wrong code.
    expect(await refusal(anon().auth.register({ ...form, phone, phoneCode, userName: "free-name-25", afs: await afs() }))).toMatchObject({
      code: 14001,
    });
    expect(await env.db.user.count({ where: { phone } })).toBe(0);
  });

  it("sends a registration code to a taken phone too, answering exactly as for a free one", async () => {
    const out = (r: { sent: true; expiresAt: Date; resendAfter: Date }) => ({ sent: r.sent, ttl: r.resendAfter.getTime() - r.expiresAt.getTime() });
    await env.db.verificationCode.updateMany({ where: { target: "manager@b.test" }, data: { createdAt: new Date(Date.now() - 120_000) } });
    const toOwner = await env.db.outboxMessage.count({ where: { to: "manager@b.test" } });
    const taken = await anon().auth.sendCode({ channel: "email", target: "manager@b.test", purpose: "register", afs: await afs() });
    // The owner gets it (and with it the chance to learn, by the code, that they have an account).
    expect(await env.db.outboxMessage.count({ where: { to: "manager@b.test" } })).toBe(toOwner + 1);
    const free = await anon().auth.sendCode({ channel: "email", target: "free24@b.test", purpose: "register", afs: await afs() });
    expect(out(taken)).toEqual(out(free));
    expect(await env.db.outboxMessage.count({ where: { to: "free24@b.test" } })).toBe(1);
  });
});

describe("SMS code sign-in", () => {
  it("signs a known phone in and registers a new one when the tenant allows it", async () => {
    await anon().auth.sendCode({ channel: "sms", target: "+86-15810419011", purpose: "login", afs: await afs() });
    const r = await signInWithSmsCode(env.db, req(), "+86-15810419011", await codeFromOutbox("+86-15810419011"));
    expect(r.userId).toBe(w.managerB.id);
    expect(await env.db.loginSession.findUniqueOrThrow({ where: { id: r.sessionId } })).toMatchObject({ method: "sms-code" });

    await anon().auth.sendCode({ channel: "sms", target: "+86-13600000001", purpose: "login", afs: await afs() });
    const created = await signInWithSmsCode(env.db, req(), "+86-13600000001", await codeFromOutbox("+86-13600000001"));
    expect((await env.db.user.findUniqueOrThrow({ where: { id: created.userId } })).phone).toBe("+86-13600000001");

    await env.db.tenantProperty.create({ data: { tenantId: w.tenantB.id, key: "auth.allowPhoneSignup", value: "false" } });
    forgetTenantSettings(w.tenantB.id);
    await anon().auth.sendCode({ channel: "sms", target: "+86-13600000002", purpose: "login", afs: await afs() });
    expect(await env.db.outboxMessage.count({ where: { to: "+86-13600000002" } })).toBe(0);
    expect(await appCode(signInWithSmsCode(env.db, req(), "+86-13600000002", "000000"))).toBe(14001);
    await env.db.tenantProperty.deleteMany({ where: { tenantId: w.tenantB.id, key: "auth.allowPhoneSignup" } });
    forgetTenantSettings(w.tenantB.id);
  });
});

describe("SMS code sign-in against strangers' locks", () => {
  it("delivers the code and signs the owner in while strangers' guesses lock the account; an administrator's lock refuses", async () => {
    const phone = "+86-13600000009";
    const withCookie = (cookie: string | null) =>
      createCaller(createContextInner({ db: env.db, tenant: w.tenantB, ip: `10.9.5.${++ipSeq}`, locale: "en", userAgent: "vitest", cookie }));
    const age = () => env.db.verificationCode.updateMany({ where: { target: phone }, data: { createdAt: new Date(Date.now() - 120_000) } });
    await anon().auth.sendCode({ channel: "sms", target: phone, purpose: "login", afs: await afs() });
    const first = await signInWithSmsCode(env.db, req(), phone, await codeFromOutbox(phone));
    // A stranger's two quick password guesses lock the account.
    for (const pwd of ["guess one", "guess two"])
      expect(await appCode(signInWithPassword(env.db, { ...req(`10.9.6.${++ipSeq}`), ustr: phone, pwd }))).toBe(12001);
    expect(await accountLockedUntil(env.db, w.tenantB.id, first.userId)).not.toBeNull();
    // The code proves the phone: it is delivered, and signs in, with no device cookie.
    await age();
    const before = await env.db.outboxMessage.count({ where: { to: phone } });
    await withCookie(null).auth.sendCode({ channel: "sms", target: phone, purpose: "login", afs: await afs() });
    expect(await env.db.outboxMessage.count({ where: { to: phone } })).toBe(before + 1);
    await expect(signInWithSmsCode(env.db, req(), phone, await codeFromOutbox(phone))).resolves.toMatchObject({ userId: first.userId });
    // The known device keeps its token.
    await age();
    await withCookie(`uc_device=${first.deviceToken}`).auth.sendCode({ channel: "sms", target: phone, purpose: "login", afs: await afs() });
    await expect(signInWithSmsCode(env.db, req(), phone, await codeFromOutbox(phone), first.deviceToken)).resolves.toMatchObject({
      userId: first.userId,
      deviceToken: first.deviceToken,
    });
    // An administrator's lock: no code is delivered, and one sent before does not sign in, device or not.
    await age();
    await withCookie(null).auth.sendCode({ channel: "sms", target: phone, purpose: "login", afs: await afs() });
    const code = await codeFromOutbox(phone);
    await lockAccountUntil(env.db, { tenantId: w.tenantB.id, userId: first.userId, until: new Date(Date.now() + 600_000), ip: null });
    expect(await appCode(signInWithSmsCode(env.db, req(), phone, code, first.deviceToken))).toBe(12001);
    await age();
    const held = await env.db.outboxMessage.count({ where: { to: phone } });
    await withCookie(`uc_device=${first.deviceToken}`).auth.sendCode({ channel: "sms", target: phone, purpose: "login", afs: await afs() });
    expect(await env.db.outboxMessage.count({ where: { to: phone } })).toBe(held);
  });
});

describe("password recovery", () => {
  it("resets by phone code, ends every session, and the old password stops working", async () => {
    const phone = "+86-13500000001";
    await anon().auth.sendCode({ channel: "sms", target: phone, purpose: "register", afs: await afs() });
    const { id } = await anon().auth.register({
      phone,
      phoneCode: await codeFromOutbox(phone),
      password: "first passphrase 1",
      acceptTerms: true,
      afs: await afs(),
    });
    const s = await signInWithPassword(env.db, { ...req(), ustr: phone, pwd: "first passphrase 1" });
    await env.db.outboxMessage.deleteMany({ where: { to: phone } });
    await env.db.verificationCode.updateMany({ where: { target: phone }, data: { createdAt: new Date(Date.now() - 120_000) } });
    await anon().auth.sendCode({ channel: "sms", target: phone, purpose: "reset", afs: await afs() });
    await anon().auth.resetPassword({ channel: "sms", target: phone, code: await codeFromOutbox(phone), password: "second passphrase 2" });
    expect(await loadActor(env.db, s.sessionId, w.tenantB.id)).toBeNull();
    expect(await appCode(signInWithPassword(env.db, { ...req("10.8.1.1"), ustr: phone, pwd: "first passphrase 1" }))).toBe(12001);
    await expect(signInWithPassword(env.db, { ...req("10.8.1.2"), ustr: phone, pwd: "second passphrase 2" })).resolves.toMatchObject({ userId: id });
  });

  it("lifts a lock raised by failures, but not an administrator's", async () => {
    const phone = "+86-13500000002";
    const owner = await env.db.user.create({ data: { tenantId: w.tenantB.id, phone, passwordHash: await hashPassword("first passphrase 1") } });
    const reset = async (password: string) => {
      await env.db.verificationCode.updateMany({ where: { target: phone }, data: { createdAt: new Date(Date.now() - 120_000) } });
      await anon().auth.sendCode({ channel: "sms", target: phone, purpose: "reset", afs: await afs() });
      await anon().auth.resetPassword({ channel: "sms", target: phone, code: await codeFromOutbox(phone), password });
    };
    // A stranger's two quick guesses lock the account; the owner resets the password and signs in at once.
    for (const pwd of ["guess one", "guess two"]) expect(await appCode(signInWithPassword(env.db, { ...req("10.8.2.1"), ustr: phone, pwd }))).toBe(12001);
    expect(await accountLockedUntil(env.db, w.tenantB.id, owner.id)).not.toBeNull();
    await reset("second passphrase 2");
    expect(await accountLockedUntil(env.db, w.tenantB.id, owner.id)).toBeNull();
    await expect(signInWithPassword(env.db, { ...req("10.8.2.2"), ustr: phone, pwd: "second passphrase 2" })).resolves.toMatchObject({ userId: owner.id });
    // An administrator's lock outlives a reset.
    await lockAccountUntil(env.db, { tenantId: w.tenantB.id, userId: owner.id, until: new Date(Date.now() + 600_000), ip: null });
    await reset("third passphrase 3");
    expect(await accountLockedUntil(env.db, w.tenantB.id, owner.id)).not.toBeNull();
    expect(await appCode(signInWithPassword(env.db, { ...req("10.8.2.3"), ustr: phone, pwd: "third passphrase 3" }))).toBe(12001);
  });

  it("answers the same for unknown accounts and sends nothing", async () => {
    const r = await anon().auth.sendCode({ channel: "email", target: "nobody@nowhere.test", purpose: "reset", afs: await afs() });
    expect(r.sent).toBe(true);
    expect(await env.db.outboxMessage.count({ where: { to: "nobody@nowhere.test" } })).toBe(0);
  });
});

describe("brute force on password sign-in", () => {
  it("locks the account after 5 failures across every way of naming it; locked answers look like wrong ones", async () => {
    const names = ["plainb", "PLAINB", "PlainB", "plainb", "plainB"];
    for (const [i, ustr] of names.entries()) {
      await new Promise((r) => setTimeout(r, 1100)); // stay clear of the "two failures within 1 s" rule
      expect(await appCode(signInWithPassword(env.db, { ...req(`10.7.0.${i}`), ustr, pwd: "wrong-password" }))).toBe(12001);
    }
    expect(await appCode(signInWithPassword(env.db, { ...req("10.7.1.1"), ustr: "plainb", pwd: USER_PASSWORD }))).toBe(12001);
    const lock = await env.db.accountLock.findFirstOrThrow({ where: { userId: w.plainB.id } });
    expect(lock.until.getTime()).toBeGreaterThan(Date.now());
    // The tenant's administrator sees the lock and lifts it; another tenant's id is a 404.
    const admin = await w.callerFor(w.managerB.id);
    expect((await admin.lock.list({})).items).toEqual(
      expect.arrayContaining([expect.objectContaining({ userId: w.plainB.id, active: true, userName: "plainb" })]),
    );
    expect(await appCode(admin.lock.unlock({ userId: w.operator.id }))).toBe(10004);
    await admin.lock.unlock({ userId: w.plainB.id });
    await expect(signInWithPassword(env.db, { ...req("10.7.1.2"), ustr: "plainb", pwd: USER_PASSWORD })).resolves.toBeTruthy();
  }, 30_000);

  it("asks this IP for a captcha after 5 failures, and answers 429 past 50 before hashing", async () => {
    const ip = "10.6.0.1";
    for (let i = 0; i < 5; i++) await appCode(signInWithPassword(env.db, { ...req(ip), ustr: `ghost${i}`, pwd: "x-wrong-x" }));
    expect(await appCode(signInWithPassword(env.db, { ...req(ip), ustr: "managerb", pwd: USER_PASSWORD }))).toBe(14004);
    await expect(signInWithPassword(env.db, { ...req(ip), ustr: "managerb", pwd: USER_PASSWORD, afs: await afs() })).resolves.toBeTruthy();
    await env.db.authThrottle.update({ where: { key: `ip:${ip}` }, data: { failures: 51 } });
    expect(await appCode(signInWithPassword(env.db, { ...req(ip), ustr: "managerb", pwd: USER_PASSWORD, afs: await afs() }))).toBe(10005);
  });
});

describe("binding a phone or email from my account", () => {
  it("needs a bind code sent to that very target, refuses taken ones, and never strands an account", async () => {
    const me = createCaller(await w.ctxFor(w.plainB.id, w.tenantB, "web"));
    const phone = "+86-13300000001";
    await anon().auth.sendCode({ channel: "sms", target: phone, purpose: "bind", afs: await afs() });
    expect(await appCode(me.me.bindPhone({ phone, code: "000000" }))).toBe(14001);
    await env.db.verificationCode.updateMany({ where: { target: phone }, data: { attempts: 0 } });
    await me.me.bindPhone({ phone, code: await codeFromOutbox(phone) });
    expect((await env.db.user.findUniqueOrThrow({ where: { id: w.plainB.id } })).phone).toBe(phone);
    // The manager's phone is taken: said only to whoever proves they hold it.
    const taken = "+86-15810419011";
    await env.db.verificationCode.updateMany({ where: { target: taken }, data: { createdAt: new Date(Date.now() - 120_000) } });
    await anon().auth.sendCode({ channel: "sms", target: taken, purpose: "bind", afs: await afs() });
    const right = await codeFromOutbox(taken);
    expect(await appCode(me.me.bindPhone({ phone: taken, code: right === "000000" ? "111111" : "000000" }))).toBe(14001);
    expect(await appCode(me.me.bindPhone({ phone: taken, code: right }))).toBe(14005);
    // plainb still has a password and a user name: the phone can go.
    await me.me.unbindContact({ kind: "phone" });
    // A phone-only account (made by SMS sign-in) cannot drop its phone.
    const target = "+86-13300000002";
    await anon().auth.sendCode({ channel: "sms", target, purpose: "login", afs: await afs() });
    const r = await signInWithSmsCode(env.db, req(), target, await codeFromOutbox(target));
    const phoneOnly = createCaller(await w.ctxFor(r.userId, w.tenantB, "web"));
    expect(await appCode(phoneOnly.me.unbindContact({ kind: "phone" }))).toBe(12010);
  });
});

describe("verified phone and email (OIDC *_verified)", () => {
  it("are set when a code proves the address and cleared when it changes", async () => {
    const flags = async (id: string) => env.db.user.findUniqueOrThrow({ where: { id }, select: { phoneVerifiedAt: true, emailVerifiedAt: true } });
    // SMS sign-in proves the phone (a new account, and an existing one).
    const phone = "+86-13300000077";
    await anon().auth.sendCode({ channel: "sms", target: phone, purpose: "login", afs: await afs() });
    const r = await signInWithSmsCode(env.db, req(), phone, await codeFromOutbox(phone));
    expect((await flags(r.userId)).phoneVerifiedAt).toBeInstanceOf(Date);
    expect((await flags(r.userId)).emailVerifiedAt).toBeNull();

    // Binding an email with a code proves it; an administrator's edit of the address clears it.
    const me = createCaller(await w.ctxFor(r.userId, w.tenantB, "web"));
    const email = "proven77@b.test";
    await anon().auth.sendCode({ channel: "email", target: email, purpose: "bind", afs: await afs() });
    await me.me.bindEmail({ email, code: await codeFromOutbox(email) });
    expect((await flags(r.userId)).emailVerifiedAt).toBeInstanceOf(Date);
    const admin = await w.callerFor(w.managerB.id);
    await admin.user.update({ id: r.userId, nickname: "same address" });
    expect((await flags(r.userId)).emailVerifiedAt).toBeInstanceOf(Date);
    await admin.user.update({ id: r.userId, email: "typed77@b.test" });
    expect((await flags(r.userId)).emailVerifiedAt).toBeNull();
    expect((await flags(r.userId)).phoneVerifiedAt).toBeInstanceOf(Date);
    await admin.user.update({ id: r.userId, phone: "+86-13300000078" });
    expect((await flags(r.userId)).phoneVerifiedAt).toBeNull();

    // A password reset by email code proves that email.
    await anon().auth.sendCode({ channel: "email", target: "typed77@b.test", purpose: "reset", afs: await afs() });
    await anon().auth.resetPassword({
      channel: "email",
      target: "typed77@b.test",
      code: await codeFromOutbox("typed77@b.test"),
      password: "another long passphrase 77",
    });
    expect((await flags(r.userId)).emailVerifiedAt).toBeInstanceOf(Date);
    // Removing the email clears its flag with it.
    await me.me.unbindContact({ kind: "email" });
    expect((await flags(r.userId)).emailVerifiedAt).toBeNull();
  });
});
