import { getRequestConfig } from "next-intl/server";
import { cookies, headers } from "next/headers";
import { LOCALE_COOKIE, pickLocale } from "~/i18n/locale";
import { loadMessages } from "~/i18n/messages";

/** No locale in the URL: the cookie (set by the switcher, or at sign-in from the user's choice) or the browser decides. */
export default getRequestConfig(async () => {
  const locale = pickLocale((await cookies()).get(LOCALE_COOKIE)?.value, (await headers()).get("accept-language"));
  return { locale, messages: await loadMessages(locale), timeZone: "Asia/Shanghai" };
});
