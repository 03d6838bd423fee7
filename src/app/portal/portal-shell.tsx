"use client";

import { createContext, useContext, type ReactNode } from "react";
import { Button, Layout, Space, Typography } from "antd";
import Link from "~/components/app-link";
import { useTranslations } from "next-intl";
import { BrandMark, useBrand } from "~/components/brand";
import { LanguageSwitch } from "~/components/language-switch";

const SignedIn = createContext(false);
/** Whether the visitor is signed in (the portal's pages offer subscribing then). */
export const useSignedIn = () => useContext(SignedIn);

/** The portal's frame: the tenant's brand, the way to its APIs, the language and sign-in. */
export function PortalShell({ signedIn, children }: { signedIn: boolean; children: ReactNode }) {
  const t = useTranslations("portal");
  const brand = useBrand();
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Header
        style={{
          background: "#fff",
          borderBottom: "1px solid #f0f0f0",
          display: "flex",
          alignItems: "center",
          justifyContent: "space-between",
          paddingInline: 24,
        }}
      >
        <Link href="/portal" style={{ display: "flex", alignItems: "center", gap: 12, color: "inherit" }} data-testid="portal-home">
          <BrandMark brand={brand} size={32} />
          <Typography.Text type="secondary" style={{ fontSize: 16 }}>
            {t("title")}
          </Typography.Text>
        </Link>
        <Space>
          {signedIn && (
            <Link href="/portal/subscriptions" data-testid="portal-my-subscriptions">
              {t("mySubscriptions")}
            </Link>
          )}
          <LanguageSwitch signedIn={signedIn} />
          <Link href={signedIn ? "/account" : "/login?callbackUrl=/portal"}>
            <Button>{signedIn ? t("console") : t("signIn")}</Button>
          </Link>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: "24px", maxWidth: 1200, width: "100%", margin: "0 auto" }}>
        <SignedIn.Provider value={signedIn}>{children}</SignedIn.Provider>
      </Layout.Content>
    </Layout>
  );
}
