import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Challenge } from "altcha-lib";
import { failure, setupWorld } from "~/test/fixtures";
import { solveCaptcha } from "~/test/captcha";
import { startAliyunStub, type AliyunSent, type Stub } from "~/test/sms-stubs";
import { createCaller } from "~/server/api/root";
import { createContextInner } from "~/server/api/trpc";
import { createMessenger, messagingConfig } from "~/server/messaging";
import { sendCode } from "~/server/services/codes";
import type { Locale } from "~/lib/errors";
import { handleRest } from "~/server/api/rest";
import { createLoginSession } from "~/server/services/session";
import { signSessionToken } from "~/server/services/tokens";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
let aliyun: Stub<AliyunSent>;
beforeAll(async () => {
  w = t.w;
  db = t.db;
  aliyun = await startAliyunStub({ accessKeyId: "LTAI5tTestKeyId", accessKeySecret: "aliyun-secret-0123456789" });
});
afterAll(() => aliyun?.close());

const loginSms = { purpose: "login", channel: "sms" } as const;
const audits = (tenantId: string) => db.auditLog.findMany({ where: { tenantId, action: { startsWith: "messagetemplate." } }, orderBy: { createdAt: "asc" } });

let ipSeq = 0;
const anon = (locale: Locale) =>
  createCaller(createContextInner({ db, tenant: w.tenantB, host: "test", ip: `10.88.0.${++ipSeq}`, userAgent: "Vitest", locale }));
/** Asks for a code through the public procedure (captcha and all), as the login page does; answers the outbox row it left. */
async function requestCode(target: string, locale: Locale, purpose: "login" | "register" = "login", channel: "sms" | "email" = "sms") {
  const afs = await solveCaptcha((await anon(locale).auth.captcha()) as unknown as Challenge);
  await anon(locale).auth.sendCode({ channel, target, purpose, afs });
  return db.outboxMessage.findFirstOrThrow({ where: { to: target }, orderBy: { createdAt: "desc" } });
}

