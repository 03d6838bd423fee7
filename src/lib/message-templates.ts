/**
 * Code messages (SMS and email) as templates: the purposes, channels and languages a tenant can
 * word for itself, the variables a text may use, the built-in texts (the `serverText` messages,
 * sent when a tenant has not written its own) and the one renderer the sending path, the
 * preview and the validators share. No server-only imports: the console uses all of it.
 */
// Both languages' built-in texts, also in the browser (the template page previews each language's
// text; the browser's catalog holds only the page's language, src/i18n/catalog.ts).
import zhServerText from "~/i18n/messages/zh-CN/serverText.json";
import enServerText from "~/i18n/messages/en/serverText.json";

const SERVER_TEXT = { "zh-CN": zhServerText, en: enServerText } as const satisfies Record<Locale, unknown>;
import type { Locale } from "~/lib/errors";

export const TEMPLATE_PURPOSES = ["login", "register", "reset", "bind"] as const;
export const TEMPLATE_CHANNELS = ["sms", "email"] as const;
export const TEMPLATE_LOCALES = ["zh-CN", "en"] as const satisfies readonly Locale[];
export type TemplatePurpose = (typeof TEMPLATE_PURPOSES)[number];
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

/** What a text may name, in braces: `{code}` is required in every SMS text and email body. */
export const TEMPLATE_VARIABLES = ["code", "minutes", "tenant", "purpose"] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Record<TemplateVariable, string>;

export const LIMITS = {
  subject: 200,
  emailBody: 5000,
  /** Characters of the SMS text as typed; the rendered text is held to SMS_MAX_SEGMENTS. */
  smsText: 500,
  providerCode: 64,
} as const;

/**
 * SMS length as Chinese carriers count it (and Aliyun and Tencent bill it): one message holds 70
 * characters (Chinese or not; the signature 【…】 counts); a longer text goes as a concatenated
 * message of 67-character parts.
 */
export const SMS_SEGMENT = 70;
export const SMS_LONG_SEGMENT = 67;
export const SMS_MAX_SEGMENTS = 3;
/** Code points, not UTF-16 units: an emoji is one character to the carrier. */
export const smsLength = (s: string) => [...s].length;
export const smsSegments = (s: string) => {
  const n = smsLength(s);
  return n === 0 ? 0 : n <= SMS_SEGMENT ? 1 : Math.ceil(n / SMS_LONG_SEGMENT);
};

const PLACEHOLDER = /\{([^{}]*)\}/g;
const isVariable = (name: string): name is TemplateVariable => (TEMPLATE_VARIABLES as readonly string[]).includes(name);

/** The names in braces, in order of first appearance (Tencent's templates are positional: {1}, {2}… in this order). */
export function placeholders(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

export const unknownVariables = (text: string) => placeholders(text).filter((n) => !isVariable(n));
export const usedVariables = (text: string) => placeholders(text).filter(isVariable);

/** Each known `{name}` replaced by its value; anything else stays as typed (validation refuses it before it is stored). */
export const renderTemplate = (text: string, values: TemplateValues) =>
  text.replace(PLACEHOLDER, (whole, name: string) => (isVariable(name) ? values[name] : whole));

/** What a purpose is called inside a text (`{purpose}`). */
export const purposeWord = (purpose: TemplatePurpose, locale: Locale) => SERVER_TEXT[locale].codePurpose[purpose];

export interface TemplateText {
  subject: string | null;
  body: string;
}

/** The built-in text of a purpose, channel and language: what is sent while a tenant has none of its own. */
export function defaultTemplate(channel: TemplateChannel, locale: Locale): TemplateText {
  const t = SERVER_TEXT[locale];
  return { subject: channel === "email" ? t.codeSubject : null, body: t.codeText };
}

/** Sample values for previews and the length check: a code's six digits, the default lifetime. */
export function sampleValues(purpose: TemplatePurpose, channel: TemplateChannel, locale: Locale, tenant: string): TemplateValues {
  return { code: "123456", minutes: channel === "sms" ? "5" : "30", tenant, purpose: purposeWord(purpose, locale) };
}

/** The tenant name the schema's length check assumes when it does not know the tenant's own (the service checks the real one). */
export const SAMPLE_TENANT = "示例应用示例应用";
