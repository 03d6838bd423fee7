import { beforeAll, describe, expect, it, vi } from "vitest";
import { createLocalJWKSet, jwtVerify } from "jose";
import { ADMIN_PASSWORD, USER_PASSWORD, setupWorld } from "~/test/fixtures";
import { jsonLogin } from "~/server/services/login-api";
import { publicJwks, rotateSigningKey, signSessionToken, verifySessionToken } from "~/server/services/tokens";
import { loadActor } from "~/server/services/session";
import { md5Hex } from "~/server/password";
import type { ResolvedTenant } from "~/server/services/host";

const env = setupWorld();
let w: typeof env.w;

beforeAll(() => {
  w = env.w;
});

const call = (operation: string, body: unknown, tenant: ResolvedTenant | null = w.tenantB, locale: "en" | "zh-CN" = "en") =>
  jsonLogin(env.db, { operation, body, tenant, locale, ip: "10.0.0.1", userAgent: "miniprogram" });

describe("JSON login API", () => {
  it("signs an administrator in to the tenant admin site by phone and answers seed 003's envelope", async () => {
    const res = await call("AddToginr", { ustr: "+86-15810419011", pwd: md5Hex(USER_PASSWORD), afs: "x" });
    expect(res).toMatchObject({ status: 200, apis: "AddToginr", error: 0, reason: "success" });
    expect(res.apid).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.result!.id).toBe(w.managerB.id);
    expect(res.result!.roles).toEqual(expect.arrayContaining(["administrator", "tenant-manager"]));
    expect(res.result!.rules).toEqual(expect.arrayContaining(["uc.tenant.all"]));
    expect(new Date(res.result!.expire).getTime()).toBeGreaterThan(Date.now());

    // The token is an ES256 JWT verifiable with the published keys, and names its session.
    const jwks = createLocalJWKSet(await publicJwks(env.db));
    const { payload, protectedHeader } = await jwtVerify(res.result!.token, jwks);
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload.sub).toBe(w.managerB.id);
    // 128 random bits in every token (base64url of 16 bytes).
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const claims = await verifySessionToken(env.db, res.result!.token);
    const actor = await loadActor(env.db, claims!.sessionId, w.tenantB.id);
    expect(actor?.userId).toBe(w.managerB.id);
    const session = await env.db.loginSession.findUniqueOrThrow({ where: { id: claims!.sessionId } });
    expect(session).toMatchObject({ ip: "10.0.0.1", userAgent: "miniprogram", site: "admin" });
  });

  it("keeps each operation to its site and its way of naming the account", async () => {
    // A plain user cannot sign in to an admin site; a tenant administrator not to the platform console.
    expect(await call("AddNoginr", { ustr: "plainb", pwd: md5Hex(USER_PASSWORD) })).toMatchObject({ status: 403, error: 12003 });
    expect(await call("AddNoginx", { ustr: "managerb", pwd: md5Hex(USER_PASSWORD) })).toMatchObject({ status: 403, error: 12003 });
    expect(await call("AddLogin", { ustr: "plainb", pwd: md5Hex(USER_PASSWORD) })).toMatchObject({ status: 200 });
    // The platform operator, on the platform's host.
    expect(await call("AddNoginx", { ustr: "admin", pwd: md5Hex(ADMIN_PASSWORD) }, w.platform)).toMatchObject({
      status: 200,
      result: { roles: expect.arrayContaining(["operator"]) as unknown },
    });
    // T takes a phone; an email on it is a field error.
    const wrongKind = await call("AddToginr", { ustr: "manager@b.test", pwd: md5Hex(USER_PASSWORD) }, w.tenantB, "zh-CN");
    expect(wrongKind).toMatchObject({ status: 400, error: 10003 });
    expect(wrongKind.fields?.ustr?.[0]).toContain("手机号");
  });

  it("refuses plain-text passwords, unknown operations, unknown hosts and wrong passwords alike", async () => {
    const plain = await call("AddLogin", { ustr: "managerb", pwd: USER_PASSWORD });
    expect(plain).toMatchObject({ status: 400, error: 10003 });
    expect(plain.fields?.pwd).toHaveLength(1);
    expect(await call("AddFoo", {})).toMatchObject({ status: 404, error: 12004 });
    expect(await call("AddLogin", { ustr: "x", pwd: md5Hex("x") }, null)).toMatchObject({ status: 404, error: 10007 });
    const wrong = await call("AddLogin", { ustr: "managerb", pwd: md5Hex("nope") });
    const unknown = await call("AddLogin", { ustr: "ghost", pwd: md5Hex("nope") });
    expect(wrong).toMatchObject({ status: 401, error: 12001 });
    expect({ ...unknown, apid: "" }).toEqual({ ...wrong, apid: "" });
  });
});

