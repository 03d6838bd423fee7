"use client";

import { Empty, Table, Tooltip, Typography } from "antd";
import { Tag } from "~/components/tag";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { COLOR_RE, isSafeUrl } from "~/lib/validators/common";
import { DetailPage, Facts } from "~/components/detail-page";
import { useHistoryTab } from "~/components/record-history";
import { useSeededText } from "~/components/use-seeded-text";
import { TenantDrawer } from "../tenant-drawer";
import { STATUS_COLOR } from "../tenants-view";

export function TenantDetail({ id }: { id: string }) {
  const t = useTranslations("tenant");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const seeded = useSeededText();
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const detail = useQuery(trpc.tenant.detail.queryOptions({ id }));
  const history = useHistoryTab(id);
  const d = detail.data;
  const none = <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <>
      <DetailPage
        query={detail}
        back={{ href: "/tenants", label: t("title") }}
        title={
          d && (
            <>
              {d.name}
              <Tag color={STATUS_COLOR[d.status]}>{t(`statuses.${d.status}`)}</Tag>
              {d.isDefault && <Tag color="blue">{t("default")}</Tag>}
            </>
          )
        }
        intro={(d && seeded.tenantDescription(d)) ?? undefined}
        onEdit={d ? () => setEditing(true) : undefined}
        tabs={
          d && [
            {
              key: "overview",
              label: c("overview"),
              children: (
                <Facts
                  record={d}
                  items={[
                    { label: t("name"), value: d.name },
                    { label: t("status"), value: t(`statuses.${d.status}`) },
                    { label: t("description"), value: seeded.tenantDescription(d) ?? none },
                    {
                      label: t("logo"),
                      // Only an https address or our own file is a link; anything else saved before
                      // the schema refused it (`javascript:…`) is shown as inert text.
                      value: isSafeUrl(d.logo) ? (
                        <Typography.Link href={d.logo} target="_blank" rel="noopener noreferrer">
                          {d.logo}
                        </Typography.Link>
                      ) : (
                        (d.logo ?? none)
                      ),
                    },
                    { label: t("theme"), value: d.theme ? <Tag color={COLOR_RE.test(d.theme) ? d.theme : undefined}>{d.theme}</Tag> : none },
                    { label: "ID", value: <Typography.Text copyable>{d.id}</Typography.Text> },
                  ]}
                />
              ),
            },
            {
              key: "hosts",
              label: `${t("hosts")} (${d.hosts.length})`,
              children: d.hosts.length ? (
                <Table
                  rowKey="host"
                  size="small"
                  pagination={false}
                  dataSource={d.hosts.map((host) => ({ host }))}
                  columns={[{ title: t("hosts"), dataIndex: "host", key: "host", render: (h: string) => <Typography.Text copyable>{h}</Typography.Text> }]}
                />
              ) : (
                <Empty description={t("noHosts")} />
              ),
            },
            {
              key: "claims",
              label: `${t("claims")} (${d.claims.length})`,
              children: (
                <Table
                  rowKey={(r) => `${r.type}=${r.value}`}
                  size="small"
                  pagination={false}
                  dataSource={d.claims}
                  locale={{ emptyText: <Empty description={t("noTenantClaims")} /> }}
                  columns={[
                    { title: t("claimType"), dataIndex: "type", key: "type" },
                    { title: t("claimValue"), dataIndex: "value", key: "value" },
                    { title: t("claimPublic"), dataIndex: "isPublic", key: "isPublic", render: (p: boolean) => (p ? c("yes") : c("no")) },
                  ]}
                />
              ),
            },
            {
              key: "properties",
              label: `${t("properties")} (${d.properties.length})`,
              children: (
                <Table
                  rowKey="key"
                  size="small"
                  pagination={false}
                  dataSource={d.properties}
                  locale={{ emptyText: <Empty description={t("noProperties")} /> }}
                  columns={[
                    { title: t("propertyKey"), dataIndex: "key", key: "key", render: (k: string) => <Typography.Text code>{k}</Typography.Text> },
                    {
                      title: t("propertyValue"),
                      key: "value",
                      // Secrets never come back from the server: only whether one is stored, and whether this instance can decrypt it.
                      render: (_, p) =>
                        p.undecryptable ? (
                          <Tooltip title={t("secretUndecryptableHint")}>
                            <Tag color="error">{t("secretUndecryptable")}</Tag>
                          </Tooltip>
                        ) : p.secret ? (
                          <Tag color={p.isSet ? "gold" : undefined}>{p.isSet ? t("secretHidden") : t("secretNotSet")}</Tag>
                        ) : (
                          (p.value ?? none)
                        ),
                    },
                  ]}
                />
              ),
            },
            ...history,
          ]
        }
      />
      <TenantDrawer
        key={`${editing}-${locale}`}
        id={editing ? id : null}
        onClose={() => setEditing(false)}
        onSaved={() => qc.invalidateQueries(trpc.tenant.pathFilter())}
      />
    </>
  );
}
