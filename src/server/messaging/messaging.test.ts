import { randomUUID } from "node:crypto";
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, setRootLog } from "~/server/log";
import type { PrismaClient } from "~/generated/prisma/client";
import { createTestDb } from "~/test/db";
import {
  aliyunExpectedSignature,
  startAliyunStub,
  startTencentStub,
  tc3ExpectedSignature,
  type Stub,
  type AliyunSent,
  type TencentSent,
} from "~/test/sms-stubs";
import { aliyunPhone, aliyunSign } from "./aliyun";
import { createMessenger, messagingConfig, MessagingError, type MessagingConfig, type SmsMessage } from "./index";

let db: PrismaClient;
let cleanup: () => Promise<void>;
let aliyun: Stub<AliyunSent>;
let tencent: Stub<TencentSent>;

const ALIYUN = { accessKeyId: "LTAI5tTestKeyId", accessKeySecret: "aliyun-secret-0123456789" };
const TENCENT = { secretId: "AKIDtestSecretId0123456789", secretKey: "tencent-secret-0123456789" };
const CODE_SMS: SmsMessage = {
  to: "+86-15810419011",
  template: "login-code",
  params: { code: "482913", minutes: "5" },
  text: "您的验证码是 482913，5 分钟内有效。",
};

beforeAll(async () => {
  ({ db, cleanup } = await createTestDb());
  aliyun = await startAliyunStub(ALIYUN);
  tencent = await startTencentStub(TENCENT);
});

afterAll(async () => {
  await aliyun?.close();
  await tencent?.close();
  await cleanup?.();
});

const rows = (tenantId: string) => db.outboxMessage.findMany({ where: { tenantId }, orderBy: { createdAt: "asc" } });

const aliyunProps = (over: Record<string, string> = {}) => ({
  "sms.provider": "aliyun",
  "sms.aliyun.accessKeyId": ALIYUN.accessKeyId,
  "sms.aliyun.accessKeySecret": ALIYUN.accessKeySecret,
  // Chinese, space and the characters where POP encoding and encodeURIComponent disagree.
  "sms.aliyun.signName": "用户中心 (测试)*~!'",
  "sms.aliyun.templateCode": "SMS_123456789",
  "sms.aliyun.endpoint": aliyun.url,
  ...over,
});

const tencentProps = (over: Record<string, string> = {}) => ({
  "sms.provider": "tencent",
  "sms.tencent.secretId": TENCENT.secretId,
  "sms.tencent.secretKey": TENCENT.secretKey,
  "sms.tencent.sdkAppId": "1400000001",
  "sms.tencent.signName": "用户中心",
  "sms.tencent.templateId": "1234567",
  "sms.tencent.endpoint": tencent.url,
  ...over,
});

describe("signatures against the providers' published examples", () => {
  // Aliyun's SendSms example (testId / testSecret, 2017-07-12T02:42:19Z) signs to zJDF+Lrzhj/ThnlvIToysFRq6t4=.
  const example: Record<string, string> = {
    AccessKeyId: "testId",
    Action: "SendSms",
    Format: "XML",
    OutId: "123",
    PhoneNumbers: "15300000001",
    RegionId: "cn-hangzhou",
    SignName: "阿里云短信测试专用",
    SignatureMethod: "HMAC-SHA1",
    SignatureNonce: "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    SignatureVersion: "1.0",
    TemplateCode: "SMS_71390007",
    TemplateParam: '{"customer":"test"}',
    Timestamp: "2017-07-12T02:42:19Z",
    Version: "2017-05-25",
  };

  it("Aliyun: the client and the stub both reproduce the documented signature", () => {
    expect(aliyunSign("GET", example, "testSecret").signature).toBe("zJDF+Lrzhj/ThnlvIToysFRq6t4=");
    expect(aliyunExpectedSignature("GET", new Map(Object.entries(example)), "testSecret").signature).toBe("zJDF+Lrzhj/ThnlvIToysFRq6t4=");
  });

  it("Tencent: the stub reproduces the documented TC3 example", () => {
    // Tencent's CVM DescribeInstances example (timestamp 1539084154).
    const sig = tc3ExpectedSignature({
      method: "GET",
      query: "Limit=10&Offset=0",
      payload: "",
      timestamp: "1539084154",
      date: "2018-10-09",
      service: "cvm",
      headers: [
        ["Content-Type", "application/x-www-form-urlencoded"],
        ["Host", "cvm.tencentcloudapi.com"],
      ],
      secretKey: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
    });
    expect(sig).toBe("5da7a33f6993f0614b047e5df4582db9e9bf4672ba50567dba16c6ccf174c474");
  });

  it("Aliyun phone numbers: mainland as 11 digits, elsewhere country code + number", () => {
    expect(aliyunPhone("+86-15810419011")).toBe("15810419011");
    expect(aliyunPhone("+852-61234567")).toBe("85261234567");
    expect(() => aliyunPhone("15810419011")).toThrow(MessagingError);
  });
});

