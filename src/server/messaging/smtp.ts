import { createTransport } from "nodemailer";
import type { EmailConfig } from "./config";
import { MessagingError, PROVIDER_TIMEOUT_MS, type EmailMessage, type EmailProvider } from "./types";

type SmtpConfig = Extract<EmailConfig, { provider: "smtp" }>;

export function smtpEmail(config: SmtpConfig): EmailProvider {
  const transport = createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.user ? { user: config.user, pass: config.pass } : undefined,
    connectionTimeout: PROVIDER_TIMEOUT_MS,
    greetingTimeout: PROVIDER_TIMEOUT_MS,
    socketTimeout: PROVIDER_TIMEOUT_MS,
  });
  return {
    name: "smtp",
    async send(m: EmailMessage) {
      try {
        await transport.sendMail({ from: config.from, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers });
      } catch (e) {
        // nodemailer's messages carry the SMTP reply (e.g. "535 Authentication failed"), never the password.
        const code = (e as { responseCode?: number; code?: string }).responseCode?.toString() ?? (e as { code?: string }).code;
        throw new MessagingError(`SMTP: ${(e as Error).message}`, "smtp", code, { cause: e });
      }
    },
  };
}
