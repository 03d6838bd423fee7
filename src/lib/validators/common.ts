import { z } from "zod";
import { msg } from "./messages";
import "./jitless";

export { fieldErrors, localizeFields, localizeIssue, message, msg, type MessageKey } from "./messages";

// A missing value is `invalid_type` with no input; the input is gone once the issue is final,
// so the parse itself marks it (schema-level messages still win over this).
z.config({
  customError: (issue) => (issue.code === "invalid_type" && issue.input === undefined ? msg("required") : undefined),
});

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
