"use client";

import { ConsolePage } from "~/components/console-page";
import { useTenantColumn } from "~/components/tenant-column";
import { DateRangeFilter, FilterBar, SelectFilter, TextFilter } from "~/components/filter-bar";
import { CodeName, DeleteAction, ListActions, ListTable, TagList, createdAtColumn, useListPage, useRowFeedback } from "~/components/list-page";
import { Button, Space } from "antd";
import { Tag } from "~/components/tag";
import type { TableProps } from "antd";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import Link from "~/components/app-link";
import { useTRPC } from "~/trpc/react";
import { API_ORDER } from "~/lib/validators/values";
import type { ApiResourceItem } from "~/lib/validators/api";
import dynamic from "next/dynamic";
import { apiResourcesInput } from "./list-input";

// The form (antd Form, the shared zod schemas) loads when the drawer is first opened, not with the list.
const ResourceDrawer = dynamic(() => import("./resource-drawer").then((m) => m.ResourceDrawer), { ssr: false });

const tags = (items: string[]) => <TagList items={items} />;

export function ApiResourcesView() {
  const t = useTranslations("apiResource");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { url, filters, sort } = useListPage({ order: API_ORDER, text: ["name"], others: ["enabled", "start", "end"] });
  const [editing, setEditing] = useState<ApiResourceItem | "new" | null>(null);

  const enabled = url.oneOf("enabled", ["true", "false"] as const);
  const input = apiResourcesInput(url);
  const list = useQuery(trpc.apiResource.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const invalidate = () => qc.invalidateQueries(trpc.apiResource.pathFilter());
  const feedback = useRowFeedback(invalidate);
  const remove = useMutation(trpc.apiResource.delete.mutationOptions(feedback(c("deleted"))));
  const tenantColumn = useTenantColumn<ApiResourceItem>();
  const columns: TableProps<ApiResourceItem>["columns"] = [
    {
      title: t("name"),
      dataIndex: "name",
      key: "name",
      sorter: true,
      sortOrder: sort.sortOrder("name"),
      render: (n: string, row) => (
        <Link href={`/api-resources/${row.id}`}>
          <CodeName>{n}</CodeName>
        </Link>
      ),
    },
    ...tenantColumn,
    { title: t("displayName"), dataIndex: "displayName", key: "displayName", render: (v: string | null) => v || "—" },
    { title: t("scopes"), dataIndex: "scopes", key: "scopes", render: tags },
    { title: t("claims"), dataIndex: "userClaims", key: "userClaims", render: tags },
    {
      title: t("status"),
      dataIndex: "enabled",
      key: "enabled",
      render: (on: boolean) => <Tag color={on ? "green" : "red"}>{on ? t("statusEnabled") : t("statusDisabled")}</Tag>,
    },
    createdAtColumn(c("createdAt"), sort),
    {
      title: c("actions"),
      key: "actions",
      render: (_, row) => (
        <Space size="small">
          <Button size="small" type="link" onClick={() => setEditing(row)}>
            {c("edit")}
          </Button>
          <DeleteAction name={row.name} onConfirm={() => remove.mutateAsync({ id: row.id })} />
        </Space>
      ),
    },
  ];
  return (
    <ConsolePage title={t("title")} extra={<ListActions resource="apiResources" filter={input} newLabel={t("new")} onNew={() => setEditing("new")} />}>
      <FilterBar filters={filters}>
        <TextFilter filters={filters} name="name" label={t("filterName")} width={200} />
        <SelectFilter
          filters={filters}
          name="enabled"
          label={t("status")}
          value={enabled}
          options={[
            { value: "true", label: t("statusEnabled") },
            { value: "false", label: t("statusDisabled") },
          ]}
          width={140}
        />
        <DateRangeFilter filters={filters} />
      </FilterBar>
      <ListTable url={url} list={list} columns={columns} emptyTitle={t("emptyTitle")} emptyHint={t("emptyHint")} />
      {editing !== null && (
        <ResourceDrawer key={`${editing === "new" ? "new" : editing.id}-${locale}`} item={editing} onClose={() => setEditing(null)} onSaved={invalidate} />
      )}
    </ConsolePage>
  );
}
