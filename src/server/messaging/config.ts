import { z } from "zod";
import { currentLog } from "~/server/log";

export const ALIYUN_ENDPOINT = "https://dysmsapi.aliyuncs.com";
export const TENCENT_ENDPOINT = "https://sms.tencentcloudapi.com";

const text = z.string().trim().min(1);
const endpoint = (fallback: string) => z.url({ protocol: /^https?$/ }).default(fallback);

const smsSchema = z.discriminatedUnion("provider", [
  z.object({ provider: z.literal("outbox") }),
  z.object({
    provider: z.literal("aliyun"),
    accessKeyId: text,
    accessKeySecret: text,
    signName: text,
    templateCode: text,
    endpoint: endpoint(ALIYUN_ENDPOINT),
  }),
  z.object({
    provider: z.literal("tencent"),
    secretId: text,
    secretKey: text,
    sdkAppId: text,
    signName: text,
    templateId: text,
    region: text.default("ap-guangzhou"),
    endpoint: endpoint(TENCENT_ENDPOINT),
  }),
]);

const emailSchema = z.discriminatedUnion("provider", [
  z.object({ provider: z.literal("outbox") }),
  z
    .object({
      provider: z.literal("smtp"),
      host: text,
      port: z.coerce.number().int().min(1).max(65535).optional(),
      secure: z.stringbool().optional(),
      user: text.optional(),
      pass: text.optional(),
      from: text,
    })
    // Implicit TLS is port 465 by convention; otherwise 587 with STARTTLS.
    .transform(({ port, secure, ...rest }) => {
      const s = secure ?? port === 465;
      return { ...rest, port: port ?? (s ? 465 : 587), secure: s };
    }),
]);

export type SmsConfig = z.output<typeof smsSchema>;
export type EmailConfig = z.output<typeof emailSchema>;
export type MessagingConfig = { sms: SmsConfig; email: EmailConfig };

/** The keys under `prefix` without it, blanks dropped (a cleared field in the console means "not set"). */
function section(props: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  // Keys first, values only of this section: reading a secret that cannot be decrypted throws (11005).
  for (const k of Object.keys(props)) {
    if (!k.startsWith(prefix)) continue;
    const v = props[k]!;
    if (v.trim() !== "") out[k.slice(prefix.length)] = v;
  }
  return out;
}

function parseOr<T>(schema: z.ZodType<T>, input: Record<string, string>, channel: string, fallback: T): T {
  if (!input.provider || input.provider === "outbox") return fallback;
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  // Only key names: values may be secrets.
  const keys = [...new Set(r.error.issues.map((i) => i.path.join(".") || "provider"))].join(", ");
  currentLog().warn({ channel, provider: input.provider, keys }, "messaging config is incomplete or invalid; using the outbox");
  return fallback;
}

/**
 * Reads a tenant's messaging settings from its (already decrypted) properties.
 * Anything missing or invalid falls back to the outbox per channel, so a half-configured tenant
 * still works in development and never crashes a sign-in.
 */
export function messagingConfig(props: Record<string, string>): MessagingConfig {
  const p = props;
  const smsProvider = p["sms.provider"]?.trim();
  const sms = parseOr<SmsConfig>(
    smsSchema,
    { ...(smsProvider ? section(p, `sms.${smsProvider}.`) : {}), ...(smsProvider ? { provider: smsProvider } : {}) },
    "sms",
    { provider: "outbox" },
  );
  const emailProvider = p["email.provider"]?.trim();
  const smtp = emailProvider === "smtp" ? section(p, "email.smtp.") : {};
  const from = p["email.from"]?.trim();
  const email = parseOr<EmailConfig>(emailSchema, { ...smtp, ...(from ? { from } : {}), ...(emailProvider ? { provider: emailProvider } : {}) }, "email", {
    provider: "outbox",
  });
  return { sms, email };
}
