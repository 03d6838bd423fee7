"use client";

import { ConsolePage } from "~/components/console-page";
import { useTenantColumn } from "~/components/tenant-column";
import { DateRangeFilter, FilterBar, SelectFilter, TextFilter, useFilters } from "~/components/filter-bar";
import { DeleteAction, ListActions, ListTable, TagList, createdAtColumn, useRowFeedback } from "~/components/list-table";
import { FormDrawer, useDrawerSave } from "~/components/form-drawer";
import { Alert, Button, Form, Input, Select, Space, Tag, Typography } from "antd";
import type { TableProps } from "antd";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { API_ORDER, identityResourceCreateInput, identityResourceUpdateInput, type IdentityResourceItem, type IdentityResourceListInput } from "~/lib/validators/api";
import { dateRangeFrom, pagingFrom, sortFrom, useUrlState } from "~/components/use-url-state";

export function IdentityResourcesView() {
  const t = useTranslations("identityResource");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const url = useUrlState();
  const paging = pagingFrom(url);
  const sort = sortFrom(url, API_ORDER);
  const filters = useFilters(url, ["name"], ["kind", "start", "end"]);
  const [editing, setEditing] = useState<IdentityResourceItem | "new" | null>(null);

  const kind = url.oneOf("kind", ["standard", "custom"] as const);
  const input: IdentityResourceListInput = {
    name: url.get("name") || undefined,
    standard: kind === undefined ? undefined : kind === "standard",
    orderby: sort.orderby,
    asc: sort.asc,
    skip: paging.skip,
    take: paging.take,
    ...dateRangeFrom(url),
  };
  const list = useQuery(trpc.identityResource.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const invalidate = () => qc.invalidateQueries(trpc.identityResource.pathFilter());
  const feedback = useRowFeedback(invalidate);
  const remove = useMutation(trpc.identityResource.delete.mutationOptions(feedback(c("deleted"))));
  const tenantColumn = useTenantColumn<IdentityResourceItem>();
  const columns: TableProps<IdentityResourceItem>["columns"] = [
    {
      title: t("name"), dataIndex: "name", key: "name", sorter: true, sortOrder: sort.sortOrder("name"),
      render: (n: string, row) => (
        <Space>
          <Button type="link" style={{ padding: 0 }} onClick={() => setEditing(row)}><Typography.Text code>{n}</Typography.Text></Button>
          {row.standard && <Tag color="blue">{t("standard")}</Tag>}
        </Space>
      ),
    },
    ...tenantColumn,
    { title: t("displayName"), dataIndex: "displayName", key: "displayName", render: (v: string | null) => v || "—" },
    { title: t("claims"), dataIndex: "claims", key: "claims", render: (items: string[]) => <TagList items={items} /> },
    createdAtColumn(c("createdAt"), sort),
    {
      title: c("actions"), key: "actions",
      render: (_, row) => (
        <Space size="small">
          <Button size="small" type="link" onClick={() => setEditing(row)}>{c("edit")}</Button>
          {!row.standard && <DeleteAction name={row.name} onConfirm={() => remove.mutateAsync({ id: row.id })} />}
        </Space>
      ),
    },
  ];
  return (
    <ConsolePage title={t("title")} extra={<ListActions resource="identityResources" filter={input} newLabel={t("new")} onNew={() => setEditing("new")} />}>
      <FilterBar filters={filters}>
        <TextFilter filters={filters} name="name" label={t("filterName")} width={200} />
        <SelectFilter
          filters={filters}
          name="kind"
          label={t("filterKind")}
          value={kind}
          options={[{ value: "standard", label: t("standard") }, { value: "custom", label: t("custom") }]}
          width={140}
        />
        <DateRangeFilter filters={filters} />
      </FilterBar>
      <ListTable url={url} list={list} columns={columns} emptyTitle={t("emptyTitle")} emptyHint={t("emptyHint")} />
      <IdentityDrawer key={`${editing === null ? "closed" : editing === "new" ? "new" : editing.id}-${locale}`} item={editing} onClose={() => setEditing(null)} onSaved={invalidate} />
    </ConsolePage>
  );
}

interface FormValues { name: string; displayName?: string; description?: string; claims: string[] }

function IdentityDrawer({ item, onClose, onSaved }: { item: IdentityResourceItem | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("identityResource");
  const trpc = useTRPC();
  const [form] = Form.useForm<FormValues>();
  const save = useDrawerSave(form, onSaved, onClose);
  const existing = item && item !== "new" ? item : null;
  const create = useMutation(trpc.identityResource.create.mutationOptions({ onSuccess: save.done, onError: save.fail }));
  const update = useMutation(trpc.identityResource.update.mutationOptions({ onSuccess: save.done, onError: save.fail }));
  function submit(v: FormValues) {
    const payload = { ...v, name: v.name ?? "", claims: v.claims ?? [] };
    if (existing) save.submit(identityResourceUpdateInput, { ...payload, id: existing.id }, update.mutate);
    else save.submit(identityResourceCreateInput, payload, create.mutate);
  }
  return (
    <FormDrawer<FormValues>
      open={item !== null}
      title={existing ? t("editTitle", { name: existing.name }) : t("new")}
      size={560}
      onClose={onClose}
      saveTestId="identity-save"
      form={form}
      saving={create.isPending || update.isPending}
      error={save.error}
      onFinish={submit}
      clearErrorsOnChange
      initialValues={existing ? { name: existing.name, displayName: existing.displayName ?? "", description: existing.description ?? "", claims: existing.claims } : { claims: [] }}
    >
      {existing?.standard && <Alert type="info" showIcon title={t("standardHelp")} style={{ marginBottom: 16 }} />}
      <Form.Item name="name" label={t("name")} extra={t("nameHelp")} required><Input maxLength={100} autoFocus disabled={existing?.standard} /></Form.Item>
      <Form.Item name="displayName" label={t("displayName")}><Input maxLength={100} /></Form.Item>
      <Form.Item name="description" label={t("description")}><Input.TextArea rows={2} maxLength={500} showCount /></Form.Item>
      <Form.Item name="claims" label={t("claims")} extra={t("claimsHelp")}>
        <Select mode="tags" tokenSeparators={[" ", ","]} open={false} suffixIcon={null} aria-label={t("claims")} />
      </Form.Item>
    </FormDrawer>
  );
}
