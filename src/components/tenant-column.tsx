"use client";

import { Tooltip } from "antd";
import { Tag } from "~/components/tag";
import type { TableColumnType } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { useCan } from "~/components/console-permissions";

/**
 * Platform operators' lists of per-tenant records span every tenant: this column names each
 * row's tenant. For everyone else (one tenant) there is no column.
 */
export function useTenantColumn<Row extends { tenantId: string }>(): TableColumnType<Row>[] {
  const c = useTranslations("common");
  const trpc = useTRPC();
  const crossTenant = useCan("uc.tenant.get") === true;
  const tenants = useQuery(trpc.tenant.list.queryOptions({ take: 100 }, { enabled: crossTenant, staleTime: 60_000 }));
  if (!crossTenant) return [];
  const names = new Map((tenants.data?.items ?? []).map((x) => [x.id, x.name]));
  return [
    {
      title: c("tenant"),
      dataIndex: "tenantId",
      key: "tenantId",
      render: (id: string) => (
        <Tooltip title={id}>
          <Tag>{names.get(id) ?? id.slice(0, 8)}</Tag>
        </Tooltip>
      ),
    },
  ];
}