describe("messageTemplate: list, get, update, reset", () => {
  it("lists the 16 texts with the built-in ones, saves a tenant's own with an audit entry, and resets it", async () => {
    const admin = await w.callerFor(w.managerB.id, w.tenantB, { ip: "192.0.2.20" });
    const list = await admin.messageTemplate.list();
    expect(list.tenant).toEqual({ id: w.tenantB.id, name: "Tenant B" });
    expect(list.total).toBe(16);
    expect(list.items.every((i) => !i.custom && i.updatedAt === null)).toBe(true);
    expect(list.items.find((i) => i.purpose === "login" && i.channel === "sms" && i.locale === "zh-CN")).toMatchObject({
      subject: null,
      body: "【{tenant}】您的{purpose}验证码是 {code}，{minutes} 分钟内有效，请勿泄露。",
    });
    expect(list.items.find((i) => i.purpose === "reset" && i.channel === "email" && i.locale === "en")).toMatchObject({ subject: "Your {purpose} code" });

    const saved = await admin.messageTemplate.update({
      ...loginSms,
      locale: "zh-CN",
      body: "【{tenant}】登录码 {code}",
      subject: "ignored for SMS",
      aliyunTemplateCode: "SMS_900001",
      tencentTemplateId: "",
    });
    expect(saved).toMatchObject({ custom: true, subject: null, body: "【{tenant}】登录码 {code}", aliyunTemplateCode: "SMS_900001", tencentTemplateId: null });
    expect(await admin.messageTemplate.get({ ...loginSms, locale: "zh-CN" })).toEqual(saved);
    // The other language is untouched.
    expect(await admin.messageTemplate.get({ ...loginSms, locale: "en" })).toMatchObject({ custom: false });
    const again = await admin.messageTemplate.update({ ...loginSms, locale: "zh-CN", body: "登录码 {code}" });
    expect(again).toMatchObject({ body: "登录码 {code}", aliyunTemplateCode: null });

    const reset = await admin.messageTemplate.reset({ ...loginSms, locale: "zh-CN" });
    expect(reset).toMatchObject({ custom: false, body: list.items.find((i) => i.purpose === "login" && i.channel === "sms" && i.locale === "zh-CN")!.body });
    expect(await db.messageTemplate.count({ where: { tenantId: w.tenantB.id } })).toBe(0);
    // Resetting a built-in text changes nothing and writes nothing.
    await admin.messageTemplate.reset({ ...loginSms, locale: "zh-CN" });

    const trail = await audits(w.tenantB.id);
    expect(trail.map((a) => a.action)).toEqual(["messagetemplate.update", "messagetemplate.update", "messagetemplate.reset"]);
    expect(trail.every((a) => a.actorId === w.managerB.id && a.ip === "192.0.2.20")).toBe(true);
    expect(trail[0]!.before).toMatchObject({ custom: false, body: expect.stringContaining("您的{purpose}验证码") });
    expect(trail[0]!.after).toMatchObject({ custom: true, body: "【{tenant}】登录码 {code}", aliyunTemplateCode: "SMS_900001" });
    expect(trail[2]!.before).toMatchObject({ body: "登录码 {code}" });
    expect(trail[2]!.after).toBeNull();
  });

  it("keeps tenants apart: an administrator's tenantId is ignored; an operator names the tenant, an unknown one is 10004", async () => {
    const admin = await w.callerFor(w.managerB.id);
    await admin.messageTemplate.update({ tenantId: w.platform.id, ...loginSms, locale: "en", body: "B's {code}" });
    expect(await db.messageTemplate.findFirst({ where: { tenantId: w.platform.id } })).toBeNull();
    expect((await admin.messageTemplate.list({ tenantId: w.platform.id })).tenant.id).toBe(w.tenantB.id);
    await admin.messageTemplate.reset({ tenantId: w.platform.id, ...loginSms, locale: "en" });
    expect(await db.messageTemplate.count({ where: { tenantId: w.tenantB.id } })).toBe(0);

    const op = await w.callerFor(w.operator.id, w.platform);
    await op.messageTemplate.update({ tenantId: w.tenantB.id, ...loginSms, locale: "en", body: "Set by the operator: {code}" });
    expect(await admin.messageTemplate.get({ ...loginSms, locale: "en" })).toMatchObject({ custom: true, body: "Set by the operator: {code}" });
    expect((await op.messageTemplate.get({ ...loginSms, locale: "en" })).custom).toBe(false); // its own tenant's
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(await failure(() => op.messageTemplate.list({ tenantId: unknown }))).toMatchObject({ code: 10004, trpc: "NOT_FOUND" });
    expect(await failure(() => op.messageTemplate.update({ tenantId: unknown, ...loginSms, locale: "en", body: "{code}" }))).toMatchObject({ code: 10004 });
    expect((await audits(w.tenantB.id)).at(-1)).toMatchObject({ actorId: w.operator.id, action: "messagetemplate.update" });
    await op.messageTemplate.reset({ tenantId: w.tenantB.id, ...loginSms, locale: "en" });
  });

  it("needs its permissions: 401 without a session, 403 for a plain user, for every procedure", async () => {
    const key = { ...loginSms, locale: "en" } as const;
    const plain = await w.callerFor(w.plainB.id);
    const nobody = await w.callerFor(null);
    for (const c of [plain, nobody]) {
      const want = c === plain ? { code: 10002, trpc: "FORBIDDEN" } : { trpc: "UNAUTHORIZED" };
      expect(await failure(() => c.messageTemplate.list())).toMatchObject(want);
      expect(await failure(() => c.messageTemplate.get(key))).toMatchObject(want);
      expect(await failure(() => c.messageTemplate.update({ ...key, body: "{code}" }))).toMatchObject(want);
      expect(await failure(() => c.messageTemplate.reset(key))).toMatchObject(want);
    }
    // A role with only the list permission can read but not change.
    const reader = await db.role.create({
      data: { tenantId: w.tenantB.id, name: "template-reader", permissions: ["uc.messagetemplate.get", "uc.messagetemplate.detail"] },
    });
    const readerUser = await w.makeUser(w.tenantB.id, "templatereader", [reader.name]);
    const r = await w.callerFor(readerUser.id);
    expect((await r.messageTemplate.list()).total).toBe(16);
    expect(await failure(() => r.messageTemplate.update({ ...key, body: "{code}" }))).toMatchObject({ code: 10002 });
    expect(await failure(() => r.messageTemplate.reset(key))).toMatchObject({ code: 10002 });
    expect(await db.messageTemplate.count({ where: { tenantId: w.tenantB.id } })).toBe(0);
  });

  it("refuses bad texts with field errors (10003), and an SMS too long with this tenant's name (21001)", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const bad = await failure(() => admin.messageTemplate.update({ ...loginSms, locale: "en", body: "Hi {name}" }));
    expect(bad).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(bad.fields).toEqual({
      body: ["Unknown variable: only {code}, {minutes}, {tenant} and {purpose} may be used", "The text must contain {code}, where the code goes"],
    });
    const html = await failure(() => admin.messageTemplate.update({ purpose: "bind", channel: "email", locale: "en", subject: "S", body: "<p>{code}</p>" }));
    expect(html.fields).toEqual({ body: ["Emails are sent as plain text: remove the HTML tags"] });
    // Fits with the schema's sample name (8 characters) but not with a 60-character tenant name.
    await db.tenant.update({ where: { id: w.tenantB.id }, data: { name: "B".repeat(60) } });
    try {
      const long = await failure(() => admin.messageTemplate.update({ ...loginSms, locale: "en", body: `{tenant}{code}${"x".repeat(180)}` }));
      expect(long).toMatchObject({
        code: 21001,
        trpc: "BAD_REQUEST",
        fields: { body: ["Too long: with sample values the SMS would need more than 3 messages"] },
      });
    } finally {
      await db.tenant.update({ where: { id: w.tenantB.id }, data: { name: "Tenant B" } });
    }
    expect(await db.messageTemplate.count({ where: { tenantId: w.tenantB.id } })).toBe(0);
  });
});

