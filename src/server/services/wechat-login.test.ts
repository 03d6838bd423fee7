import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupWorld } from "~/test/fixtures";
import { startWechatStub, type WechatStub } from "~/test/wechat-stub";
import { encryptSecret } from "~/server/crypto";
import { AppError } from "~/server/errors";
import { jsonLogin } from "~/server/services/login-api";
import { signInWithPassword } from "~/server/services/auth";
import { hashPassword } from "~/server/password";
import { accountLockedUntil, lockAccountUntil } from "~/server/security/throttle";
import {
  bindIdentity,
  completeWechatRoundTrip,
  miniprogramIdentity,
  signInWithIdentity,
  startWechatLogin,
  unbindIdentity,
} from "~/server/services/wechat-login";

const WEB_APP = { id: "wxweb0000000000001", secret: "web-secret-0000000000000000001" };
const MP_APP = { id: "wxmp00000000000001", secret: "mp-secret-00000000000000000001" };

const env = setupWorld();
let w: typeof env.w;
let stub: WechatStub;

beforeAll(async () => {
  w = env.w;
  stub = await startWechatStub({ apps: { [WEB_APP.id]: WEB_APP.secret, [MP_APP.id]: MP_APP.secret } });
  process.env.WECHAT_OPEN_BASE_URL = stub.url;
  process.env.WECHAT_API_BASE_URL = stub.url;
  await env.db.tenantProperty.createMany({
    data: [
      { tenantId: w.tenantB.id, key: "wechat.appId", value: WEB_APP.id },
      { tenantId: w.tenantB.id, key: "wechat.appSecret", value: encryptSecret(WEB_APP.secret), secret: true },
      { tenantId: w.tenantB.id, key: "miniprogram.appId", value: MP_APP.id },
      { tenantId: w.tenantB.id, key: "miniprogram.appSecret", value: encryptSecret(MP_APP.secret), secret: true },
      { tenantId: w.tenantB.id, key: "auth.allowWechatSignup", value: "true" },
    ],
  });
});
afterAll(async () => {
  await stub?.close();
});

const req = { ip: "10.5.0.1", userAgent: "vitest" };
const appCode = (p: Promise<unknown>) =>
  p.then(
    () => 0,
    (e: unknown) => (e instanceof AppError ? e.appCode : -1),
  );

async function roundTrip(mode: "login" | "bind" = "login", userId?: string) {
  const started = await startWechatLogin(env.db, { tenant: w.tenantB, origin: "https://b.test", mode, userId, callbackUrl: "/" });
  const url = new URL(started.url);
  expect(url.origin + url.pathname).toBe(`${stub.url}/connect/qrconnect`);
  expect(url.searchParams.get("appid")).toBe(WEB_APP.id);
  expect(url.searchParams.get("redirect_uri")).toBe("https://b.test/login/wechat");
  expect(url.searchParams.get("scope")).toBe("snsapi_login");
  const state = url.searchParams.get("state")!;
  expect(state).toMatch(/^[A-Za-z0-9]{32}$/);
  return { cookie: started.cookie, state };
}

