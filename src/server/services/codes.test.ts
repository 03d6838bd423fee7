import { beforeAll, describe, expect, it } from "vitest";
import { setupWorld } from "~/test/fixtures";
import { createMessenger, messagingConfig } from "~/server/messaging";
import { CODE_RULES, consumeCode, sendCode, type SendCodeInput } from "~/server/services/codes";

const env = setupWorld();
let w: typeof env.w;

beforeAll(() => {
  w = env.w;
});

const T0 = new Date("2026-11-25T08:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

async function send(target: string, now: Date, extra: Partial<SendCodeInput> = {}) {
  const messenger = createMessenger(env.db, w.tenantB.id, messagingConfig({}));
  await sendCode(env.db, messenger, {
    tenantId: w.tenantB.id,
    purpose: "login",
    channel: "sms",
    target,
    ip: "1.2.3.4",
    locale: "zh-CN",
    deliver: true,
    tenantName: "B",
    now,
    ...extra,
  });
  const msg = await env.db.outboxMessage.findFirstOrThrow({ where: { to: target }, orderBy: { createdAt: "desc" } });
  return /(\d{6})/.exec(msg.body)![1]!;
}
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 0,
    (e: { appCode?: number }) => e.appCode ?? -1,
  );

describe("verification codes", () => {
  it("are single use and bound to the target, tenant and purpose", async () => {
    const target = "+86-13900000001";
    const code = await send(target, T0);
    const v = { tenantId: w.tenantB.id, purpose: "login" as const, channel: "sms" as const, now: at(1000) };
    expect(await codeOf(consumeCode(env.db, { ...v, target: "+86-13900000002", code }))).toBe(14001);
    expect(await codeOf(consumeCode(env.db, { ...v, target, purpose: "reset", code }))).toBe(14001);
    expect(await codeOf(consumeCode(env.db, { ...v, target, tenantId: w.platform.id, code }))).toBe(14001);
    expect(await codeOf(consumeCode(env.db, { ...v, target, code }))).toBe(0);
    expect(await codeOf(consumeCode(env.db, { ...v, target, code }))).toBe(14001);
    const stored = await env.db.verificationCode.findFirstOrThrow({ where: { target } });
    expect(stored.codeHash).not.toContain(code);
  });

  it("expire after 5 minutes and die after 5 wrong tries", async () => {
    const target = "+86-13900000003";
    const code = await send(target, T0);
    const v = { tenantId: w.tenantB.id, purpose: "login" as const, channel: "sms" as const, target };
    expect(await codeOf(consumeCode(env.db, { ...v, code, now: at(CODE_RULES.ttlMs.sms + 1) }))).toBe(14001);
    const code2 = await send(target, at(61_000));
    const wrong = code2 === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) expect(await codeOf(consumeCode(env.db, { ...v, code: wrong, now: at(62_000) }))).toBe(14001);
    expect(await codeOf(consumeCode(env.db, { ...v, code: code2, now: at(62_000) }))).toBe(14001);
  });

  it("limit sending: once a minute, 5 an hour, 10 a day per target", async () => {
    const target = "+86-13900000004";
    await send(target, T0);
    expect(await codeOf(send(target, at(30_000)))).toBe(14002);
    for (let i = 1; i < 5; i++) await send(target, at(i * 61_000));
    expect(await codeOf(send(target, at(5 * 61_000)))).toBe(14003);
    for (let i = 0; i < 5; i++) await send(target, at(3600_000 + 10 * 61_000 + i * 61_000));
    expect(await codeOf(send(target, at(2 * 3600_000 + 30 * 61_000)))).toBe(14003);
    expect(await codeOf(send(target, at(86400_000 + 61_000)))).toBe(0);
  });

  it("apply the limits but send nothing when the account may not get one", async () => {
    const target = "+86-13900000005";
    const messenger = createMessenger(env.db, w.tenantB.id, messagingConfig({}));
    const input = {
      tenantId: w.tenantB.id,
      purpose: "reset" as const,
      channel: "sms" as const,
      target,
      ip: "1.2.3.4",
      locale: "en" as const,
      deliver: false,
      tenantName: "B",
      now: T0,
    };
    await sendCode(env.db, messenger, input);
    expect(await env.db.outboxMessage.count({ where: { to: target } })).toBe(0);
    expect(await codeOf(sendCode(env.db, messenger, { ...input, now: at(1000) }))).toBe(14002);
  });
});