describe("signing keys", () => {
  it("rotate while tokens signed with the old key still verify and the old key stays published", async () => {
    const before = await call("AddLogin", { ustr: "managerb", pwd: md5Hex(USER_PASSWORD) });
    const oldKeys = (await publicJwks(env.db)).keys.map((k) => k.kid);
    const kid = await rotateSigningKey(env.db);
    const after = await call("AddLogin", { ustr: "managerb", pwd: md5Hex(USER_PASSWORD) });
    const published = (await publicJwks(env.db)).keys.map((k) => k.kid);
    expect(published).toEqual(expect.arrayContaining([...oldKeys, kid]));
    expect(await verifySessionToken(env.db, before.result!.token)).not.toBeNull();
    expect(await verifySessionToken(env.db, after.result!.token)).not.toBeNull();
  });

  it("refuse forged, tampered and foreign tokens", async () => {
    const ok = await call("AddLogin", { ustr: "managerb", pwd: md5Hex(USER_PASSWORD) });
    const [h, p, s] = ok.result!.token.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
    const forged = [h, Buffer.from(JSON.stringify({ ...payload, sub: w.operator.id })).toString("base64url"), s].join(".");
    expect(await verifySessionToken(env.db, forged)).toBeNull();
    expect(await verifySessionToken(env.db, "not.a.jwt")).toBeNull();
    const none = [Buffer.from(JSON.stringify({ alg: "none", kid: "x" })).toString("base64url"), p, ""].join(".");
    expect(await verifySessionToken(env.db, none)).toBeNull();
  });

  it("remember a verified token only until it expires, and never a refused one", async () => {
    const s = await env.db.loginSession.findFirstOrThrow({ where: { userId: w.managerB.id } });
    const start = Date.now();
    const token = await signSessionToken(env.db, { sessionId: s.id, userId: w.managerB.id, tenantId: w.tenantB.id, expiresAt: new Date(start + 60_000) });
    const first = await verifySessionToken(env.db, token);
    expect(first).toEqual({ sessionId: s.id, userId: w.managerB.id, tenantId: w.tenantB.id });
    // Shared between callers, so nobody may change it.
    expect(Object.isFrozen(first)).toBe(true);
    expect(await verifySessionToken(env.db, token)).toEqual(first);
    vi.useFakeTimers({ now: start + 61_000, toFake: ["Date"] });
    try {
      expect(await verifySessionToken(env.db, token)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
    // A tampered copy of a remembered token is checked, not looked up.
    const [h, p] = token.split(".");
    expect(await verifySessionToken(env.db, `${h}.${p}.${"A".repeat(86)}`)).toBeNull();
  });
});

describe("device tokens", () => {
  let n = 0;
  const from = (body: unknown, deviceCookie?: string) =>
    jsonLogin(env.db, { operation: "AddLogin", body, tenant: w.tenantB, locale: "en", ip: `10.0.9.${++n}`, userAgent: "app", deviceCookie });

  it("are handed out at sign-in and let that device in while others' failures lock the account", async () => {
    const ok = await from({ ustr: "nobodyb", pwd: md5Hex(USER_PASSWORD) });
    const deviceToken = ok.result!.deviceToken!;
    expect(deviceToken).toMatch(/^[0-9a-f-]{36}\.[0-9a-f-]{36}\./);
    for (const guess of ["a", "b"]) expect(await from({ ustr: "nobodyb", pwd: md5Hex(guess) })).toMatchObject({ status: 401, error: 12001 });
    const stranger = await from({ ustr: "nobodyb", pwd: md5Hex(USER_PASSWORD) });
    expect(stranger).toMatchObject({ status: 401, error: 12001 });
    expect(await from({ ustr: "nobodyb", pwd: md5Hex(USER_PASSWORD), deviceToken })).toMatchObject({ status: 200, result: { deviceToken } });
    // A browser-based client's device cookie does the same; a field that is not a valid token does not help.
    expect(await from({ ustr: "nobodyb", pwd: md5Hex(USER_PASSWORD) }, deviceToken)).toMatchObject({ status: 200 });
    expect({ ...(await from({ ustr: "nobodyb", pwd: md5Hex(USER_PASSWORD), deviceToken: `${deviceToken}x` })), apid: "" }).toEqual({ ...stranger, apid: "" });
  });
});
