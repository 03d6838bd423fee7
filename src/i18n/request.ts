import { getRequestConfig } from "next-intl/server";
import { cookies, headers } from "next/headers";
import { LOCALE_COOKIE, UI_LOCALE_COOKIE, parseUiLocaleCookie, pickLocale } from "~/i18n/locale";
import { loadMessages } from "~/i18n/messages";

/**
 * No locale in the URL: an app's sign-in's `ui_locales` while it lasts (UI_LOCALE_COOKIE), else the
 * cookie (set by the switcher, or at sign-in from the user's choice) or the browser decides.
 */
export default getRequestConfig(async () => {
  const jar = await cookies();
  const cookie = parseUiLocaleCookie(jar.get(UI_LOCALE_COOKIE)?.value)?.locale ?? jar.get(LOCALE_COOKIE)?.value;
  const locale = pickLocale(cookie, (await headers()).get("accept-language"));
  return { locale, messages: await loadMessages(locale), timeZone: "Asia/Shanghai" };
});