describe("messagingConfig", () => {
  it("reads each provider from flat tenant properties, with defaults", () => {
    const a = messagingConfig({
      ...aliyunProps({ "sms.aliyun.endpoint": "" }),
      "email.provider": "smtp",
      "email.smtp.host": "smtp.example.com",
      "email.from": "User Center <no-reply@example.com>",
    });
    expect(a.sms).toEqual({
      provider: "aliyun",
      ...ALIYUN,
      signName: "用户中心 (测试)*~!'",
      templateCode: "SMS_123456789",
      endpoint: "https://dysmsapi.aliyuncs.com",
    });
    expect(a.email).toEqual({ provider: "smtp", host: "smtp.example.com", port: 587, secure: false, from: "User Center <no-reply@example.com>" });
    const t = messagingConfig({
      ...tencentProps({ "sms.tencent.endpoint": "" }),
      "email.provider": "smtp",
      "email.smtp.host": "h",
      "email.smtp.port": "465",
      "email.smtp.user": "u",
      "email.smtp.pass": "p",
      "email.from": "a@b.c",
    });
    expect(t.sms).toMatchObject({ provider: "tencent", region: "ap-guangzhou", endpoint: "https://sms.tencentcloudapi.com", sdkAppId: "1400000001" });
    expect(t.email).toEqual({ provider: "smtp", host: "h", port: 465, secure: true, user: "u", pass: "p", from: "a@b.c" });
  });

  it("falls back to the outbox for missing, unknown or incomplete settings, and names keys but never values", () => {
    let logged = "";
    const previous = setRootLog(createLogger(new Writable({ write: (c: Buffer, _e, done) => ((logged += c.toString()), done()) }), "warn"));
    const outbox: MessagingConfig = { sms: { provider: "outbox" }, email: { provider: "outbox" } };
    expect(messagingConfig({})).toEqual(outbox);
    expect(messagingConfig({ "sms.provider": "twilio", "email.provider": "sendgrid" })).toEqual(outbox);
    expect(
      messagingConfig({
        ...aliyunProps({ "sms.aliyun.templateCode": " " }),
        "email.provider": "smtp",
        "email.smtp.host": "h",
        "email.smtp.port": "99999",
        "email.from": "a@b.c",
      }),
    ).toEqual(outbox);
    expect(messagingConfig(aliyunProps({ "sms.aliyun.endpoint": "ftp://x" })).sms).toEqual({ provider: "outbox" });
    expect(messagingConfig({ "email.provider": "smtp", "email.smtp.host": "h", "email.from": "a@b.c", "email.smtp.secure": "maybe" }).email).toEqual({
      provider: "outbox",
    });
    setRootLog(previous);
    expect(logged).toContain("templateCode");
    expect(logged).not.toContain(ALIYUN.accessKeySecret);
    expect(JSON.parse(logged.split("\n")[0]!)).toMatchObject({ level: 40, channel: "sms" });
  });
});

