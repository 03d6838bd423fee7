"use client";

import { ConsolePage } from "~/components/console-page";
import { useTenantColumn } from "~/components/tenant-column";
import { DateRangeFilter, FilterBar, TextFilter } from "~/components/filter-bar";
import { CodeName, DeleteAction, ListActions, ListTable, TagList, createdAtColumn, useListPage, useRowFeedback } from "~/components/list-page";
import { Button, Space } from "antd";
import type { TableProps } from "antd";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import Link from "~/components/app-link";
import { useTRPC } from "~/trpc/react";
import { API_ORDER } from "~/lib/validators/values";
import type { ApiScopeItem } from "~/lib/validators/api";
import dynamic from "next/dynamic";
import { apiScopesInput } from "./list-input";

// The form (antd Form, the shared zod schemas) loads when the drawer is first opened, not with the list.
const ScopeDrawer = dynamic(() => import("./scope-drawer").then((m) => m.ScopeDrawer), { ssr: false });

export function ApiScopesView() {
  const t = useTranslations("apiScope");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { url, filters, sort } = useListPage({ order: API_ORDER, text: ["name"], others: ["start", "end"] });
  const [editing, setEditing] = useState<ApiScopeItem | "new" | null>(null);

  const input = apiScopesInput(url);
  const list = useQuery(trpc.apiScope.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const invalidate = () => qc.invalidateQueries(trpc.apiScope.pathFilter());
  const feedback = useRowFeedback(invalidate);
  const remove = useMutation(trpc.apiScope.delete.mutationOptions(feedback(c("deleted"))));
  const tenantColumn = useTenantColumn<ApiScopeItem>();
  const columns: TableProps<ApiScopeItem>["columns"] = [
    {
      title: t("name"),
      dataIndex: "name",
      key: "name",
      sorter: true,
      sortOrder: sort.sortOrder("name"),
      render: (n: string, row) => (
        <Link href={`/api-scopes/${row.id}`}>
          <CodeName>{n}</CodeName>
        </Link>
      ),
    },
    ...tenantColumn,
    { title: t("displayName"), dataIndex: "displayName", key: "displayName", render: (v: string | null) => v || "—" },
    { title: t("claims"), dataIndex: "claims", key: "claims", render: (items: string[]) => <TagList items={items} /> },
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
    <ConsolePage title={t("title")} extra={<ListActions resource="apiScopes" filter={input} newLabel={t("new")} onNew={() => setEditing("new")} />}>
      <FilterBar filters={filters}>
        <TextFilter filters={filters} name="name" label={t("filterName")} width={200} />
        <DateRangeFilter filters={filters} />
      </FilterBar>
      <ListTable url={url} list={list} columns={columns} emptyTitle={t("emptyTitle")} emptyHint={t("emptyHint")} />
      {editing !== null && (
        <ScopeDrawer key={`${editing === "new" ? "new" : editing.id}-${locale}`} item={editing} onClose={() => setEditing(null)} onSaved={invalidate} />
      )}
    </ConsolePage>
  );
}
