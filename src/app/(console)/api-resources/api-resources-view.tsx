"use client";

import { ConsolePage } from "~/components/console-page";
import { ListEmpty } from "~/components/list-empty";
import { useTenantColumn } from "~/components/tenant-column";
import { ExportButton } from "~/components/export-button";
import { Alert, App, Button, Card, DatePicker, Drawer, Form, Input, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from "antd";
import type { TableProps } from "antd";
import { PlusOutlined, ReloadOutlined, SearchOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { API_ORDER, apiResourceCreateInput, apiResourceUpdateInput, type ApiResourceItem, type ApiResourceListInput } from "~/lib/validators/api";
import { UserPicker } from "~/components/user-picker";
import { handleServerError, parseForm } from "~/components/form-errors";
import { pagingFrom, serverTable, useUrlState } from "~/components/use-url-state";

const tags = (items: string[]) =>
  items.length ? <Space size={[0, 4]} wrap>{items.map((s) => <Tag key={s}>{s}</Tag>)}</Space> : <Typography.Text type="secondary">—</Typography.Text>;

export function ApiResourcesView() {
  const t = useTranslations("apiResource");
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
  const [editing, setEditing] = useState<ApiResourceItem | "new" | null>(null);

  const enabled = url.oneOf("enabled", ["true", "false"] as const);
  const input: ApiResourceListInput = {
    name: url.get("name") || undefined,
    enabled: enabled === undefined ? undefined : enabled === "true",
    orderby,
    asc,
    skip: paging.skip,
    take: paging.take,
    startTime: url.get("start") ? dayjs(url.get("start")).startOf("day").toDate() : undefined,
    endTime: url.get("end") ? dayjs(url.get("end")).endOf("day").toDate() : undefined,
  };
  const list = useQuery(trpc.apiResource.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const invalidate = () => qc.invalidateQueries(trpc.apiResource.pathFilter());
  const remove = useMutation(
    trpc.apiResource.delete.mutationOptions({
      onSuccess: () => { void message.success(c("deleted")); return invalidate(); },
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  const sortOrder = (key: string) => (orderby === key ? (asc ? "ascend" : "descend") : null);
  const tenantColumn = useTenantColumn<ApiResourceItem>();
  const columns: TableProps<ApiResourceItem>["columns"] = [
    {
      title: t("name"), dataIndex: "name", key: "name", sorter: true, sortOrder: sortOrder("name"),
      render: (n: string, row) => <Button type="link" style={{ padding: 0 }} onClick={() => setEditing(row)}><Typography.Text code>{n}</Typography.Text></Button>,
    },
    ...tenantColumn,
    { title: t("displayName"), dataIndex: "displayName", key: "displayName", render: (v: string | null) => v || "—" },
    { title: t("scopes"), dataIndex: "scopes", key: "scopes", render: tags },
    { title: t("claims"), dataIndex: "userClaims", key: "userClaims", render: tags },
    {
      title: t("status"), dataIndex: "enabled", key: "enabled",
      render: (on: boolean) => <Tag color={on ? "green" : "red"}>{on ? t("statusEnabled") : t("statusDisabled")}</Tag>,
    },
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
    <ConsolePage title={t("title")} extra={<Space><ExportButton resource="apiResources" filter={input as Record<string, unknown>} /><Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")}>{t("new")}</Button></Space>}>
      <Card size="small">
        <Space wrap>
          <Input aria-label={t("filterName")} placeholder={t("filterName")} value={draft} allowClear onChange={(e) => setDraft(e.target.value)} onPressEnter={apply} style={{ width: 200 }} />
          <Select
            aria-label={t("status")}
            placeholder={t("status")}
            allowClear
            value={enabled}
            onChange={(v: "true" | "false" | undefined) => url.set({ enabled: v, page: undefined })}
            options={[{ value: "true", label: t("statusEnabled") }, { value: "false", label: t("statusDisabled") }]}
            style={{ width: 140 }}
          />
          <DatePicker.RangePicker
            aria-label={c("dateRange")}
            value={url.get("start") && url.get("end") ? [dayjs(url.get("start")), dayjs(url.get("end"))] : null}
            onChange={(r) => url.set({ start: r?.[0]?.format("YYYY-MM-DD"), end: r?.[1]?.format("YYYY-MM-DD"), page: undefined })}
          />
          <Button type="primary" icon={<SearchOutlined />} onClick={apply}>{c("search")}</Button>
          <Button icon={<ReloadOutlined />} onClick={() => { setDraft(""); url.set({ name: undefined, enabled: undefined, start: undefined, end: undefined, page: undefined }); }}>{c("reset")}</Button>
        </Space>
      </Card>
      <Card size="small">
        <Table<ApiResourceItem>
          rowKey="id"
          columns={columns}
          dataSource={list.data?.items}
          loading={list.isFetching}
          locale={{
            emptyText: <ListEmpty query={list} title={t("emptyTitle")} hint={t("emptyHint")} />,
          }}
          {...serverTable<ApiResourceItem>(url, list.data?.total ?? 0, (total) => c("total", { total }))}
        />
      </Card>
      <ResourceDrawer key={`${editing === null ? "closed" : editing === "new" ? "new" : editing.id}-${locale}`} item={editing} onClose={() => setEditing(null)} onSaved={invalidate} />
    </ConsolePage>
  );
}

interface FormValues { name: string; displayName?: string; description?: string; enabled: boolean; scopes: string[]; userClaims: string[]; owners: string[] }

function ResourceDrawer({ item, onClose, onSaved }: { item: ApiResourceItem | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("apiResource");
  const c = useTranslations("common");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [error, setError] = useState<string | null>(null);
  const existing = item && item !== "new" ? item : null;
  const scopes = useQuery({ ...trpc.apiScope.list.queryOptions({ take: 100, orderby: "name", asc: true }), enabled: item !== null });
  const done = () => { void message.success(c("saved")); void onSaved(); onClose(); };
  const fail = (e: unknown) => setError(handleServerError(form, e));
  const create = useMutation(trpc.apiResource.create.mutationOptions({ onSuccess: done, onError: fail }));
  const update = useMutation(trpc.apiResource.update.mutationOptions({ onSuccess: done, onError: fail }));
  const saving = create.isPending || update.isPending;
  function submit(v: FormValues) {
    setError(null);
    const payload = { ...v, name: v.name ?? "", scopes: v.scopes ?? [], userClaims: v.userClaims ?? [], owners: v.owners ?? [] };
    if (existing) {
      const parsed = parseForm(form, apiResourceUpdateInput, { ...payload, id: existing.id }, locale);
      if (parsed) update.mutate(parsed);
    } else {
      const parsed = parseForm(form, apiResourceCreateInput, payload, locale);
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
      extra={<Space><Button onClick={onClose}>{c("cancel")}</Button><Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="apiresource-save">{c("save")}</Button></Space>}
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        onValuesChange={(changed: Partial<FormValues>) => form.setFields((Object.keys(changed) as (keyof FormValues)[]).map((name) => ({ name, errors: [] })))}
        disabled={saving}
        initialValues={
          existing
            ? { name: existing.name, displayName: existing.displayName ?? "", description: existing.description ?? "", enabled: existing.enabled, scopes: existing.scopes, userClaims: existing.userClaims, owners: existing.owners }
            : { enabled: true, scopes: [], userClaims: [], owners: [] }
        }
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form.Item name="name" label={t("name")} extra={t("nameHelp")} required><Input maxLength={100} autoFocus /></Form.Item>
        <Form.Item name="displayName" label={t("displayName")}><Input maxLength={100} /></Form.Item>
        <Form.Item name="description" label={t("description")}><Input.TextArea rows={2} maxLength={500} showCount /></Form.Item>
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
        <Form.Item name="userClaims" label={t("claims")} extra={t("claimsHelp")}>
          <Select mode="tags" tokenSeparators={[" ", ","]} open={false} suffixIcon={null} aria-label={t("claims")} />
        </Form.Item>
        <Form.Item name="owners" label={t("owners")} extra={t("ownersHelp")}>
          <UserPicker mode="multiple" aria-label={t("owners")} tenantId={existing?.tenantId} data-testid="apiresource-owners" />
        </Form.Item>
        <Form.Item name="enabled" label={t("enabled")} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
