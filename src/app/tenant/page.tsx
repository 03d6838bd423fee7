import type { Metadata } from "next";
import { Card, Descriptions, Empty, Space, Tag, Typography } from "antd";
import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { db } from "~/server/db";
import { requestHost } from "~/server/request";
import { publicTenantByHost } from "~/server/services/tenant";
import { UnknownHost } from "~/components/unknown-host";
import { LanguageSwitchSlot } from "./switch-slot";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Tenant / 租户" };

/** Anonymous: what anyone may see about the tenant behind this host. */
export default async function PublicTenantPage() {
  const host = requestHost(await headers());
  const tenant = await publicTenantByHost(db, host).catch(() => null);
  if (!tenant) return <UnknownHost host={host} />;
  const t = await getTranslations("tenant");
  return (
    <main style={{ maxWidth: 720, margin: "48px auto", padding: "0 16px" }}>
      <div style={{ display: "flex", justifyContent: "flex-end", marginBottom: 16 }}>
        <LanguageSwitchSlot />
      </div>
      <Card data-testid="public-tenant">
        <Space align="center" size="middle">
          {tenant.logo && <img src={tenant.logo} alt="" width={48} height={48} style={{ borderRadius: 8, objectFit: "cover" }} />}
          <div>
            <Typography.Text type="secondary">{t("publicTitle")}</Typography.Text>
            <Typography.Title level={2} style={{ margin: 0 }}>
              {tenant.name}
            </Typography.Title>
          </div>
        </Space>
        {tenant.description && <Typography.Paragraph style={{ marginTop: 16 }}>{tenant.description}</Typography.Paragraph>}
        <Typography.Title level={5}>{t("publicClaims")}</Typography.Title>
        {tenant.claims.length ? (
          <Descriptions size="small" column={1} bordered items={tenant.claims.map((c, i) => ({ key: i, label: c.type, children: <Tag>{c.value}</Tag> }))} />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("noClaims")} />
        )}
      </Card>
    </main>
  );
}
