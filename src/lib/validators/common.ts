import { z } from "zod";
import type { Locale } from "~/lib/errors";

/** Our own messages are keys (`uc:<key>`), localized here; the rest come from zod's locales. */
const MESSAGES = {
  invalidHost: { "zh-CN": "主机名格式不正确，例如 app.example.com", en: "Not a valid host name, e.g. app.example.com" },
  invalidPhone: { "zh-CN": "手机号格式应为 +86-15810419011", en: "Phone numbers look like +86-15810419011" },
  invalidEmail: { "zh-CN": "此接口需要邮箱账号", en: "This operation takes an email address" },
  invalidUserName: { "zh-CN": "此接口需要用户名", en: "This operation takes a user name" },
  duplicate: { "zh-CN": "有重复项", en: "Contains duplicates" },
  endBeforeStart: { "zh-CN": "结束时间早于开始时间", en: "The end is before the start" },
  required: { "zh-CN": "必填", en: "Required" },
  mustAccept: { "zh-CN": "请阅读并同意用户协议", en: "Read and accept the terms" },
  tooCommon: { "zh-CN": "这个密码太常见，容易被猜到", en: "This password is too common and easy to guess" },
  tooShort: { "zh-CN": "太短", en: "Too short" },
  notFuture: { "zh-CN": "不能是将来的日期", en: "Cannot be in the future" },
  unknownScope: { "zh-CN": "不是注册表中的权限码或通配符", en: "Not a registry permission code or wildcard" },
  invalidOrigin: { "zh-CN": "来源格式应为 https://app.example.com（不含路径）", en: "Origins look like https://app.example.com (no path)" },
  invalidName: { "zh-CN": "只能包含字母、数字以及 . _ : -", en: "Letters, digits and . _ : - only" },
  invalidFolder: { "zh-CN": "文件夹名称须为 5–30 个字母或数字", en: "A folder name is 5–30 letters or digits" },
  invalidBase64: { "zh-CN": "不是有效的 base64 PNG 数据", en: "Not valid base64 PNG data" },
  controlChars: { "zh-CN": "只能是一行文字，不能包含换行、制表符或其他控制字符", en: "One line of text: no line breaks, tabs or other control characters" },
  controlCharsMultiLine: { "zh-CN": "不能包含控制字符（换行和制表符除外）", en: "No control characters (line breaks and tabs are fine)" },
  forbiddenChars: { "zh-CN": "含有不允许的控制字符（如 NUL）或无效字符，请删除后重试", en: "Contains a control character (such as NUL) or an invalid character; remove it and try again" },
  invalidText: { "zh-CN": "含有无效的字符，请删除后重试", en: "Contains a character that is not valid text; remove it and try again" },
} as const satisfies Record<string, Record<Locale, string>>;

export type MessageKey = keyof typeof MESSAGES;
export const msg = (key: MessageKey) => `uc:${key}`;
/** One of our own messages in the caller's language. */
export const message = (key: MessageKey, locale: Locale) => MESSAGES[key][locale];

let zhLocale: ReturnType<typeof z.locales.zhCN> | undefined;
let enLocale: ReturnType<typeof z.locales.en> | undefined;

/** One issue's message in the caller's language. */
export function localizeIssue(issue: z.core.$ZodIssue, locale: Locale): string {
  if (issue.message.startsWith("uc:")) {
    const m = MESSAGES[issue.message.slice(3) as MessageKey];
    if (m) return m[locale];
  }
  const loc = locale === "en" ? (enLocale ??= z.locales.en()) : (zhLocale ??= z.locales.zhCN());
  // zod's locale functions take the raw issue shape; ours has the same fields.
  return loc.localeError(issue as unknown as Parameters<typeof loc.localeError>[0]) as string ?? issue.message;
}

/** `{ "hosts.0": ["..."] }` for forms and 400 answers. */
export function fieldErrors(error: z.ZodError, locale: Locale): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "_";
    (out[key] ??= []).push(localizeIssue(issue, locale));
  }
  return out;
}

/**
 * Text the database and people can read: C0 control characters (NUL first of all: PostgreSQL
 * refuses it in text, error 22021) and DEL are refused, and so is a lone UTF-16 surrogate (half
 * of a character; not valid UTF-8). Multi-line text (descriptions, about me, property values)
 * keeps tab, line feed and carriage return.
 */
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const hasControlChars = (s: string, multiLine = false) => (multiLine ? CONTROL_MULTILINE : CONTROL).test(s);
export const hasLoneSurrogate = (s: string) => LONE_SURROGATE.test(s);

/** The one string schema of every input: a single line of text (names, codes, ids, filters, cursors). */
export const text = () =>
  z
    .string()
    .refine((s) => !hasLoneSurrogate(s), { message: msg("invalidText"), abort: true })
    .refine((s) => !hasControlChars(s), { message: msg("controlChars"), abort: true });
/** Text that may span lines: descriptions, about me, remarks, property values. */
export const multiLineText = () =>
  z
    .string()
    .refine((s) => !hasLoneSurrogate(s), { message: msg("invalidText"), abort: true })
    .refine((s) => !hasControlChars(s, true), { message: msg("controlCharsMultiLine"), abort: true });
/** A URL (zod's check) that is also text by the rules above: `new URL` would accept a NUL and percent-encode it. */
export const urlText = (params?: Parameters<typeof z.url>[0]) => z.url(params).refine((s) => !hasLoneSurrogate(s) && !hasControlChars(s), { message: msg("controlChars"), abort: true });

/**
 * `true`/`false` from JSON, or "true"/"false"/"1"/"0" from a query string. A preprocess (not
 * z.coerce, where "false" would be true), which the REST mirror also accepts for query keys.
 */
const BOOL_STRINGS: Record<string, boolean> = { true: true, "1": true, false: false, "0": false };
export const boolish = z.preprocess((v) => (typeof v === "string" && v in BOOL_STRINGS ? BOOL_STRINGS[v] : v), z.boolean());

/** Shared list input: every list takes these and answers `{ total, items }`. */
export const listInput = z
  .object({
    asc: boolish.optional(),
    skip: z.coerce.number().int().min(0).max(10_000_000).default(0),
    take: z.coerce.number().int().min(1).max(100).default(20),
    startTime: z.coerce.date().optional(),
    endTime: z.coerce.date().optional(),
  });

export const refineRange = <T extends { startTime?: Date; endTime?: Date }>(v: T, ctx: z.RefinementCtx) => {
  if (v.startTime && v.endTime && v.endTime < v.startTime)
    ctx.addIssue({ code: "custom", path: ["endTime"], message: msg("endBeforeStart") });
};

export const listOutput = <T extends z.ZodType>(item: T) => z.object({ total: z.number().int(), items: z.array(item) });

export const idInput = z.object({ id: z.uuid() });

/** `+86-15810419011`: country code, a dash, the national number. */
export const phoneSchema = text().trim().regex(/^\+\d{1,4}-\d{4,14}$/, msg("invalidPhone"));

export const errorTableOutput = z.array(
  z.object({ code: z.number().int(), name: z.string(), description: z.string(), status: z.number().int() }),
);
