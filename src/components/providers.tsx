"use client";

import { App, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import type { ReactNode } from "react";
import { TRPCReactProvider } from "~/trpc/react";

export function Providers({ locale, children }: { locale: string; children: ReactNode }) {
  dayjs.locale(locale === "en" ? "en" : "zh-cn");
  return (
    <ConfigProvider
      locale={locale === "en" ? enUS : zhCN}
      theme={{ token: { colorPrimary: "#1d4ed8", borderRadius: 6 } }}
    >
      <App>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </App>
    </ConfigProvider>
  );
}
