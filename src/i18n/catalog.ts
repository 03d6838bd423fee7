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
// The data: on the server both languages' files (catalog-data.ts); in the browser only the page's
// language, handed over from the page's next-intl messages (catalog-data.browser.ts, chosen by
// package.json's "imports" for the browser build), so no page ships the other language's texts.
import { CATALOG, SHARED_NAMESPACES, type SharedNamespace } from "#i18n-catalog-data";

export { CATALOG, SHARED_NAMESPACES, type SharedNamespace };

type Values = Record<string, string | number>;
export type Translate = (key: string, values?: Values) => string;

const cache = new Map<string, Translate>();

/**
 * In the browser: the page's own messages become the catalog of `locale` (providers.tsx calls it
 * while rendering, before anything below it reads a message). On the server the files are the
 * catalog already and this does nothing.
 */
export function provideCatalog(locale: Locale, messages: Record<string, unknown>) {
  if (typeof window === "undefined") return;
  const held = CATALOG[locale] as Record<string, unknown>;
  if (SHARED_NAMESPACES.every((ns) => held[ns] === messages[ns])) return;
  for (const ns of SHARED_NAMESPACES) held[ns] = messages[ns];
  for (const id of [...cache.keys()]) if (id.startsWith(`${locale}:`)) cache.delete(id);
}

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
