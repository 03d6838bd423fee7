"use client";

import { Segmented } from "antd";
import { useLocale } from "next-intl";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { LOCALE_COOKIE, UI_LOCALE_COOKIE, UI_LOCALE_MAX_AGE, parseUiLocaleCookie, readCookie } from "~/i18n/locale";

/** Switches the language at once (cookie) and, when signed in, remembers it for the user. */
export function LanguageSwitch({ signedIn }: { signedIn: boolean }) {
  const locale = useLocale();
  const router = useRouter();
  const trpc = useTRPC();
  const [pending, startTransition] = useTransition();
  const remember = useMutation(trpc.me.setLocale.mutationOptions());
  return (
    <Segmented
      size="small"
      aria-label="Language / 语言"
      disabled={pending}
      value={locale}
      options={[
        { label: "中文", value: "zh-CN" },
        { label: "English", value: "en" },
      ]}
      onChange={(value) => {
        const next = value as "zh-CN" | "en";
        document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=${365 * 86400}; samesite=lax`;
        // In an app's sign-in the language it asked for (ui_locales) gives way to the user's pick.
        const flow = parseUiLocaleCookie(readCookie(document.cookie, UI_LOCALE_COOKIE));
        if (flow) document.cookie = `${UI_LOCALE_COOKIE}=${next}:${flow.uid}; path=/; max-age=${UI_LOCALE_MAX_AGE}; samesite=lax`;
        if (signedIn) remember.mutate({ locale: next });
        startTransition(() => router.refresh());
      }}
    />
  );
}
