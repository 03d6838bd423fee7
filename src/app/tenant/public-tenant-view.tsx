"use client";

import { Button, Descriptions, Empty, Space, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import Link from "~/components/app-link";
import { useTranslations } from "next-intl";
import type { z } from "zod";
import type { tenantPublic } from "~/lib/validators/tenant";
import { isSafeUrl } from "~/lib/validators/common";
import { LanguageSwitch } from "~/components/language-switch";

export function PublicTenantView({ tenant }: { tenant: z.infer<typeof tenantPublic> }) {
  const t = useTranslations("tenant");
  const login = useTranslations("login");
  return (
    <main style={{ maxWidth: 720, margin: "48px auto", padding: "0 16px" }}>
      <div style={{ display: "flex", justifyContent: "flex-end", marginBottom: 16 }}>
        <LanguageSwitch signedIn={false} />
      </div>
      <Card data-testid="public-tenant">
        <Space align="center" size="middle">
          {isSafeUrl(tenant.logo) && <img src={tenant.logo} alt="" width={48} height={48} style={{ borderRadius: 8, objectFit: "cover" }} />}
          <div>
            <Typography.Text type="secondary">{t("publicTitle")}</Typography.Text>
            <Typography.Title level={2} style={{ margin: 0 }}>
              {tenant.name}
            </Typography.Title>
          </div>
        </Space>
        {tenant.description && <Typography.Paragraph style={{ marginTop: 16 }}>{tenant.description}</Typography.Paragraph>}
        <Typography.Title level={5} style={{ marginTop: 24 }}>
          {t("publicClaims")}
        </Typography.Title>
        {tenant.claims.length ? (
          <Descriptions size="small" column={1} bordered items={tenant.claims.map((c, i) => ({ key: i, label: c.type, children: <Tag>{c.value}</Tag> }))} />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("noClaims")} />
        )}
        <div style={{ marginTop: 24 }}>
          <Link href="/login">
            <Button type="primary">{login("submit")}</Button>
          </Link>
        </div>
      </Card>
    </main>
  );
}
