import { z } from "zod";
import type { Locale } from "~/lib/errors";
import { CATALOG, hasMessage, translator } from "~/i18n/catalog";

/**
 * Our own messages are keys (`uc:<key>`) of the `validation` messages
 * (src/i18n/messages/<locale>/validation.json); zod's own issues are put in words from the
 * same messages (`validation.issue.*`) by `localizeIssue`.
 */
export type MessageKey = Exclude<keyof (typeof CATALOG)["en"]["validation"], "issue">;
export const msg = (key: MessageKey) => `uc:${key}`;
/** One of our own messages in the caller's language. */
export const message = (key: MessageKey, locale: Locale) => translator(locale, "validation")(key);

// A missing value is `invalid_type` with no input; the input is gone once the issue is final,
// so the parse itself marks it (schema-level messages still win over this).
z.config({ customError: (issue) => (issue.code === "invalid_type" && issue.input === undefined ? msg("required") : undefined) });

type Issue = z.core.$ZodIssue;
const TYPE_KEYS: Record<string, string> = {
  string: "notText",
  number: "notNumber",
  bigint: "notNumber",
  int: "notInteger",
  boolean: "notBoolean",
  date: "notDate",
  array: "notList",
  object: "notObject",
};
const FORMAT_KEYS: Record<string, string> = {
  email: "invalidEmail",
  url: "invalidUrl",
  uuid: "invalidId",
  guid: "invalidId",
  cuid: "invalidId",
  cuid2: "invalidId",
  ulid: "invalidId",
  date: "invalidDate",
  datetime: "invalidDateTime",
};
const bound = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === "bigint" ? Number(v) : (v as number));

/** One issue's message in the caller's language: a sentence a person reads, never a type name or a pattern. */
export function localizeIssue(issue: Issue, locale: Locale): string {
  const own = issue.message.startsWith("uc:") ? issue.message.slice(3) : null;
  if (own && hasMessage(locale, "validation", own)) return message(own as MessageKey, locale);
  const t = (key: string, values?: Record<string, string | number>) => translator(locale, "validation")(`issue.${key}`, values);
  switch (issue.code) {
    case "invalid_type":
      return t(TYPE_KEYS[issue.expected] ?? "wrongType");
    case "too_small": {
      const min = bound(issue.minimum);
      if (issue.origin === "string") return min === 1 ? t("required") : t(issue.exact ? "exactChars" : "minChars", issue.exact ? { n: min } : { min });
      if (issue.origin === "array" || issue.origin === "set") return t("minItems", { min });
      if (issue.origin === "date") return t("earliestDate", { min });
      return t(issue.inclusive === false ? "aboveNumber" : "minNumber", { min });
    }
    case "too_big": {
      const max = bound(issue.maximum);
      if (issue.origin === "string") return t(issue.exact ? "exactChars" : "maxChars", issue.exact ? { n: max } : { max });
      if (issue.origin === "array" || issue.origin === "set") return t("maxItems", { max });
      if (issue.origin === "date") return t("latestDate", { max });
      return t(issue.inclusive === false ? "belowNumber" : "maxNumber", { max });
    }
    case "invalid_format":
      return t(FORMAT_KEYS[issue.format] ?? "invalidFormat");
    case "invalid_value":
      return issue.values.length > 0 && issue.values.length <= 12
        ? t("oneOf", { options: issue.values.map(String).join(locale === "en" ? ", " : "、") })
        : t("invalidValue");
    case "not_multiple_of":
      return t("multipleOf", { divisor: bound(issue.divisor) });
    case "unrecognized_keys":
      return t("unknownFields", { keys: issue.keys.join(", ") });
    case "invalid_union": {
      // A union is "this, or empty": the first alternative's complaint is the one that helps.
      const first = issue.errors?.[0]?.[0];
      return first ? localizeIssue(first, locale) : t("invalidFormat");
    }
    case "invalid_key":
    case "invalid_element": {
      const first = issue.issues?.[0];
      return first ? localizeIssue(first, locale) : t("invalidValue");
    }
    default:
      return t("invalidValue");
  }
}

