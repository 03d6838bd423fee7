import type { Locale } from "~/lib/errors";

export const LOCALES = ["zh-CN", "en"] as const satisfies readonly Locale[];
export const DEFAULT_LOCALE: Locale = "zh-CN";
export const LOCALE_COOKIE = "NEXT_LOCALE";

export const isLocale = (v: unknown): v is Locale => typeof v === "string" && (LOCALES as readonly string[]).includes(v);

/** The cookie (an explicit choice) wins; then the browser's Accept-Language order. */
export function pickLocale(cookie: string | null | undefined, acceptLanguage: string | null | undefined): Locale {
  if (isLocale(cookie)) return cookie;
  const wanted = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", q] = part.trim().split(";q=");
      return { tag: tag.toLowerCase(), q: q ? Number(q) : 1 };
    })
    .filter((x) => x.tag)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of wanted) {
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return DEFAULT_LOCALE;
}

export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

/**
 * The language an app's sign-in asked for (OIDC `ui_locales`), for the pages of that one sign-in:
 * `<locale>:<key of the authorization request>`, set by the provider's hand-off (src/server/oidc/interaction.ts),
 * rewritten by the language switch when the user picks another language there, gone after an hour.
 * While it lasts it wins over the user's saved choice (NEXT_LOCALE), which it leaves alone.
 */
export const UI_LOCALE_COOKIE = "uc_ui_locale";
export const UI_LOCALE_MAX_AGE = 3600;

export function parseUiLocaleCookie(value: string | null | undefined): { locale: Locale; uid: string } | undefined {
  if (!value) return undefined;
  const i = value.indexOf(":");
  const locale = i > 0 ? value.slice(0, i) : "";
  const uid = i > 0 ? value.slice(i + 1) : "";
  return isLocale(locale) && /^[A-Za-z0-9_-]{1,64}$/.test(uid) ? { locale, uid } : undefined;
}

/** The language cookie that applies to a request: an app's sign-in's first, then the user's choice. */
export const cookieLocale = (cookieHeader: string | null | undefined): string | undefined =>
  parseUiLocaleCookie(readCookie(cookieHeader, UI_LOCALE_COOKIE))?.locale ?? readCookie(cookieHeader, LOCALE_COOKIE);