describe("the REST mirror", () => {
  it("lists, reads, puts and deletes under /api/v1/message-templates/{purpose}/{channel}/{locale}", async () => {
    const user = await db.user.findUniqueOrThrow({ where: { id: w.managerB.id } });
    const s = await createLoginSession(db, { tenantId: user.tenantId, userId: user.id, site: "admin", method: "password" });
    const token = await signSessionToken(db, { sessionId: s.id, userId: user.id, tenantId: user.tenantId, expiresAt: s.expiresAt });
    const call = (method: string, path: string, body?: unknown) =>
      handleRest(
        new Request(`http://b.test/api/v1${path}`, {
          method,
          headers: { host: "b.test", authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        }),
        db,
      );
    const list = await call("GET", "/message-templates");
    expect(list.status).toBe(200);
    expect(((await list.json()) as { total: number }).total).toBe(16);
    const put = await call("PUT", "/message-templates/bind/sms/en", { body: "Bind with {code}", tencentTemplateId: "889900" });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ purpose: "bind", channel: "sms", locale: "en", custom: true, tencentTemplateId: "889900" });
    expect(await (await call("GET", "/message-templates/bind/sms/en")).json()).toMatchObject({ body: "Bind with {code}" });
    expect((await call("PUT", "/message-templates/bind/sms/en", { body: "no code" })).status).toBe(400);
    expect((await call("GET", "/message-templates/bind/fax/en")).status).toBe(400);
    expect(await (await call("DELETE", "/message-templates/bind/sms/en")).json()).toMatchObject({ custom: false });
    expect(await db.messageTemplate.count({ where: { tenantId: w.tenantB.id } })).toBe(0);
  });
});

