"use client";

import { useLocale } from "next-intl";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { ANTD_THEME } from "~/lib/antd-theme";
import { LOCALE_COOKIE, UI_LOCALE_COOKIE, UI_LOCALE_MAX_AGE, parseUiLocaleCookie, readCookie } from "~/i18n/locale";

const LANGUAGES = [
  { label: "中文", value: "zh-CN" },
  { label: "English", value: "en" },
] as const;

function setLocaleCookies(next: "zh-CN" | "en") {
  document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=${365 * 86400}; samesite=lax`;
  // In an app's sign-in the language it asked for (ui_locales) gives way to the user's pick.
  const flow = parseUiLocaleCookie(readCookie(document.cookie, UI_LOCALE_COOKIE));
  if (flow) document.cookie = `${UI_LOCALE_COOKIE}=${next}:${flow.uid}; path=/; max-age=${UI_LOCALE_MAX_AGE}; samesite=lax`;
}

/** Switches the language at once (cookie) and, when signed in, remembers it for the user. */
export function LanguageSwitch({ signedIn }: { signedIn: boolean }) {
  const locale = useLocale();
  const router = useRouter();
  const trpc = useTRPC();
  const [pending, startTransition] = useTransition();
  const remember = useMutation(trpc.me.setLocale.mutationOptions());
  const pick = (next: "zh-CN" | "en") => {
    setLocaleCookies(next);
    if (signedIn) remember.mutate({ locale: next });
    startTransition(() => router.refresh());
  };
  return (
    // antd's Segmented as markup (antd.css styles it): two native radios, so Tab and the arrow
    // keys work as in any radio group, without the component's script on every page.
    <div
      role="radiogroup"
      aria-label="Language / 语言"
      className={`ant-segmented ant-segmented-sm ${ANTD_THEME.cssVar.key} uc-segmented${pending ? " ant-segmented-disabled" : ""}`}
    >
      <div className="ant-segmented-group">
        {LANGUAGES.map((l) => (
          <label
            key={l.value}
            className={`ant-segmented-item${l.value === locale ? " ant-segmented-item-selected" : ""}${pending ? " ant-segmented-item-disabled" : ""}`}
          >
            <input
              className="ant-segmented-item-input"
              type="radio"
              name="uc-language"
              value={l.value}
              checked={l.value === locale}
              disabled={pending}
              onChange={() => pick(l.value)}
            />
            <div className="ant-segmented-item-label" title={l.label}>
              {l.label}
            </div>
          </label>
        ))}
      </div>
    </div>
  );
}
