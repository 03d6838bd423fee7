import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, USER_PASSWORD, setupWorld } from "~/test/fixtures";
import { createLoginSession, endLoginSession, loadActor, loadTenantAndActor, sessionEndReason } from "~/server/services/session";
import { signInWithPassword } from "~/server/services/auth";
import { hashPassword, hashWork, md5Hex } from "~/server/password";
import { AppError } from "~/server/errors";
import { accountLockedUntil, deviceKey, lockAccountUntil, unknownAccount } from "~/server/security/throttle";
import { cookieWithDeviceToken, DEVICE_TOKEN_MAX_AGE_MS, issueDeviceToken, readDeviceCookies, validDeviceTokens } from "~/server/security/device-cookie";
import { changePassword } from "~/server/services/account";
import { forgetTenantSettings } from "~/server/services/tenant-settings";

const env = setupWorld();
let w: typeof env.w;

beforeAll(() => {
  w = env.w;
});

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

  it.each([
    ["frozen", { state: "frozen" as const }, "frozen"],
    ["forced offline", { state: "offline" as const }, "offline"],
    ["ended elsewhere", { state: "ended" as const }, "ended"],
    ["soft-deleted", { deletedAt: new Date() }, "deleted"],
    ["expired", { expiresAt: new Date(Date.now() - 1000) }, "expired"],
    ["idle too long", { lastSeenAt: new Date(Date.now() - 31 * 60_000) }, "expired"],
  ])("says why it is over once %s (what the sign-in page tells its owner)", async (_label, data, reason) => {
    const s = await open();
    expect(await loadTenantAndActor(env.db, "b.test", s.id)).toMatchObject({ tenant: { id: w.tenantB.id }, ended: null });
    await env.db.loginSession.update({ where: { id: s.id }, data });
    const r = await loadTenantAndActor(env.db, "b.test", s.id);
    expect(r).toMatchObject({ tenant: { id: w.tenantB.id }, actor: null, ended: reason });
  });

  it("calls a purged session deleted, and explains nothing else (a disabled user, an unknown host)", async () => {
    const s = await open();
    await env.db.loginSession.delete({ where: { id: s.id } });
    expect((await loadTenantAndActor(env.db, "b.test", s.id)).ended).toBe("deleted");
    const t = await open();
    await env.db.user.update({ where: { id: w.managerB.id }, data: { status: "disabled" } });
    try {
      expect(await loadTenantAndActor(env.db, "b.test", t.id)).toMatchObject({ actor: null, ended: null });
    } finally {
      await env.db.user.update({ where: { id: w.managerB.id }, data: { status: "active" } });
    }
    expect(await loadTenantAndActor(env.db, "nobody.test", t.id)).toEqual({ tenant: null, actor: null, ended: null });
    expect(await loadTenantAndActor(env.db, "b.test", "not-a-uuid")).toMatchObject({ actor: null, ended: null });
  });

  it("sessionEndReason: the record's own state first, then its clocks; a usable one has none", () => {
    const now = Date.now();
    const base = { state: "active", deletedAt: null, expiresAt: new Date(now + 60_000), lastSeenAt: new Date(now), idleSeconds: 1800 };
    expect(sessionEndReason(base, now)).toBeNull();
    expect(sessionEndReason({ ...base, state: "frozen", expiresAt: new Date(now - 1) }, now)).toBe("frozen");
    expect(sessionEndReason({ ...base, state: "frozen", deletedAt: new Date(now) }, now)).toBe("deleted");
    expect(sessionEndReason({ ...base, lastSeenAt: new Date(now - 1801_000) }, now)).toBe("expired");
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
    for (const [ustr, pwd, form] of [
      ["+86-15810419011", USER_PASSWORD, "plain"],
      ["MANAGER@b.test", USER_PASSWORD, "plain"],
      ["managerb", md5Hex(USER_PASSWORD), "md5"],
    ] as const) {
      const r = await signInWithPassword(env.db, { ...base(), ustr, pwd, pwdForm: form });
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
    await expect(signInWithPassword(env.db, { ...base(), ustr: "plainb", pwd: USER_PASSWORD, role: "administrator" })).rejects.toMatchObject({
      appCode: 12002,
    });
  });
});

