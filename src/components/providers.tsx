"use client";

import { App, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import type { ReactNode } from "react";
import { z } from "zod";
import { TRPCReactProvider } from "~/trpc/react";

// zod probes for eval (`Function("")`) before compiling a fast object parser; under our
// Content-Security-Policy (no 'unsafe-eval') the browser reports each probe as a violation.
z.config({ jitless: true });

export function Providers({ locale, children }: { locale: string; children: ReactNode }) {
  dayjs.locale(locale === "en" ? "en" : "zh-cn");
  return (
    <ConfigProvider locale={locale === "en" ? enUS : zhCN} theme={{ token: { colorPrimary: "#1d4ed8", borderRadius: 6 } }}>
      <App>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </App>
    </ConfigProvider>
  );
}
