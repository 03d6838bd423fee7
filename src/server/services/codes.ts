/**
 * One-time codes by SMS and email: 6 digits from a CSPRNG, stored as an HMAC, bound to
 * tenant + purpose + channel + the very phone or email they were sent to, single use, void
 * after 5 wrong tries. Sending is limited per target (once a minute, 5 an hour, 10 a day) and
 * per IP; a locked, disabled or unknown account gets the same answer as anyone else.
 */
import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import type { Db } from "~/server/db";
import { AppError } from "~/server/errors";
import { getSecrets } from "~/server/secrets";
import type { Locale } from "~/lib/errors";
import type { Messenger } from "~/server/messaging";
import { currentLog } from "~/server/log";
import { codeMessage } from "~/server/services/message-templates";
import { ipBucket } from "~/server/security/throttle";

export type CodeChannel = "sms" | "email";
export type CodePurpose = "login" | "register" | "reset" | "bind";

export const CODE_RULES = {
  ttlMs: { sms: 5 * 60_000, email: 30 * 60_000 },
  resendAfterMs: 60_000,
  perHour: 5,
  perDay: 10,
  perIpHour: 30,
  maxAttempts: 5,
};
export type CodeRules = typeof CODE_RULES;

/** The defaults, overridden by a tenant's `codes.*` properties (whole numbers, seconds for times). */
export function codeRulesFrom(settings: Record<string, string>): CodeRules {
  const n = (key: string, fallback: number, min: number, max: number) => {
    const v = Number(settings[key]);
    return Number.isInteger(v) && v >= min && v <= max ? v : fallback;
  };
  return {
    ...CODE_RULES,
    ttlMs: {
      sms: n("codes.smsTtlSeconds", CODE_RULES.ttlMs.sms / 1000, 60, 3600) * 1000,
      email: n("codes.emailTtlSeconds", CODE_RULES.ttlMs.email / 1000, 60, 86400) * 1000,
    },
    resendAfterMs: n("codes.resendAfterSeconds", CODE_RULES.resendAfterMs / 1000, 0, 3600) * 1000,
    perHour: n("codes.perHour", CODE_RULES.perHour, 1, 1000),
    perDay: n("codes.perDay", CODE_RULES.perDay, 1, 10000),
    perIpHour: n("codes.perIpHour", CODE_RULES.perIpHour, 1, 100000),
  };
}

const hashCode = (code: string, target: string) => createHmac("sha256", getSecrets().authSecret).update(`${target}\n${code}`).digest("hex");

export interface SendCodeInput {
  tenantId: string;
  purpose: CodePurpose;
  channel: CodeChannel;
  target: string;
  ip: string | null;
  locale: Locale;
  /** False when the purpose needs an account that is missing, locked or disabled: limits still apply, nothing is sent. */
  deliver: boolean;
  tenantName: string;
  now?: Date;
  rules?: CodeRules;
}

export async function sendCode(db: Db, messenger: Messenger, input: SendCodeInput): Promise<{ expiresAt: Date; resendAfter: Date }> {
  const now = input.now ?? new Date();
  const rules = input.rules ?? CODE_RULES;
  const since = (ms: number) => new Date(now.getTime() - ms);
  const base = { tenantId: input.tenantId, channel: input.channel, target: input.target };
  const [last, hour, day, ipHour] = await Promise.all([
    db.verificationCode.findFirst({ where: base, orderBy: { createdAt: "desc" }, select: { createdAt: true } }),
    db.verificationCode.count({ where: { ...base, createdAt: { gt: since(3600_000) } } }),
    db.verificationCode.count({ where: { ...base, createdAt: { gt: since(86400_000) } } }),
    // The per-IP cap counts by the same bucket as the sign-in limits (IPv6 by /64; no address: one bucket).
    db.verificationCode.count({ where: { ip: ipBucket(input.ip), createdAt: { gt: since(3600_000) } } }),
  ]);
  if (last && last.createdAt > since(rules.resendAfterMs)) throw new AppError(14002);
  if (hour >= rules.perHour || day >= rules.perDay || ipHour >= rules.perIpHour) throw new AppError(14003);

  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const expiresAt = new Date(now.getTime() + rules.ttlMs[input.channel]);
  await db.verificationCode.create({
    data: { ...base, purpose: input.purpose, codeHash: hashCode(code, input.target), ip: ipBucket(input.ip), createdAt: now, expiresAt },
  });
  if (input.deliver) {
    // The tenant's own text in the request's language, else the built-in one (services/message-templates.ts).
    const m = await codeMessage(db, {
      tenantId: input.tenantId,
      tenantName: input.tenantName,
      purpose: input.purpose,
      channel: input.channel,
      locale: input.locale,
      code,
      minutes: rules.ttlMs[input.channel] / 60_000,
    });
    if (input.channel === "sms")
      await messenger.sendSms({ to: input.target, template: input.purpose, params: m.params, text: m.text, providerTemplate: m.providerTemplate });
    else await messenger.sendEmail({ to: input.target, subject: m.subject ?? "", text: m.text });
  }
  return { expiresAt, resendAfter: new Date(now.getTime() + rules.resendAfterMs) };
}

export interface VerifyCodeInput {
  tenantId: string;
  purpose: CodePurpose;
  channel: CodeChannel;
  target: string;
  code: string;
  now?: Date;
}

/**
 * Checks the newest live code for exactly this tenant, purpose and target without using it up,
 * or throws 14001 (a wrong code counts as a try). For flows that must prove the target before
 * saying anything about it, and may still refuse afterwards: `consumeCode` once they proceed.
 */
export async function checkCode(db: Db, input: VerifyCodeInput): Promise<{ id: string }> {
  const row = await liveCode(db, input);
  return { id: row.id };
}

/**
 * One try used on a code that matched but whose flow refused anyway (a registration whose user
 * name is taken): a code stays good for at most 5 such answers, so one code cannot test names
 * without end.
 */
export async function spendCodeTry(db: Db, code: { id: string }): Promise<void> {
  await db.verificationCode.update({ where: { id: code.id }, data: { attempts: { increment: 1 } } });
}

/** Consumes the newest live code for exactly this tenant, purpose and target, or throws 14001. */
export async function consumeCode(db: Db, input: VerifyCodeInput): Promise<void> {
  const now = input.now ?? new Date();
  const row = await liveCode(db, input);
  // Single use even when two requests race: only one update finds it unconsumed.
  const { count } = await db.verificationCode.updateMany({
    where: { id: row.id, consumedAt: null, attempts: { lt: CODE_RULES.maxAttempts } },
    data: { consumedAt: now },
  });
  if (count !== 1) throw new AppError(14001);
}

/** The matching live code's row, or 14001 (and one more try on the row when the code is wrong). */
async function liveCode(db: Db, input: VerifyCodeInput): Promise<{ id: string }> {
  const now = input.now ?? new Date();
  const row = await db.verificationCode.findFirst({
    where: { tenantId: input.tenantId, purpose: input.purpose, channel: input.channel, target: input.target, consumedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    select: { id: true, codeHash: true, attempts: true },
  });
  if (!row || row.attempts >= CODE_RULES.maxAttempts) throw new AppError(14001);
  const given = Buffer.from(hashCode(input.code.trim(), input.target), "hex");
  const stored = Buffer.from(row.codeHash, "hex");
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) {
    await db.verificationCode.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });
    currentLog().warn(
      { event: "code.failed", tenantId: input.tenantId, purpose: input.purpose, channel: input.channel, attempts: row.attempts + 1 },
      "one-time code did not match",
    );
    throw new AppError(14001);
  }
  return row;
}
