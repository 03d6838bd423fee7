"use client";

import { ConfigProvider } from "antd";
import enUS from "antd/es/locale/en_US";
import zhCN from "antd/es/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import type { ReactNode } from "react";
import { useMessages } from "next-intl";
import { provideCatalog } from "~/i18n/catalog";
import { TRPCReactProvider } from "~/trpc/react";
import { BrandProvider } from "~/components/brand";
import { PasswordRuleProvider } from "~/components/password-rule-context";
import { TimeZoneProvider } from "~/components/time";
import { FeedbackProvider } from "~/components/feedback";
import { DEFAULT_PRIMARY, type Brand } from "~/lib/branding";
import type { PasswordRule } from "~/lib/password-rule";

/**
 * antd's component styles come from its prebuilt stylesheet (see AntdStyleRegistry), written for
 * CSS-variable mode with no hash class: so no hash here either, and a key of our own for the
 * theme's variables (by default antd derives one from React's useId, which could match one of the
 * variable blocks the stylesheet carries from antd's own build, `.css-var-_R_0_`). The tenant's
 * colour changes the variables only, which antd still writes at run time.
 */
export const ANTD_THEME = { hashed: false, cssVar: { key: "css-var-uc" } } as const;

export function Providers({
  locale,
  brand,
  passwordRule,
  timeZone,
  children,
}: {
  locale: string;
  brand: Brand | null;
  passwordRule: PasswordRule;
  timeZone: string;
  children: ReactNode;
}) {
  dayjs.locale(locale === "en" ? "en" : "zh-cn");
  // Error names, permission names and field messages for code outside React (src/i18n/catalog.ts).
  provideCatalog(locale === "en" ? "en" : "zh-CN", useMessages());
  return (
    <ConfigProvider
      locale={locale === "en" ? enUS : zhCN}
      theme={{ ...ANTD_THEME, token: { colorPrimary: brand?.primary ?? DEFAULT_PRIMARY, borderRadius: 6 } }}
    >
      <FeedbackProvider>
        <BrandProvider brand={brand}>
          <PasswordRuleProvider rule={passwordRule}>
            <TimeZoneProvider zone={timeZone}>
              <TRPCReactProvider>{children}</TRPCReactProvider>
            </TimeZoneProvider>
          </PasswordRuleProvider>
        </BrandProvider>
      </FeedbackProvider>
    </ConfigProvider>
  );
}
