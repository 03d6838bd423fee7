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
import { ANTD_THEME } from "~/lib/antd-theme";

export { ANTD_THEME };

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
