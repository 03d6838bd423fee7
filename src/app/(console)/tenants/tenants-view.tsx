"use client";

import { ConsolePage } from "~/components/console-page";
import { DateRangeFilter, FilterBar, SelectFilter, TextFilter } from "~/components/filter-bar";
import { DeleteAction, ListActions, ListTable, createdAtColumn, useListPage, useRowFeedback } from "~/components/list-page";
import { Button, Space, Typography } from "antd";
import { Tag } from "~/components/tag";
import type { TableProps } from "antd";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import Link from "~/components/app-link";
import { useTRPC } from "~/trpc/react";
import { TENANT_ORDER, TENANT_STATUSES } from "~/lib/validators/values";
import { tenantsInput } from "./list-input";
import dynamic from "next/dynamic";

// The tenant form (its fields and their schemas, so zod) loads when it is first opened, not with the list.
const TenantDrawer = dynamic(() => import("./tenant-drawer").then((m) => m.TenantDrawer), { ssr: false });

type Status = (typeof TENANT_STATUSES)[number];
export const STATUS_COLOR: Record<Status, string> = { created: "default", enabled: "green", disabled: "red" };

export function TenantsView() {
  const t = useTranslations("tenant");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { url, filters, sort } = useListPage({ order: TENANT_ORDER, text: ["name", "host"], others: ["status", "start", "end"] });
  const [editing, setEditing] = useState<string | "new" | null>(null);

  const status = url.oneOf("status", TENANT_STATUSES);
  const input = tenantsInput(url);
  const list = useQuery(trpc.tenant.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const invalidate = () => qc.invalidateQueries(trpc.tenant.pathFilter());
  const feedback = useRowFeedback(invalidate);
  const setStatus = useMutation(trpc.tenant.setStatus.mutationOptions(feedback(c("saved"))));
  const remove = useMutation(trpc.tenant.delete.mutationOptions(feedback(c("deleted"))));

  type Row = NonNullable<typeof list.data>["items"][number];
  const columns: TableProps<Row>["columns"] = [
    {
      title: t("name"),
      dataIndex: "name",
      key: "name",
      sorter: true,
      sortOrder: sort.sortOrder("name"),
      render: (name: string, row) => (
        <Space>
          <Link href={`/tenants/${row.id}`}>{name}</Link>
          {row.isDefault && <Tag color="blue">{t("default")}</Tag>}
        </Space>
      ),
    },
    {
      title: t("hosts"),
      dataIndex: "hosts",
      key: "hosts",
      render: (hosts: string[]) => (hosts.length ? hosts.map((h) => <Tag key={h}>{h}</Tag>) : <Typography.Text type="secondary">—</Typography.Text>),
    },
    { title: t("status"), dataIndex: "status", key: "status", render: (s: Status) => <Tag color={STATUS_COLOR[s]}>{t(`statuses.${s}`)}</Tag> },
    createdAtColumn(c("createdAt"), sort),
    {
      title: c("actions"),
      key: "actions",
      render: (_, row) => (
        <Space size="small">
          <Button size="small" type="link" onClick={() => setEditing(row.id)}>
            {c("edit")}
          </Button>
          {!row.isDefault && (
            <Button
              size="small"
              type="link"
              loading={setStatus.isPending && setStatus.variables?.id === row.id}
              onClick={() => setStatus.mutate({ id: row.id, status: row.status === "enabled" ? "disabled" : "enabled" })}
            >
              {row.status === "enabled" ? c("disable") : c("enable")}
            </Button>
          )}
          {!row.isDefault && <DeleteAction name={row.name} onConfirm={() => remove.mutateAsync({ id: row.id })} />}
        </Space>
      ),
    },
  ];

  return (
    <ConsolePage title={t("title")} extra={<ListActions resource="tenants" filter={input} newLabel={t("new")} onNew={() => setEditing("new")} />}>
      <FilterBar filters={filters}>
        <TextFilter filters={filters} name="name" label={t("filterName")} />
        <TextFilter filters={filters} name="host" label={t("filterHost")} />
        <SelectFilter
          filters={filters}
          name="status"
          label={t("status")}
          placeholder={t("filterStatus")}
          value={status}
          options={TENANT_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
          width={140}
        />
        <DateRangeFilter filters={filters} />
      </FilterBar>
      <ListTable url={url} list={list} columns={columns} emptyTitle={t("emptyTitle")} emptyHint={t("emptyHint")} />
      {editing !== null && <TenantDrawer key={`${editing}-${locale}`} id={editing} onClose={() => setEditing(null)} onSaved={invalidate} />}
    </ConsolePage>
  );
}