describe("outbox (development default)", () => {
  it("stores SMS and email without sending", async () => {
    const tenantId = randomUUID();
    const m = createMessenger(db, tenantId, messagingConfig({}));
    await m.sendSms(CODE_SMS);
    await m.sendEmail({ to: "ada@example.com", subject: "验证码", text: "Your code is 482913" });
    const [sms, email] = await rows(tenantId);
    expect(sms).toMatchObject({ channel: "sms", to: "+86-15810419011", provider: "outbox", status: "stored", body: CODE_SMS.text, error: null });
    expect(email).toMatchObject({
      channel: "email",
      to: "ada@example.com",
      subject: "验证码",
      provider: "outbox",
      status: "stored",
      body: "Your code is 482913",
    });
  });
});

describe("Aliyun", () => {
  it("sends through the stub, which checks the signature", async () => {
    const tenantId = randomUUID();
    const before = aliyun.received.length;
    await createMessenger(db, tenantId, messagingConfig(aliyunProps())).sendSms(CODE_SMS);
    await createMessenger(db, tenantId, messagingConfig(aliyunProps())).sendSms({ ...CODE_SMS, to: "+852-61234567" });
    expect(aliyun.received.slice(before)).toEqual([
      {
        accessKeyId: ALIYUN.accessKeyId,
        phoneNumbers: "15810419011",
        signName: "用户中心 (测试)*~!'",
        templateCode: "SMS_123456789",
        templateParam: { code: "482913", minutes: "5" },
      },
      expect.objectContaining({ phoneNumbers: "85261234567" }),
    ]);
    const [row] = await rows(tenantId);
    expect(row).toMatchObject({ provider: "aliyun", status: "sent", error: null });
    expect(row?.body).not.toContain("482913"); // a live code is not kept in clear
  });

  it("a wrong secret is refused, recorded as failed and thrown as MessagingError", async () => {
    const tenantId = randomUUID();
    const before = aliyun.received.length;
    const m = createMessenger(db, tenantId, messagingConfig(aliyunProps({ "sms.aliyun.accessKeySecret": "wrong-secret" })));
    const err = await m.sendSms(CODE_SMS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessagingError);
    expect(err).toMatchObject({ provider: "aliyun", code: "SignatureDoesNotMatch" });
    expect(aliyun.received.length).toBe(before);
    const [row] = await rows(tenantId);
    expect(row).toMatchObject({ provider: "aliyun", status: "failed" });
    expect(row?.error).toContain("SignatureDoesNotMatch");
    expect(row?.error).not.toContain("wrong-secret");
  });

  it("a business refusal (HTTP 200, Code not OK) fails too", async () => {
    aliyun.failNext = { code: "isv.BUSINESS_LIMIT_CONTROL", message: "触发天级流控Permits:10" };
    const err = await createMessenger(db, null, messagingConfig(aliyunProps()))
      .sendSms(CODE_SMS)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "MessagingError", code: "isv.BUSINESS_LIMIT_CONTROL" });
  });
});