describe("hash work per attempt", () => {
  // Each attempt from an address of its own, so the IP's captcha threshold never cuts in.
  let n = 0;
  const attempt = async (ustr: string, pwd: string, pwdForm?: "plain" | "md5") => {
    const before = hashWork.verifications;
    const outcome = await signInWithPassword(env.db, { tenant: w.tenantB, ip: `10.66.0.${++n}`, userAgent: "vitest", ustr, pwd, pwdForm }).then(
      () => "signed in",
      (e: unknown) => (e instanceof AppError ? e.appCode : e),
    );
    return { outcome, verifications: hashWork.verifications - before };
  };

  it("is one argon2 verification whatever the account's state, the password or its form", async () => {
    const pass = "hash-work-pass-1";
    const make = (userName: string, status: "active" | "disabled" = "active", withPassword = true) =>
      hashPassword(pass).then((passwordHash) =>
        env.db.user.create({ data: { tenantId: w.tenantB.id, userName, userNameKey: userName, status, passwordHash: withPassword ? passwordHash : null } }),
      );
    await make("hw-ok");
    const locked = await make("hw-locked");
    await lockAccountUntil(env.db, { tenantId: w.tenantB.id, userId: locked.id, until: new Date(Date.now() + 600_000), ip: null });
    await make("hw-disabled", "disabled");
    await make("hw-nopass", "active", false);

    const cases: [string, Awaited<ReturnType<typeof attempt>>][] = [
      ["right, typed", await attempt("hw-ok", pass)],
      ["right, MD5 form", await attempt("hw-ok", md5Hex(pass), "md5")],
      ["wrong, typed", await attempt("hw-ok", "not the password")],
      ["wrong, MD5 form", await attempt("hw-ok", md5Hex("not the password"), "md5")],
      // A typed password that looks like MD5 hex is tried once, as typed.
      ["wrong, typed but hex-looking", await attempt("hw-ok", md5Hex(pass))],
      ["unknown", await attempt("hw-nobody", pass)],
      ["unknown, MD5 form", await attempt("hw-nobody", md5Hex(pass), "md5")],
      ["locked + right", await attempt("hw-locked", pass)],
      ["locked + wrong", await attempt("hw-locked", "not the password")],
      ["locked + right, MD5 form", await attempt("hw-locked", md5Hex(pass), "md5")],
      ["disabled + right", await attempt("hw-disabled", pass)],
      ["disabled + wrong", await attempt("hw-disabled", "not the password")],
      ["no password set", await attempt("hw-nopass", pass)],
    ];
    expect(Object.fromEntries(cases.map(([k, v]) => [k, v]))).toEqual({
      "right, typed": { outcome: "signed in", verifications: 1 },
      "right, MD5 form": { outcome: "signed in", verifications: 1 },
      "wrong, typed": { outcome: 12001, verifications: 1 },
      "wrong, MD5 form": { outcome: 12001, verifications: 1 },
      "wrong, typed but hex-looking": { outcome: 12001, verifications: 1 },
      unknown: { outcome: 12001, verifications: 1 },
      "unknown, MD5 form": { outcome: 12001, verifications: 1 },
      "locked + right": { outcome: 12001, verifications: 1 },
      "locked + wrong": { outcome: 12001, verifications: 1 },
      "locked + right, MD5 form": { outcome: 12001, verifications: 1 },
      "disabled + right": { outcome: 12001, verifications: 1 },
      "disabled + wrong": { outcome: 12001, verifications: 1 },
      "no password set": { outcome: 12001, verifications: 1 },
    });
  });

  it("changing the password checks the current one once, right or wrong", async () => {
    const s = await createLoginSession(env.db, { tenantId: w.tenantB.id, userId: w.plainB.id, site: "web", method: "password" });
    const actor = { userId: w.plainB.id, sessionId: s.id };
    const before = hashWork.verifications;
    await expect(changePassword(env.db, actor, { current: "not the password", password: "another long passphrase" }, "en")).rejects.toMatchObject({
      appCode: 12001,
    });
    expect(hashWork.verifications - before).toBe(1);
    await changePassword(env.db, actor, { current: USER_PASSWORD, password: USER_PASSWORD }, "en");
    expect(hashWork.verifications - before).toBe(2);
    // An account that never set a password (made by SMS sign-in) costs the same.
    const phoneOnly = await env.db.user.create({ data: { tenantId: w.tenantB.id, phone: "+86-13900000077" } });
    const s2 = await createLoginSession(env.db, { tenantId: w.tenantB.id, userId: phoneOnly.id, site: "web", method: "sms-code" });
    await expect(
      changePassword(env.db, { userId: phoneOnly.id, sessionId: s2.id }, { current: "anything at all", password: "another long passphrase" }, "en"),
    ).rejects.toMatchObject({ appCode: 12001 });
    expect(hashWork.verifications - before).toBe(3);
  });
});

