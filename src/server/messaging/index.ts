/**
 * Outgoing SMS and email through the providers a tenant configured (Aliyun, Tencent Cloud, SMTP),
 * or the development outbox. Every send leaves one OutboxMessage row.
 */
import type { PrismaClient } from "~/generated/prisma/client";
import { aliyunSms } from "./aliyun";
import type { EmailConfig, MessagingConfig, SmsConfig } from "./config";
import { smtpEmail } from "./smtp";
import { tencentSms } from "./tencent";
import { MessagingError, type EmailMessage, type EmailProvider, type SmsMessage, type SmsProvider } from "./types";

export { messagingConfig, ALIYUN_ENDPOINT, TENCENT_ENDPOINT } from "./config";
export type { MessagingConfig, SmsConfig, EmailConfig } from "./config";
export { MessagingError } from "./types";
export type { EmailMessage, EmailProvider, SmsMessage, SmsProvider } from "./types";

/** The outbox delivers nothing: the messenger's record is the message. */
const outboxSms: SmsProvider = { name: "outbox", send: async () => {} };
const outboxEmail: EmailProvider = { name: "outbox", send: async () => {} };

export function createSmsProvider(c: SmsConfig): SmsProvider {
  if (c.provider === "aliyun") return aliyunSms(c);
  if (c.provider === "tencent") return tencentSms(c);
  return outboxSms;
}

export function createEmailProvider(c: EmailConfig): EmailProvider {
  return c.provider === "smtp" ? smtpEmail(c) : outboxEmail;
}

const MAX_ERROR = 1000;

export function createMessenger(db: PrismaClient, tenantId: string | null, config: MessagingConfig) {
  const sms = createSmsProvider(config.sms);
  const email = createEmailProvider(config.email);

  async function deliver(
    channel: "sms" | "email",
    provider: string,
    row: { to: string; subject?: string; body: string; redacted: string },
    send: () => Promise<void>,
  ): Promise<void> {
    const record = (status: "sent" | "failed" | "stored", error?: string) =>
      db.outboxMessage.create({
        data: {
          tenantId,
          channel,
          to: row.to,
          subject: row.subject ?? null,
          // Only the outbox keeps the text: for real sends it holds a live code, which
          // VerificationCode deliberately stores only hashed.
          body: status === "stored" ? row.body : row.redacted,
          provider,
          status,
          error: error?.slice(0, MAX_ERROR) ?? null,
        },
      });
    if (provider === "outbox") {
      await record("stored");
      return;
    }
    try {
      await send();
    } catch (e) {
      const err = e instanceof MessagingError ? e : new MessagingError((e as Error).message ?? String(e), provider, undefined, { cause: e });
      await record("failed", err.message);
      throw err;
    }
    await record("sent");
  }

  return {
    sendSms: (m: SmsMessage) => deliver("sms", sms.name, { to: m.to, body: m.text, redacted: `[${m.template}: text not kept]` }, () => sms.send(m)),
    sendEmail: (m: EmailMessage) =>
      deliver("email", email.name, { to: m.to, subject: m.subject, body: m.text, redacted: "[text not kept]" }, () => email.send(m)),
  };
}

export type Messenger = ReturnType<typeof createMessenger>;
