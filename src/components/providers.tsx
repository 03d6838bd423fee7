"use client";

import { App, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import type { ReactNode } from "react";
import { z } from "zod";
import { TRPCReactProvider } from "~/trpc/react";
import { BrandProvider } from "~/components/brand";
import { DEFAULT_PRIMARY, type Brand } from "~/lib/branding";

// zod probes for eval (`Function("")`) before compiling a fast object parser; under our
// Content-Security-Policy (no 'unsafe-eval') the browser reports each probe as a violation.
z.config({ jitless: true });

export function Providers({ locale, brand, children }: { locale: string; brand: Brand | null; children: ReactNode }) {
  dayjs.locale(locale === "en" ? "en" : "zh-cn");
  return (
    <ConfigProvider locale={locale === "en" ? enUS : zhCN} theme={{ token: { colorPrimary: brand?.primary ?? DEFAULT_PRIMARY, borderRadius: 6 } }}>
      <App>
        <BrandProvider brand={brand}>
          <TRPCReactProvider>{children}</TRPCReactProvider>
        </BrandProvider>
      </App>
    </ConfigProvider>
  );
}