describe("changing the password against guesses", () => {
  it("counts wrong current passwords on the account and refuses while it is locked, even the right one", async () => {
    const pass = "change-brute-pass-1";
    const u = await env.db.user.create({
      data: { tenantId: w.tenantB.id, userName: "chg-brute", userNameKey: "chg-brute", passwordHash: await hashPassword(pass) },
    });
    const s = await createLoginSession(env.db, { tenantId: w.tenantB.id, userId: u.id, site: "web", method: "password" });
    const actor = { userId: u.id, sessionId: s.id };
    const change = (current: string) =>
      changePassword(env.db, actor, { current, password: "a brand new passphrase" }, "en", "10.78.0.1").then(
        () => 0,
        (e: unknown) => (e instanceof AppError ? e.appCode : -1),
      );
    // A stolen session cookie: two quick wrong guesses lock the account like sign-in failures.
    expect(await change("guess one")).toBe(12001);
    expect(await change("guess two")).toBe(12001);
    expect(await accountLockedUntil(env.db, w.tenantB.id, u.id)).not.toBeNull();
    // Locked: the right password gets the same answer after the same hash work, and nothing changes.
    const before = hashWork.verifications;
    const { passwordHash } = await env.db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(await change(pass)).toBe(12001);
    expect(hashWork.verifications - before).toBe(1);
    expect((await env.db.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash).toBe(passwordHash);
    // The lock also holds for sign-in.
    expect(
      await signInWithPassword(env.db, { tenant: w.tenantB, ip: "10.78.0.2", userAgent: "vitest", ustr: "chg-brute", pwd: pass }).then(
        () => 0,
        (e: unknown) => (e instanceof AppError ? e.appCode : -1),
      ),
    ).toBe(12001);
  });
});

describe("device cookies against lockouts", () => {
  let n = 0;
  const pass = "device-owner-pass-1";
  const signIn = (ustr: string, pwd: string, deviceCookie?: string | string[] | null) =>
    signInWithPassword(env.db, { tenant: w.tenantB, ip: `10.77.0.${++n}`, userAgent: "vitest", ustr, pwd, deviceCookie });
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => "signed in",
      (e: unknown) => (e instanceof AppError ? { code: e.appCode, message: e.message } : e),
    );
  const refused = { code: 12001, message: new AppError(12001).message };
  const lockOut = async (ustr: string, deviceCookie?: string) => {
    // Two wrong guesses under a second apart lock for 60 s.
    expect(await outcome(signIn(ustr, "a stranger's guess", deviceCookie))).toEqual(refused);
    expect(await outcome(signIn(ustr, "another guess", deviceCookie))).toEqual(refused);
  };

  it("an attacker's lock keeps strangers out but not the owner's browser that signed in before", async () => {
    const owner = await env.db.user.create({
      data: { tenantId: w.tenantB.id, userName: "dev-owner", userNameKey: "dev-owner", passwordHash: await hashPassword(pass) },
    });
    const first = await signIn("dev-owner", pass);
    expect(validDeviceTokens(first.deviceToken)).toEqual([expect.objectContaining({ tenantId: w.tenantB.id, userId: owner.id })]);
    const cookie = cookieWithDeviceToken(null, first.deviceToken);

    await lockOut("dev-owner");
    expect((await env.db.authThrottle.findUniqueOrThrow({ where: { key: `acct:${w.tenantB.id}:${owner.id}` } })).lockedUntil!.getTime()).toBeGreaterThan(
      Date.now(),
    );
    // Without the cookie, even the right password is the same refusal as a wrong one.
    expect(await outcome(signIn("dev-owner", pass))).toEqual(refused);
    // The owner's browser signs in, and keeps its token.
    const again = await signIn("dev-owner", pass, cookie);
    expect(again.deviceToken).toBe(first.deviceToken);
    // Among other accounts' tokens too.
    const shared = cookieWithDeviceToken(cookie, issueDeviceToken(w.tenantB.id, w.plainB.id));
    await expect(signIn("DEV-OWNER", pass, shared)).resolves.toMatchObject({ userId: owner.id });
    // The strangers' lock is still there for strangers.
    expect(await outcome(signIn("dev-owner", pass))).toEqual(refused);
  });

  it("a forged, altered or someone else's token counts as none", async () => {
    const owner = await env.db.user.create({
      data: { tenantId: w.tenantB.id, userName: "dev-forge", userNameKey: "dev-forge", passwordHash: await hashPassword(pass) },
    });
    const real = (await signIn("dev-forge", pass)).deviceToken;
    await lockOut("dev-forge");
    const [tenantId, userId, nonce, issued, mac] = real.split(".") as [string, string, string, string, string];
    const flipped = `${mac.slice(0, -2)}${mac.endsWith("AA") ? "BB" : "AA"}`;
    for (const forged of [
      `${tenantId}.${userId}.${nonce}.${issued}.${flipped}`, // altered signature
      `${tenantId}.${userId}.${"A".repeat(22)}.${issued}.${mac}`, // another nonce under the same signature
      `${tenantId}.${userId}.${nonce}.${String(Number(issued) + 1000)}.${mac}`, // a later issue time under the same signature
      `${tenantId}.${userId}.${nonce}.${mac}`, // the old form, without an issue time
      issueDeviceToken(w.tenantB.id, w.plainB.id), // another account's
      issueDeviceToken(w.platform.id, owner.id), // another tenant's
      `${tenantId}.${userId}.${nonce}`, // no signature
      "garbage",
      real.repeat(40), // oversized
    ]) {
      expect(await outcome(signIn("dev-forge", pass, forged))).toEqual(refused);
    }
    await expect(signIn("dev-forge", pass, real)).resolves.toMatchObject({ userId: owner.id });
  });

  it("a known device that keeps failing is locked on its own, without touching the account or other devices", async () => {
    const owner = await env.db.user.create({
      data: { tenantId: w.tenantB.id, userName: "dev-noisy", userNameKey: "dev-noisy", passwordHash: await hashPassword(pass) },
    });
    const noisy = (await signIn("dev-noisy", pass)).deviceToken;
    const other = (await signIn("dev-noisy", pass)).deviceToken;
    await lockOut("dev-noisy", noisy);
    expect(await outcome(signIn("dev-noisy", pass, noisy))).toEqual(refused);
    // The account counted nothing: a browser without a cookie and the other device still get in.
    expect(await env.db.authThrottle.findUnique({ where: { key: `acct:${w.tenantB.id}:${owner.id}` } })).toBeNull();
    await expect(signIn("dev-noisy", pass)).resolves.toMatchObject({ userId: owner.id });
    await expect(signIn("dev-noisy", pass, other)).resolves.toMatchObject({ userId: owner.id });
    // Administrators see the device's lock as such, and lifting the user's lock frees the device.
    const admin = await w.callerFor(w.managerB.id);
    expect((await admin.lock.list({ userId: owner.id })).items).toEqual([expect.objectContaining({ reason: "device", active: true })]);
    await admin.lock.unlock({ userId: owner.id });
    const nonce = validDeviceTokens(noisy)[0]!.nonce;
    expect(await env.db.authThrottle.findUnique({ where: { key: deviceKey(w.tenantB.id, owner.id, nonce) } })).toBeNull();
    await expect(signIn("dev-noisy", pass, noisy)).resolves.toMatchObject({ userId: owner.id });
  });

  it("a token from before the account's last password change, or older than 180 days, counts as none", async () => {
    const owner = await env.db.user.create({
      data: { tenantId: w.tenantB.id, userName: "dev-stale", userNameKey: "dev-stale", passwordHash: await hashPassword(pass) },
    });
    const before = (await signIn("dev-stale", pass)).deviceToken;
    const s = await createLoginSession(env.db, { tenantId: w.tenantB.id, userId: owner.id, site: "web", method: "password" });
    const next = "dev-stale-new-pass-2";
    await changePassword(env.db, { userId: owner.id, sessionId: s.id }, { current: pass, password: next }, "en");
    await lockOut("dev-stale");
    // The stolen (or merely old) browser's token no longer gets past the strangers' lock.
    expect(await outcome(signIn("dev-stale", next, before))).toEqual(refused);
    // Nor does a token past its maximum age; one issued since the change, within it, does.
    const day = 86_400_000;
    expect(await outcome(signIn("dev-stale", next, issueDeviceToken(w.tenantB.id, owner.id, new Date(Date.now() - DEVICE_TOKEN_MAX_AGE_MS - day))))).toEqual(
      refused,
    );
    expect(await outcome(signIn("dev-stale", next, issueDeviceToken(w.tenantB.id, owner.id, new Date(Date.now() + 3600_000))))).toEqual(refused);
    await expect(signIn("dev-stale", next, issueDeviceToken(w.tenantB.id, owner.id))).resolves.toMatchObject({ userId: owner.id });
    // Set back 179 days, after a change 180 days ago: still good.
    await env.db.user.update({ where: { id: owner.id }, data: { passwordChangedAt: new Date(Date.now() - 180 * day) } });
    await expect(signIn("dev-stale", next, issueDeviceToken(w.tenantB.id, owner.id, new Date(Date.now() - 179 * day)))).resolves.toMatchObject({
      userId: owner.id,
    });
  });

  it("every device cookie of the name is read: a shadowing cookie from a sibling host hides no valid token", async () => {
    const owner = await env.db.user.create({
      data: { tenantId: w.tenantB.id, userName: "dev-shadow", userNameKey: "dev-shadow", passwordHash: await hashPassword(pass) },
    });
    const token = (await signIn("dev-shadow", pass)).deviceToken;
    await lockOut("dev-shadow");
    const junk = Array.from({ length: 5 }, () => issueDeviceToken(w.tenantB.id, w.plainB.id)).join("~");
    const header = `uc_lang=en; uc_device=garbage; uc_device=${junk}; uc_device=${"x".repeat(3000)}; uc_device=${token}`;
    expect(readDeviceCookies(header)).toHaveLength(4);
    await expect(signIn("dev-shadow", pass, readDeviceCookies(header))).resolves.toMatchObject({ userId: owner.id });
    // Kept in the cookie written back, with the other valid ones.
    expect(validDeviceTokens(cookieWithDeviceToken(readDeviceCookies(header), token)).map((t) => t.token)).toContain(token);
  });

  it("an administrator's lock binds known devices too", async () => {
    const owner = await env.db.user.create({
      data: { tenantId: w.tenantB.id, userName: "dev-admin", userNameKey: "dev-admin", passwordHash: await hashPassword(pass) },
    });
    const token = (await signIn("dev-admin", pass)).deviceToken;
    const admin = await w.callerFor(w.managerB.id);
    await admin.user.lock({ id: owner.id, until: new Date(Date.now() + 600_000) });
    expect(await outcome(signIn("dev-admin", pass, token))).toEqual(refused);
    await admin.user.unlock({ id: owner.id });
    await expect(signIn("dev-admin", pass, token)).resolves.toMatchObject({ userId: owner.id });
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
