/**
 * The messages that code outside React reads synchronously, on the client and the server alike:
 * error names and descriptions (`appErrors`), permission names (`permissionNames`) and the
 * validators' field messages (`validation`) and the few texts the server writes itself
 * (`serverText`: code messages, the JSON login API's success message). Static JSON imports, so nothing waits; the same
 * files are part of every page's next-intl messages (src/i18n/messages.ts). `createTranslator`
 * is next-intl's own (next-intl re-exports use-intl/core), which formats ICU plurals the way
 * `useTranslations` / `getTranslations` do.
 */
import { createTranslator } from "use-intl/core";
import type { Locale } from "~/lib/errors";
import zhAppErrors from "~/i18n/messages/zh-CN/appErrors.json";
import enAppErrors from "~/i18n/messages/en/appErrors.json";
import zhPermissionNames from "~/i18n/messages/zh-CN/permissionNames.json";
import enPermissionNames from "~/i18n/messages/en/permissionNames.json";
import zhValidation from "~/i18n/messages/zh-CN/validation.json";
import enValidation from "~/i18n/messages/en/validation.json";
import zhServerText from "~/i18n/messages/zh-CN/serverText.json";
import enServerText from "~/i18n/messages/en/serverText.json";

export const SHARED_NAMESPACES = ["appErrors", "permissionNames", "validation", "serverText"] as const;
export type SharedNamespace = (typeof SHARED_NAMESPACES)[number];

export const CATALOG = {
  "zh-CN": { appErrors: zhAppErrors, permissionNames: zhPermissionNames, validation: zhValidation, serverText: zhServerText },
  en: { appErrors: enAppErrors, permissionNames: enPermissionNames, validation: enValidation, serverText: enServerText },
} as const satisfies Record<Locale, Record<SharedNamespace, unknown>>;

type Values = Record<string, string | number>;
export type Translate = (key: string, values?: Values) => string;

const cache = new Map<string, Translate>();

/** `t(key, values)` over one namespace of the catalog; a missing key throws (a test keeps both languages complete). */
export function translator(locale: Locale, namespace: SharedNamespace): Translate {
  const id = `${locale}:${namespace}`;
  let t = cache.get(id);
  if (!t) {
    const base = createTranslator({
      locale,
      messages: CATALOG[locale] as unknown as Record<string, Record<string, unknown>>,
      namespace,
      onError: (e) => {
        throw e;
      },
    }) as unknown as Translate;
    t = (key, values) => base(key, values);
    cache.set(id, t);
  }
  return t;
}

/** Whether `key` names a message (not a group) in this namespace. */
export function hasMessage(locale: Locale, namespace: SharedNamespace, key: string): boolean {
  const value = key
    .split(".")
    .reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), CATALOG[locale][namespace]);
  return typeof value === "string";
}
