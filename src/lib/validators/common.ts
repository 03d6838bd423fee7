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
  phoneTaken: { "zh-CN": "此手机号已注册，请直接登录或找回密码", en: "This phone number already has an account: sign in, or reset the password" },
  emailTaken: { "zh-CN": "此邮箱已注册，请直接登录或找回密码", en: "This email already has an account: sign in, or reset the password" },
  userNameTaken: { "zh-CN": "此用户名已被使用，请换一个", en: "This user name is taken: choose another" },
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
export const phoneSchema = z.string().trim().regex(/^\+\d{1,4}-\d{4,14}$/, msg("invalidPhone"));

export const errorTableOutput = z.array(
  z.object({ code: z.number().int(), name: z.string(), description: z.string(), status: z.number().int() }),
);
