"use client";

import { ConsolePage } from "~/components/console-page";
import { useTenantColumn } from "~/components/tenant-column";
import { DateRangeFilter, FilterBar, SelectFilter, TextFilter } from "~/components/filter-bar";
import { CodeName, DeleteAction, ListActions, ListTable, TagList, createdAtColumn, useListPage, useRowFeedback } from "~/components/list-page";
import { FormDrawer, useDrawerSave } from "~/components/form-drawer";
import { CatalogClaimsField, CatalogNameFields, catalogNameValues } from "~/components/api-catalog-fields";
import { Button, Form, Select, Space, Switch, Tag } from "antd";
import type { TableProps } from "antd";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import Link from "~/components/app-link";
import { useTRPC } from "~/trpc/react";
import { API_ORDER } from "~/lib/validators/values";
import { apiResourceCreateInput, apiResourceUpdateInput, type ApiResourceItem } from "~/lib/validators/api";
import { apiResourcesInput } from "./list-input";
import { UserPicker } from "~/components/user-picker";

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
      <ResourceDrawer
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
  enabled: boolean;
  scopes: string[];
  userClaims: string[];
  owners: string[];
}

export function ResourceDrawer({ item, onClose, onSaved }: { item: ApiResourceItem | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("apiResource");
  const trpc = useTRPC();
  const [form] = Form.useForm<FormValues>();
  const save = useDrawerSave(form, onSaved, onClose);
  const existing = item && item !== "new" ? item : null;
  const scopes = useQuery({ ...trpc.apiScope.list.queryOptions({ take: 100, orderby: "name", asc: true }), enabled: item !== null });
  const create = useMutation(trpc.apiResource.create.mutationOptions(save.mutation));
  const update = useMutation(trpc.apiResource.update.mutationOptions(save.mutation));
  function submit(v: FormValues) {
    const payload = { ...v, name: v.name ?? "", scopes: v.scopes ?? [], userClaims: v.userClaims ?? [], owners: v.owners ?? [] };
    if (existing) save.submit(apiResourceUpdateInput, { ...payload, id: existing.id }, update.mutate);
    else save.submit(apiResourceCreateInput, payload, create.mutate);
  }
  return (
    <FormDrawer<FormValues>
      open={item !== null}
      title={existing ? t("editTitle", { name: existing.name }) : t("new")}
      size={560}
      onClose={onClose}
      saveTestId="apiresource-save"
      form={form}
      saving={create.isPending || update.isPending}
      error={save.error}
      onFinish={submit}
      initialValues={
        existing
          ? { ...catalogNameValues(existing), enabled: existing.enabled, scopes: existing.scopes, userClaims: existing.userClaims, owners: existing.owners }
          : { enabled: true, scopes: [], userClaims: [], owners: [] }
      }
    >
      <CatalogNameFields ns="apiResource" />
      <Form.Item name="scopes" label={t("scopes")} extra={scopes.data && !scopes.data.total ? t("noScopes") : t("scopesHelp")}>
        <Select
          mode="multiple"
          allowClear
          loading={scopes.isLoading}
          aria-label={t("scopes")}
          data-testid="apiresource-scopes"
          options={scopes.data?.items.map((s) => ({ value: s.name, label: s.displayName ? `${s.name} — ${s.displayName}` : s.name }))}
        />
      </Form.Item>
      <CatalogClaimsField ns="apiResource" name="userClaims" />
      <Form.Item name="owners" label={t("owners")} extra={t("ownersHelp")}>
        <UserPicker mode="multiple" aria-label={t("owners")} tenantId={existing?.tenantId} data-testid="apiresource-owners" />
      </Form.Item>
      <Form.Item name="enabled" label={t("enabled")} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormDrawer>
  );
}