describe("Tencent Cloud", () => {
  it("sends through the stub, which checks the TC3 signature", async () => {
    const tenantId = randomUUID();
    const before = tencent.received.length;
    await createMessenger(db, tenantId, messagingConfig(tencentProps())).sendSms(CODE_SMS);
    expect(tencent.received.slice(before)).toEqual([
      {
        secretId: TENCENT.secretId,
        region: "ap-guangzhou",
        phoneNumberSet: ["+8615810419011"],
        smsSdkAppId: "1400000001",
        signName: "用户中心",
        templateId: "1234567",
        templateParamSet: ["482913", "5"],
      },
    ]);
    expect(await rows(tenantId)).toMatchObject([{ provider: "tencent", status: "sent", error: null }]);
  });

  it("a wrong secret is refused with AuthFailure.SignatureFailure, recorded and thrown", async () => {
    const tenantId = randomUUID();
    const m = createMessenger(db, tenantId, messagingConfig(tencentProps({ "sms.tencent.secretKey": "wrong-secret" })));
    const err = await m.sendSms(CODE_SMS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessagingError);
    expect(err).toMatchObject({ provider: "tencent", code: "AuthFailure.SignatureFailure" });
    const [row] = await rows(tenantId);
    expect(row).toMatchObject({ provider: "tencent", status: "failed" });
    expect(row?.error).toContain("AuthFailure.SignatureFailure");
  });

  it("a per-number refusal in SendStatusSet fails the send", async () => {
    tencent.failNext = { code: "LimitExceeded.PhoneNumberDailyLimit", message: "单个手机号日下发短信条数超过设定的上限" };
    const err = await createMessenger(db, null, messagingConfig(tencentProps()))
      .sendSms(CODE_SMS)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "MessagingError", code: "LimitExceeded.PhoneNumberDailyLimit" });
  });

  it("an unreachable endpoint is a MessagingError, not a crash", async () => {
    const down = await startTencentStub(TENCENT);
    await down.close();
    const err = await createMessenger(db, null, messagingConfig(tencentProps({ "sms.tencent.endpoint": down.url })))
      .sendSms(CODE_SMS)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "MessagingError", code: "Network" });
  });
});

describe("SMTP", () => {
  const inbox: { from: string; to: string; subject: string; text: string; html: string }[] = [];
  let smtp: SMTPServer;
  let port = 0;

  beforeAll(async () => {
    smtp = new SMTPServer({
      // Plain loopback: no STARTTLS (its self-signed certificate would be refused), so AUTH must be allowed in clear.
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      authOptional: false,
      onAuth(auth, _session, cb) {
        if (auth.username === "mailer" && auth.password === "smtp-pass") cb(null, { user: auth.username });
        else cb(new Error("Invalid username or password"));
      },
      onData(stream, _session, cb) {
        simpleParser(stream)
          .then((mail) => {
            const to = mail.to as AddressObject | undefined;
            inbox.push({
              from: mail.from?.value[0]?.address ?? "",
              to: to?.text ?? "",
              subject: mail.subject ?? "",
              text: (mail.text ?? "").trim(),
              html: mail.html || "",
            });
            cb();
          })
          .catch((e: Error) => cb(e));
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    port = (smtp.server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  const smtpProps = (pass: string) => ({
    "email.provider": "smtp",
    "email.smtp.host": "127.0.0.1",
    "email.smtp.port": String(port),
    "email.smtp.secure": "false",
    "email.smtp.user": "mailer",
    "email.smtp.pass": pass,
    "email.from": "User Center <no-reply@uc.test>",
  });

  it("delivers to a real SMTP peer with authentication", async () => {
    const tenantId = randomUUID();
    await createMessenger(db, tenantId, messagingConfig(smtpProps("smtp-pass"))).sendEmail({
      to: "ada@example.com",
      subject: "登录验证码",
      text: "Your code is 482913",
      html: "<p>Your code is <b>482913</b></p>",
    });
    expect(inbox).toEqual([
      { from: "no-reply@uc.test", to: "ada@example.com", subject: "登录验证码", text: "Your code is 482913", html: "<p>Your code is <b>482913</b></p>" },
    ]);
    const [row] = await rows(tenantId);
    expect(row).toMatchObject({ channel: "email", provider: "smtp", status: "sent", subject: "登录验证码", error: null });
    expect(row?.body).not.toContain("482913");
  });

  it("a wrong password is recorded as failed and thrown", async () => {
    const tenantId = randomUUID();
    const err = await createMessenger(db, tenantId, messagingConfig(smtpProps("nope")))
      .sendEmail({ to: "ada@example.com", subject: "s", text: "t" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessagingError);
    expect(err).toMatchObject({ provider: "smtp", code: "535" });
    const [row] = await rows(tenantId);
    expect(row).toMatchObject({ provider: "smtp", status: "failed" });
    expect(row?.error).not.toContain("nope");
  });
});