describe("WeChat website QR sign-in", () => {
  it("creates a user on first scan when the tenant allows it, and signs the same user in later", async () => {
    const who = { openid: "o-web-alice", unionid: "u-alice", nickname: "Alice" };
    const first = await roundTrip();
    const id = await completeWechatRoundTrip(env.db, { tenant: w.tenantB, ...first, code: stub.issueCode(who, WEB_APP.id) });
    expect(id).toMatchObject({ openid: "o-web-alice", unionid: "u-alice", nickname: "Alice" });
    const s1 = await signInWithIdentity(env.db, w.tenantB, { provider: "wechat", ...id }, req, true);
    const again = await roundTrip();
    const id2 = await completeWechatRoundTrip(env.db, { tenant: w.tenantB, ...again, code: stub.issueCode(who, WEB_APP.id) });
    const s2 = await signInWithIdentity(env.db, w.tenantB, { provider: "wechat", ...id2 }, req, true);
    expect(s2.userId).toBe(s1.userId);
    expect((await env.db.loginSession.findUniqueOrThrow({ where: { id: s2.sessionId } })).method).toBe("wechat");
    // The mini-program of the same company finds her through the unionid.
    const mp = await miniprogramIdentity(env.db, w.tenantB.id, stub.issueJsCode({ openid: "o-mp-alice", unionid: "u-alice" }, MP_APP.id));
    expect((await signInWithIdentity(env.db, w.tenantB, mp, req, false)).userId).toBe(s1.userId);
  });

  it("refuses a replayed state, a replayed code, a wrong state and a forged cookie", async () => {
    const who = { openid: "o-web-bob" };
    const rt = await roundTrip();
    const code = stub.issueCode(who, WEB_APP.id);
    expect(await appCode(completeWechatRoundTrip(env.db, { tenant: w.tenantB, cookie: rt.cookie, state: "X".repeat(32), code }))).toBe(12007);
    expect(await appCode(completeWechatRoundTrip(env.db, { tenant: w.tenantB, ...rt, code }))).toBe(0);
    expect(await appCode(completeWechatRoundTrip(env.db, { tenant: w.tenantB, ...rt, code: stub.issueCode(who, WEB_APP.id) }))).toBe(12007);
    const rt2 = await roundTrip();
    expect(await appCode(completeWechatRoundTrip(env.db, { tenant: w.tenantB, ...rt2, code }))).toBe(12007);
    const [body, mac] = rt2.cookie.split(".");
    const forged = JSON.parse(Buffer.from(body!, "base64url").toString()) as Record<string, unknown>;
    const tampered = `${Buffer.from(JSON.stringify({ ...forged, exp: Date.now() + 1e9 })).toString("base64url")}.${mac}`;
    expect(
      await appCode(completeWechatRoundTrip(env.db, { tenant: w.tenantB, cookie: tampered, state: rt2.state, code: stub.issueCode(who, WEB_APP.id) })),
    ).toBe(12007);
    // Another tenant's host cannot finish this tenant's round trip.
    const rt3 = await roundTrip();
    expect(await appCode(completeWechatRoundTrip(env.db, { tenant: w.platform, ...rt3, code: stub.issueCode(who, WEB_APP.id) }))).toBe(12007);
  });

  it("binds WeChat to an existing account, refuses it for a second account, and never unlinks the last way in", async () => {
    const who = { openid: "o-web-manager", unionid: "u-manager" };
    const rt = await roundTrip("bind", w.managerB.id);
    const id = await completeWechatRoundTrip(env.db, { tenant: w.tenantB, ...rt, code: stub.issueCode(who, WEB_APP.id) });
    expect(id.cookie).toMatchObject({ mode: "bind", userId: w.managerB.id });
    await bindIdentity(env.db, w.tenantB.id, w.managerB.id, { provider: "wechat", ...id });
    expect(await appCode(bindIdentity(env.db, w.tenantB.id, w.plainB.id, { provider: "wechat", ...id }))).toBe(12009);
    const rt2 = await roundTrip();
    const id2 = await completeWechatRoundTrip(env.db, { tenant: w.tenantB, ...rt2, code: stub.issueCode(who, WEB_APP.id) });
    expect((await signInWithIdentity(env.db, w.tenantB, { provider: "wechat", ...id2 }, req, true)).userId).toBe(w.managerB.id);
    // The manager has a password: unlinking is fine. Alice (WeChat only) cannot unlink her only way in.
    await unbindIdentity(env.db, w.tenantB.id, w.managerB.id, "wechat");
    const alice = await env.db.externalLogin.findFirstOrThrow({ where: { providerKey: "o-web-alice" } });
    await env.db.externalLogin.deleteMany({ where: { userId: alice.userId, provider: "miniprogram" } });
    expect(await appCode(unbindIdentity(env.db, w.tenantB.id, alice.userId, "wechat"))).toBe(12010);
  });
});