describe("sending a code with the tenant's template", () => {
  it("uses the tenant's text in the request's language, the built-in text otherwise, and the outbox keeps what was sent", async () => {
    const admin = await w.callerFor(w.managerB.id);
    await admin.messageTemplate.update({ ...loginSms, locale: "zh-CN", body: "{tenant}：登录验证码 {code}（{minutes} 分钟）" });
    await admin.messageTemplate.update({
      purpose: "register",
      channel: "email",
      locale: "en",
      subject: "{tenant}: {purpose}",
      body: "Code {code}, {minutes} minutes.",
    });

    // managerB's phone: a login code is delivered. Chinese request → the tenant's Chinese text (saved a moment ago: the cache was dropped).
    const zh = await requestCode("+86-15810419011", "zh-CN");
    expect(zh.body).toMatch(/^Tenant B：登录验证码 \d{6}（5 分钟）$/);
    // English request → no English text of its own: the built-in one.
    await db.verificationCode.deleteMany({ where: { target: "+86-15810419011" } });
    const en = await requestCode("+86-15810419011", "en");
    expect(en.body).toMatch(/^\[Tenant B\] Your sign-in code is \d{6}\. It expires in 5 minutes\. Do not share it\.$/);

    const mail = await requestCode("new.person@b.test", "en", "register", "email");
    expect(mail).toMatchObject({ channel: "email", subject: "Tenant B: registration" });
    expect(mail.body).toMatch(/^Code \d{6}, 30 minutes\.$/);
    const mailZh = await requestCode("other.person@b.test", "zh-CN", "register", "email");
    expect(mailZh).toMatchObject({ subject: "注册验证码" });

    // Reset: the built-in text again at once.
    await admin.messageTemplate.reset({ ...loginSms, locale: "zh-CN" });
    await db.verificationCode.deleteMany({ where: { target: "+86-15810419011" } });
    expect((await requestCode("+86-15810419011", "zh-CN")).body).toMatch(/^【Tenant B】您的登录验证码是 \d{6}，5 分钟内有效，请勿泄露。$/);
  });

  it("hands Aliyun the template's own TemplateCode and the variables its text uses; the tenant's setting otherwise", async () => {
    const admin = await w.callerFor(w.managerB.id);
    await admin.messageTemplate.update({
      purpose: "reset",
      channel: "sms",
      locale: "en",
      body: "{code} resets your password ({minutes} min)",
      aliyunTemplateCode: "SMS_777",
    });
    const messenger = createMessenger(
      db,
      w.tenantB.id,
      messagingConfig({
        "sms.provider": "aliyun",
        "sms.aliyun.accessKeyId": "LTAI5tTestKeyId",
        "sms.aliyun.accessKeySecret": "aliyun-secret-0123456789",
        "sms.aliyun.signName": "用户中心",
        "sms.aliyun.templateCode": "SMS_DEFAULT",
        "sms.aliyun.endpoint": aliyun.url,
      }),
    );
    const send = (locale: Locale, target: string) =>
      sendCode(db, messenger, {
        tenantId: w.tenantB.id,
        purpose: "reset",
        channel: "sms",
        target,
        ip: "10.99.0.1",
        locale,
        deliver: true,
        tenantName: "Tenant B",
      });
    await send("en", "+86-13911110001");
    await send("zh-CN", "+86-13911110002");
    expect(aliyun.received).toHaveLength(2);
    expect(aliyun.received[0]).toMatchObject({ templateCode: "SMS_777", templateParam: { code: expect.stringMatching(/^\d{6}$/), minutes: "5" } });
    expect(Object.keys(aliyun.received[0]!.templateParam!)).toEqual(["code", "minutes"]);
    expect(aliyun.received[1]).toMatchObject({ templateCode: "SMS_DEFAULT", templateParam: { code: expect.stringMatching(/^\d{6}$/) } });
    expect(Object.keys(aliyun.received[1]!.templateParam!)).toEqual(["code"]);
    // A real send keeps no text (it holds a live code).
    expect((await db.outboxMessage.findFirstOrThrow({ where: { to: "+86-13911110001" } })).body).toBe("[reset: text not kept]");
  });
});
