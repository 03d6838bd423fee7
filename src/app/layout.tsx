import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AntdRegistry } from "@ant-design/nextjs-registry";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getMessages } from "next-intl/server";
import { Providers } from "~/components/providers";
import { getRequestIdentity } from "~/server/auth";
import { db } from "~/server/db";
import { tenantBrand } from "~/server/services/branding";
import "./globals.css";

export const metadata: Metadata = { title: { default: "User Center", template: "%s · User Center" } };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  // The host's tenant (one statement per request, shared with the page) and its brand (cached for a few seconds).
  const { tenant } = await getRequestIdentity();
  const brand = tenant ? await tenantBrand(db, tenant.id) : null;
  return (
    <html lang={locale}>
      <body>
        <AntdRegistry>
          <NextIntlClientProvider locale={locale} messages={await getMessages()}>
            <Providers locale={locale} brand={brand}>
              {children}
            </Providers>
          </NextIntlClientProvider>
        </AntdRegistry>
      </body>
    </html>
  );
}