describe("mini-program sign-in (AddAoginr)", () => {
  const call = (ustr: string) => jsonLogin(env.db, { operation: "AddAoginr", body: { ustr }, tenant: w.tenantB, locale: "en", ...req });

  it("tells an unlinked identity apart, signs a linked one in, refuses reused and bad codes", async () => {
    const who = { openid: "o-mp-plain" };
    const unknown = await call(stub.issueJsCode(who, MP_APP.id));
    expect(unknown).toMatchObject({ status: 404, error: 12005, exists: false, result: null });
    await bindIdentity(env.db, w.tenantB.id, w.plainB.id, await miniprogramIdentity(env.db, w.tenantB.id, stub.issueJsCode(who, MP_APP.id)));
    const code = stub.issueJsCode(who, MP_APP.id);
    const ok = await call(code);
    expect(ok).toMatchObject({ status: 200, error: 0, exists: true, result: { id: w.plainB.id, roles: ["user"] } });
    expect(JSON.stringify(ok)).not.toMatch(/session_key|sessionKey/);
    expect(await call(code)).toMatchObject({ error: 12007 });
    expect(await call("bogus-code")).toMatchObject({ error: 12007 });
  });
});

describe("WeChat website codes from apps (AddWoginx / AddWoginr)", () => {
  const call = (operation: string, ustr: string) => jsonLogin(env.db, { operation, body: { ustr }, tenant: w.tenantB, locale: "en", ...req });

  it("sign a linked administrator in to the admin site only, and tell unlinked identities apart", async () => {
    const who = { openid: "o-web-manager-app" };
    await bindIdentity(env.db, w.tenantB.id, w.managerB.id, { provider: "wechat", openid: who.openid });
    expect(await call("AddWoginr", stub.issueCode(who, WEB_APP.id))).toMatchObject({ status: 200, exists: true, result: { id: w.managerB.id } });
    expect(await call("AddWoginx", stub.issueCode(who, WEB_APP.id))).toMatchObject({ status: 403, error: 12003 });
    expect(await call("AddWoginr", stub.issueCode({ openid: "o-nobody" }, WEB_APP.id))).toMatchObject({ error: 12005, exists: false });
  });
});

describe("WeChat and mini-program sign-in against strangers' locks", () => {
  it("signs the owner in while password guesses keep the account locked; an administrator's lock still refuses", async () => {
    const owner = await env.db.user.create({
      data: {
        tenantId: w.tenantB.id,
        userName: "wx-locked-owner",
        userNameKey: "wx-locked-owner",
        passwordHash: await hashPassword("owner passphrase 1"),
        passwordChangedAt: new Date(),
      },
    });
    await bindIdentity(env.db, w.tenantB.id, owner.id, { provider: "wechat", openid: "o-web-locked" });
    await bindIdentity(env.db, w.tenantB.id, owner.id, { provider: "miniprogram", openid: "o-mp-locked" });
    // A stranger who knows the name: two wrong guesses under a second apart lock the account.
    for (const pwd of ["guess one", "guess two"]) {
      expect(await appCode(signInWithPassword(env.db, { tenant: w.tenantB, ip: "10.5.9.9", userAgent: "x", ustr: "wx-locked-owner", pwd }))).toBe(12001);
    }
    expect(await accountLockedUntil(env.db, w.tenantB.id, owner.id)).not.toBeNull();
    const rt = await roundTrip();
    const id = await completeWechatRoundTrip(env.db, { tenant: w.tenantB, ...rt, code: stub.issueCode({ openid: "o-web-locked" }, WEB_APP.id) });
    expect((await signInWithIdentity(env.db, w.tenantB, { provider: "wechat", ...id }, req, true)).userId).toBe(owner.id);
    const mp = (ustr: string) => jsonLogin(env.db, { operation: "AddAoginr", body: { ustr }, tenant: w.tenantB, locale: "en", ...req });
    expect(await mp(stub.issueJsCode({ openid: "o-mp-locked" }, MP_APP.id))).toMatchObject({ status: 200, result: { id: owner.id } });
    // An administrator's lock binds every way in.
    await lockAccountUntil(env.db, { tenantId: w.tenantB.id, userId: owner.id, until: new Date(Date.now() + 600_000), ip: null });
    expect(await mp(stub.issueJsCode({ openid: "o-mp-locked" }, MP_APP.id))).toMatchObject({ error: 12001, result: null });
    const rt2 = await roundTrip();
    const id2 = await completeWechatRoundTrip(env.db, { tenant: w.tenantB, ...rt2, code: stub.issueCode({ openid: "o-web-locked" }, WEB_APP.id) });
    expect(await appCode(signInWithIdentity(env.db, w.tenantB, { provider: "wechat", ...id2 }, req, true))).toBe(12001);
  });
});
