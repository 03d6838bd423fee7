"use client";

import { ConsolePage } from "~/components/console-page";
import { ListEmpty } from "~/components/list-empty";
import { useTenantColumn } from "~/components/tenant-column";
import { ExportButton } from "~/components/export-button";
import { Alert, App, Button, Card, DatePicker, Drawer, Form, Input, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import type { TableProps } from "antd";
import { PlusOutlined, ReloadOutlined, SearchOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { API_ORDER, apiScopeCreateInput, apiScopeUpdateInput, type ApiScopeItem, type ApiScopeListInput } from "~/lib/validators/api";
import { handleServerError, parseForm } from "~/components/form-errors";
import { pagingFrom, serverTable, useUrlState } from "~/components/use-url-state";

const tags = (items: string[]) =>
  items.length ? <Space size={[0, 4]} wrap>{items.map((s) => <Tag key={s}>{s}</Tag>)}</Space> : <Typography.Text type="secondary">—</Typography.Text>;

export function ApiScopesView() {
  const t = useTranslations("apiScope");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const url = useUrlState();
  const paging = pagingFrom(url);
  const orderby = url.oneOf("orderby", API_ORDER) ?? "createdAt";
  const asc = url.get("asc") === "true";
  const [draft, setDraft] = useState(url.get("name"));
  const [editing, setEditing] = useState<ApiScopeItem | "new" | null>(null);

  const input: ApiScopeListInput = {
    name: url.get("name") || undefined,
    orderby,
    asc,
    skip: paging.skip,
    take: paging.take,
    startTime: url.get("start") ? dayjs(url.get("start")).startOf("day").toDate() : undefined,
    endTime: url.get("end") ? dayjs(url.get("end")).endOf("day").toDate() : undefined,
  };
  const list = useQuery(trpc.apiScope.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const invalidate = () => qc.invalidateQueries(trpc.apiScope.pathFilter());
  const remove = useMutation(
    trpc.apiScope.delete.mutationOptions({
      onSuccess: () => { void message.success(c("deleted")); return invalidate(); },
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  const sortOrder = (key: string) => (orderby === key ? (asc ? "ascend" : "descend") : null);
  const tenantColumn = useTenantColumn<ApiScopeItem>();
  const columns: TableProps<ApiScopeItem>["columns"] = [
    {
      title: t("name"), dataIndex: "name", key: "name", sorter: true, sortOrder: sortOrder("name"),
      render: (n: string, row) => <Button type="link" style={{ padding: 0 }} onClick={() => setEditing(row)}><Typography.Text code>{n}</Typography.Text></Button>,
    },
    ...tenantColumn,
    { title: t("displayName"), dataIndex: "displayName", key: "displayName", render: (v: string | null) => v || "—" },
    { title: t("claims"), dataIndex: "claims", key: "claims", render: tags },
    { title: c("createdAt"), dataIndex: "createdAt", key: "createdAt", sorter: true, sortOrder: sortOrder("createdAt"), render: (d: Date) => dayjs(d).format("YYYY-MM-DD HH:mm") },
    {
      title: c("actions"), key: "actions",
      render: (_, row) => (
        <Space size="small">
          <Button size="small" type="link" onClick={() => setEditing(row)}>{c("edit")}</Button>
          <Popconfirm title={c("confirmDelete", { name: row.name })} onConfirm={() => remove.mutateAsync({ id: row.id })} okButtonProps={{ danger: true }}>
            <Button size="small" type="link" danger>{c("delete")}</Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];
  const apply = () => url.set({ name: draft.trim(), page: undefined });
  return (
    <ConsolePage title={t("title")} extra={<Space><ExportButton resource="apiScopes" filter={input as Record<string, unknown>} /><Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")}>{t("new")}</Button></Space>}>
      <Card size="small">
        <Space wrap>
          <Input aria-label={t("filterName")} placeholder={t("filterName")} value={draft} allowClear onChange={(e) => setDraft(e.target.value)} onPressEnter={apply} style={{ width: 200 }} />
          <DatePicker.RangePicker
            aria-label={c("dateRange")}
            value={url.get("start") && url.get("end") ? [dayjs(url.get("start")), dayjs(url.get("end"))] : null}
            onChange={(r) => url.set({ start: r?.[0]?.format("YYYY-MM-DD"), end: r?.[1]?.format("YYYY-MM-DD"), page: undefined })}
          />
          <Button type="primary" icon={<SearchOutlined />} onClick={apply}>{c("search")}</Button>
          <Button icon={<ReloadOutlined />} onClick={() => { setDraft(""); url.set({ name: undefined, start: undefined, end: undefined, page: undefined }); }}>{c("reset")}</Button>
        </Space>
      </Card>
      <Card size="small">
        <Table<ApiScopeItem>
          rowKey="id"
          columns={columns}
          dataSource={list.data?.items}
          loading={list.isFetching}
          locale={{
            emptyText: <ListEmpty query={list} title={t("emptyTitle")} hint={t("emptyHint")} />,
          }}
          {...serverTable<ApiScopeItem>(url, list.data?.total ?? 0, (total) => c("total", { total }))}
        />
      </Card>
      <ScopeDrawer key={`${editing === null ? "closed" : editing === "new" ? "new" : editing.id}-${locale}`} item={editing} onClose={() => setEditing(null)} onSaved={invalidate} />
    </ConsolePage>
  );
}

interface FormValues { name: string; displayName?: string; description?: string; claims: string[] }

function ScopeDrawer({ item, onClose, onSaved }: { item: ApiScopeItem | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("apiScope");
  const c = useTranslations("common");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [error, setError] = useState<string | null>(null);
  const existing = item && item !== "new" ? item : null;
  const done = () => { void message.success(c("saved")); void onSaved(); onClose(); };
  const fail = (e: unknown) => setError(handleServerError(form, e));
  const create = useMutation(trpc.apiScope.create.mutationOptions({ onSuccess: done, onError: fail }));
  const update = useMutation(trpc.apiScope.update.mutationOptions({ onSuccess: done, onError: fail }));
  const saving = create.isPending || update.isPending;
  function submit(v: FormValues) {
    setError(null);
    const payload = { ...v, name: v.name ?? "", claims: v.claims ?? [] };
    if (existing) {
      const parsed = parseForm(form, apiScopeUpdateInput, { ...payload, id: existing.id }, locale);
      if (parsed) update.mutate(parsed);
    } else {
      const parsed = parseForm(form, apiScopeCreateInput, payload, locale);
      if (parsed) create.mutate(parsed);
    }
  }
  return (
    <Drawer
      open={item !== null}
      title={existing ? t("editTitle", { name: existing.name }) : t("new")}
      size={560}
      onClose={onClose}
      destroyOnHidden
      extra={<Space><Button onClick={onClose}>{c("cancel")}</Button><Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="apiscope-save">{c("save")}</Button></Space>}
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        onValuesChange={(changed: Partial<FormValues>) => form.setFields((Object.keys(changed) as (keyof FormValues)[]).map((name) => ({ name, errors: [] })))}
        disabled={saving}
        initialValues={existing ? { name: existing.name, displayName: existing.displayName ?? "", description: existing.description ?? "", claims: existing.claims } : { claims: [] }}
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form.Item name="name" label={t("name")} extra={t("nameHelp")} required><Input maxLength={100} autoFocus /></Form.Item>
        <Form.Item name="displayName" label={t("displayName")}><Input maxLength={100} /></Form.Item>
        <Form.Item name="description" label={t("description")}><Input.TextArea rows={2} maxLength={500} showCount /></Form.Item>
        <Form.Item name="claims" label={t("claims")} extra={t("claimsHelp")}>
          <Select mode="tags" tokenSeparators={[" ", ","]} open={false} suffixIcon={null} aria-label={t("claims")} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
