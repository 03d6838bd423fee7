"use client";

import { Empty, Table, Typography } from "antd";
import { Tag } from "~/components/tag";
import Link from "~/components/app-link";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { CatalogDetail } from "~/components/catalog-detail";
import { ScopeDrawer } from "../scope-drawer";

export function ApiScopeDetail({ id }: { id: string }) {
  const t = useTranslations("apiScope");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const detail = useQuery(trpc.apiScope.detail.queryOptions({ id }));
  return (
    <CatalogDetail
      ns="apiScope"
      back="/api-scopes"
      query={detail}
      tabs={(scope) => [{ key: "usedBy", label: t("usedBy"), children: <UsedBy name={scope.name} tenantId={scope.tenantId} /> }]}
      drawer={(editing, close) => (
        <ScopeDrawer
          key={`${editing?.id ?? "closed"}-${locale}`}
          item={editing}
          onClose={close}
          onSaved={() => qc.invalidateQueries(trpc.apiScope.pathFilter())}
        />
      )}
    />
  );
}

/** The API resources that offer this scope (a scope in use cannot be renamed or deleted). */
function UsedBy({ name, tenantId }: { name: string; tenantId: string }) {
  const t = useTranslations("apiScope");
  const r = useTranslations("apiResource");
  const trpc = useTRPC();
  const list = useQuery(trpc.apiResource.list.queryOptions({ scope: name, tenantId, take: 100, orderby: "name", asc: true }));
  return (
    <Table
      rowKey="id"
      size="small"
      pagination={false}
      loading={list.isLoading}
      dataSource={list.data?.items}
      locale={{ emptyText: <Empty description={t("usedByNone")} /> }}
      columns={[
        {
          title: r("name"),
          dataIndex: "name",
          key: "name",
          render: (n: string, row) => (
            <Link href={`/api-resources/${row.id}`}>
              <Typography.Text code>{n}</Typography.Text>
            </Link>
          ),
        },
        { title: r("displayName"), dataIndex: "displayName", key: "displayName", render: (v: string | null) => v ?? "—" },
        {
          title: r("status"),
          dataIndex: "enabled",
          key: "enabled",
          render: (on: boolean) => <Tag color={on ? "green" : "red"}>{on ? r("statusEnabled") : r("statusDisabled")}</Tag>,
        },
      ]}
    />
  );
}