/** Field errors a service raised as message keys (`msg("…")`, it need not know the caller's language), in words. */
export function localizeFields(fields: Record<string, string[]>, locale: Locale): Record<string, string[]> {
  const word = (m: string) => (m.startsWith("uc:") && hasMessage(locale, "validation", m.slice(3)) ? message(m.slice(3) as MessageKey, locale) : m);
  return Object.fromEntries(Object.entries(fields).map(([k, list]) => [k, list.map(word)]));
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
export const urlText = (params?: Parameters<typeof z.url>[0]) =>
  z.url(params).refine((s) => !hasLoneSurrogate(s) && !hasControlChars(s), { message: msg("controlChars"), abort: true });

/**
 * A picture or link we show or open: an `https:` address, or a file of our own library as an
 * upload answers it (`/api/files/<key>`, same origin; the key as src/server/files/store.ts
 * FILE_KEY_RE allows). Nothing else ever becomes an `href` or `src`: `javascript:`, `data:`,
 * `http:` and other hosts' relative paths are refused.
 */
const OWN_FILE = /^\/api\/files\/[A-Za-z0-9_-]{8,128}$/;
export function isSafeUrl(value: string | null | undefined): value is string {
  if (!value) return false;
  if (OWN_FILE.test(value)) return true;
  if (!/^https:\/\//i.test(value) || hasControlChars(value) || hasLoneSurrogate(value) || /\s/.test(value)) return false;
  try {
    const u = new URL(value);
    return u.protocol === "https:" && u.hostname.length > 0 && !u.username && !u.password;
  } catch {
    return false;
  }
}
/** A logo or avatar: an https address or our own file; "" (or blanks) clears it. */
export const imageUrlSchema = text()
  .trim()
  .max(1000)
  .refine((s) => s === "" || isSafeUrl(s), { message: msg("httpsOrFile") });

/** A colour as `#rgb` or `#rrggbb`; "" (or blanks) clears it. */
export const COLOR_RE = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
export const colorSchema = text()
  .trim()
  .refine((s) => s === "" || COLOR_RE.test(s), { message: msg("invalidColor") });

/**
 * `true`/`false` from JSON, or "true"/"false"/"1"/"0" from a query string. A preprocess (not
 * z.coerce, where "false" would be true), which the REST mirror also accepts for query keys.
 */
const BOOL_STRINGS: Record<string, boolean> = { true: true, "1": true, false: false, "0": false };
export const boolish = z.preprocess((v) => (typeof v === "string" && v in BOOL_STRINGS ? BOOL_STRINGS[v] : v), z.boolean());

/** Shared list input: every list takes these and answers `{ total, items }`. */
export const listInput = z.object({
  asc: boolish.optional(),
  skip: z.coerce.number().int().min(0).max(10_000_000).default(0),
  take: z.coerce.number().int().min(1).max(100).default(20),
  startTime: z.coerce.date().optional(),
  endTime: z.coerce.date().optional(),
});

export const refineRange = <T extends { startTime?: Date; endTime?: Date }>(v: T, ctx: z.RefinementCtx) => {
  if (v.startTime && v.endTime && v.endTime < v.startTime) ctx.addIssue({ code: "custom", path: ["endTime"], message: msg("endBeforeStart") });
};

export const listOutput = <T extends z.ZodType>(item: T) => z.object({ total: z.number().int(), items: z.array(item) });

export const idInput = z.object({ id: z.uuid() });

/** `+86-15810419011`: country code, a dash, the national number. */
export const phoneSchema = text()
  .trim()
  .regex(/^\+\d{1,4}-\d{4,14}$/, msg("invalidPhone"));

/** A user name: 3–32 characters, a letter first, then letters, digits, `_ . -`. */
export const userNameSchema = text()
  .trim()
  .min(3, msg("userNameLength"))
  .max(32, msg("userNameLength"))
  .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, msg("userNameChars"));

export const errorTableOutput = z.array(z.object({ code: z.number().int(), name: z.string(), description: z.string(), status: z.number().int() }));
