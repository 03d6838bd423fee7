import type { z } from "zod";
import type { Locale } from "~/lib/errors";
import { CATALOG, hasMessage, translator } from "~/i18n/catalog";

/*
 * Validation messages in words, with no run-time zod: the browser's shared code (form-errors.ts,
 * every list page) reads errors with these, and only pages with a form load zod itself.
 */

/**
 * Our own messages are keys (`uc:<key>`) of the `validation` messages
 * (src/i18n/messages/<locale>/validation.json); zod's own issues are put in words from the
 * same messages (`validation.issue.*`) by `localizeIssue`.
 */
export type MessageKey = Exclude<keyof (typeof CATALOG)["en"]["validation"], "issue">;
export const msg = (key: MessageKey) => `uc:${key}`;
/** One of our own messages in the caller's language. */
export const message = (key: MessageKey, locale: Locale) => translator(locale, "validation")(key);

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

/** The complaint of a `z.literal("")` alternative: "not empty". */
const isEmptyLiteral = (i: Issue) => i.code === "invalid_value" && i.values.length > 0 && i.values.every((v) => v === "");

/** One issue's message in the caller's language: a sentence a person reads, never a type name or a pattern. */
export function localizeIssue(issue: Issue, locale: Locale): string {
  // A field left empty has one thing wrong with it, whatever rule caught it first (a minimum
  // length, a format, a list of options). Forms parse with `reportInput`, so the issue says.
  if (issue.input === "" && issue.code !== "invalid_union") return translator(locale, "validation")("issue.required");
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
    case "invalid_value": {
      // An empty string is no option a person can be told to choose.
      const options = issue.values.map(String).filter((v) => v !== "");
      return options.length > 0 && options.length <= 12 ? t("oneOf", { options: options.join(locale === "en" ? ", " : "、") }) : t("invalidValue");
    }
    case "not_multiple_of":
      return t("multipleOf", { divisor: bound(issue.divisor) });
    case "unrecognized_keys":
      return t("unknownFields", { keys: issue.keys.join(", ") });
    case "invalid_union": {
      // A union is "this, or empty": the complaint that helps is the first alternative's that is
      // not "empty" (whichever order the schema lists them in).
      const alternatives = (issue.errors ?? []).map((e) => e[0]).filter((i): i is Issue => !!i);
      const helpful = alternatives.find((i) => !isEmptyLiteral(i)) ?? alternatives[0];
      return helpful ? localizeIssue(helpful, locale) : t("invalidFormat");
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
    const text = localizeIssue(issue, locale);
    const list = (out[key] ??= []);
    if (!list.includes(text)) list.push(text);
  }
  return out;
}
