"use client";

import { Alert, Col, Empty, Row, Space, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import Link from "~/components/app-link";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { handleServerError } from "~/components/form-errors";

/** The published APIs, each with its versions and the products that offer it. */
export function PortalHome() {
  const t = useTranslations("portal");
  const trpc = useTRPC();
  const apis = useQuery(trpc.portal.apis.queryOptions({}));
  return (
    <Space orientation="vertical" size="large" style={{ width: "100%" }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t("apisTitle")}
        </Typography.Title>
        <Typography.Text type="secondary">{t("apisIntro")}</Typography.Text>
      </div>
      {apis.isError && <Alert type="error" showIcon title={handleServerError(null, apis.error)} />}
      {apis.data && !apis.data.length && <Empty description={t("noApis")} data-testid="portal-empty" />}
      <Row gutter={[16, 16]}>
        {apis.data?.map((api) => (
          <Col key={api.id} xs={24} md={12} lg={8}>
            <Link href={`/portal/apis/${api.id}`} data-testid="portal-api">
              <Card hoverable title={api.displayName ?? api.name} extra={<Typography.Text code>{api.name}</Typography.Text>} style={{ height: "100%" }}>
                {api.description && <Typography.Paragraph ellipsis={{ rows: 3 }}>{api.description}</Typography.Paragraph>}
                <Space size={[4, 4]} wrap>
                  {api.versions.map((v) => (
                    <Tag key={v.id} color="blue">
                      {t("versionTag", { version: v.name, n: v.operationCount })}
                    </Tag>
                  ))}
                </Space>
                {api.products.length > 0 && (
                  <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
                    {t("inProducts", { products: api.products.map((p) => p.displayName ?? p.name).join(" · ") })}
                  </Typography.Paragraph>
                )}
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
    </Space>
  );
}
