"use client";

import { ConsolePage } from "~/components/console-page";
import { useTenantColumn } from "~/components/tenant-column";
import { DateRangeFilter, FilterBar, TextFilter } from "~/components/filter-bar";
import { CodeName, DeleteAction, ListActions, ListTable, TagList, createdAtColumn, useListPage, useRowFeedback } from "~/components/list-page";
import { FormDrawer, useDrawerSave } from "~/components/form-drawer";
import { CatalogClaimsField, CatalogNameFields, catalogNameValues } from "~/components/api-catalog-fields";
import { Button, Form, Space } from "antd";
import type { TableProps } from "antd";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import Link from "~/components/app-link";
import { useTRPC } from "~/trpc/react";
import { API_ORDER } from "~/lib/validators/values";
import { apiScopeCreateInput, apiScopeUpdateInput, type ApiScopeItem } from "~/lib/validators/api";
import { apiScopesInput } from "./list-input";

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
      <ScopeDrawer
        key={`${editing === null ? "closed" : editing === "new" ? "new" : editing.id}-${locale}`}
        item={editing}
        onClose={() => setEditing(null)}
        onSaved={invalidate}
      />
    </ConsolePage>
  );
}

interface FormValues {
  name: string;
  displayName?: string;
  description?: string;
  claims: string[];
}

export function ScopeDrawer({ item, onClose, onSaved }: { item: ApiScopeItem | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("apiScope");
  const trpc = useTRPC();
  const [form] = Form.useForm<FormValues>();
  const save = useDrawerSave(form, onSaved, onClose);
  const existing = item && item !== "new" ? item : null;
  const create = useMutation(trpc.apiScope.create.mutationOptions(save.mutation));
  const update = useMutation(trpc.apiScope.update.mutationOptions(save.mutation));
  function submit(v: FormValues) {
    const payload = { ...v, name: v.name ?? "", claims: v.claims ?? [] };
    if (existing) save.submit(apiScopeUpdateInput, { ...payload, id: existing.id }, update.mutate);
    else save.submit(apiScopeCreateInput, payload, create.mutate);
  }
  return (
    <FormDrawer<FormValues>
      open={item !== null}
      title={existing ? t("editTitle", { name: existing.name }) : t("new")}
      size={560}
      onClose={onClose}
      saveTestId="apiscope-save"
      form={form}
      saving={create.isPending || update.isPending}
      error={save.error}
      onFinish={submit}
      initialValues={existing ? { ...catalogNameValues(existing), claims: existing.claims } : { claims: [] }}
    >
      <CatalogNameFields ns="apiScope" />
      <CatalogClaimsField ns="apiScope" name="claims" />
    </FormDrawer>
  );
}
