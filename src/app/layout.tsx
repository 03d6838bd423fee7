import type { Metadata } from "next";
import type { ReactNode } from "react";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getMessages } from "next-intl/server";
import { Providers } from "~/components/providers";
import { AntdStyleRegistry } from "~/components/antd-registry";
import { getRequestIdentity } from "~/server/auth";
import { db } from "~/server/db";
import { tenantBrand } from "~/server/services/branding";
import { tenantPasswordPolicy } from "~/server/services/password-policy";
import { DEFAULT_PASSWORD_RULE } from "~/lib/password-rule";
import { TIME_ZONE_COOKIE, timeZoneOr } from "~/lib/time-zone";
import { cookies } from "next/headers";
// antd's styles as one cacheable stylesheet (AntdStyleRegistry says how antd is told); ours after it.
import "antd/dist/antd.css";
// The variables of the antd components drawn as our own markup (src/lib/antd-markup-vars.ts).
import "./antd-markup.css";
import "./globals.css";

export const metadata: Metadata = { title: { default: "User Center", template: "%s · User Center" } };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  // One statement per request, shared with the page.
  const { tenant } = await getRequestIdentity();
  // The host's tenant, its brand (cached for a few seconds) and its password rules (cached settings), for every page.
  const [brand, passwordRule] = tenant ? await Promise.all([tenantBrand(db, tenant.id), tenantPasswordPolicy(db, tenant.id)]) : [null, DEFAULT_PASSWORD_RULE];
  // Times render in the browser's zone (its cookie), so the server's HTML matches the browser's.
  const timeZone = timeZoneOr((await cookies()).get(TIME_ZONE_COOKIE)?.value);
  return (
    <html lang={locale}>
      <body>
        <AntdStyleRegistry>
          <NextIntlClientProvider locale={locale} messages={await getMessages()}>
            <Providers locale={locale} brand={brand} passwordRule={passwordRule} timeZone={timeZone}>
              {children}
            </Providers>
          </NextIntlClientProvider>
        </AntdStyleRegistry>
      </body>
    </html>
  );
}
