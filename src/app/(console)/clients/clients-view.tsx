"use client";

import { ConsolePage } from "~/components/console-page";
import { ListEmpty } from "~/components/list-empty";
import { useTenantColumn } from "~/components/tenant-column";
import { ExportButton } from "~/components/export-button";
import { App, Button, Card, DatePicker, Input, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import type { TableProps } from "antd";
import { PlusOutlined, ReloadOutlined, SearchOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import Link from "next/link";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { CLIENT_ORDER, type ClientListInput } from "~/lib/validators/client";
import { handleServerError } from "~/components/form-errors";
import { pagingFrom, serverTable, useUrlState } from "~/components/use-url-state";
import { ClientDrawer } from "./client-drawer";

function useListState() {
  const url = useUrlState();
  const paging = pagingFrom(url);
  const enabled = url.oneOf("enabled", ["true", "false"] as const);
  const state = {
    name: url.get("name"),
    enabled,
    orderby: url.oneOf("orderby", CLIENT_ORDER) ?? "createdAt",
    asc: url.get("asc") === "true",
    page: paging.page,
    size: paging.size,
    start: url.get("start"),
    end: url.get("end"),
  };
  return [state, url.set, url] as const;
}

export function ClientsView() {
  const t = useTranslations("client");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [state, set, tableUrl] = useListState();
  const [draft, setDraft] = useState(state.name);
  const [editing, setEditing] = useState<string | "new" | null>(null);

  const input: ClientListInput = {
    name: state.name || undefined,
    enabled: state.enabled === undefined ? undefined : state.enabled === "true",
    orderby: state.orderby,
    asc: state.asc,
    skip: (state.page - 1) * state.size,
    take: state.size,
    startTime: state.start ? dayjs(state.start).startOf("day").toDate() : undefined,
    endTime: state.end ? dayjs(state.end).endOf("day").toDate() : undefined,
  };
  const list = useQuery(trpc.client.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const invalidate = () => qc.invalidateQueries(trpc.client.pathFilter());
  const remove = useMutation(
    trpc.client.delete.mutationOptions({
      onSuccess: () => { void message.success(c("deleted")); return invalidate(); },
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );

  type Row = NonNullable<typeof list.data>["items"][number];
  const sortOrder = (key: string) => (state.orderby === key ? (state.asc ? "ascend" : "descend") : null);
  const tenantColumn = useTenantColumn<Row>();
  const columns: TableProps<Row>["columns"] = [
    {
      title: t("name"),
      dataIndex: "name",
      key: "name",
      sorter: true,
      sortOrder: sortOrder("name"),
      render: (name: string, row) => <Link href={`/clients/${row.id}`} style={{ whiteSpace: "nowrap" }}>{name}</Link>,
    },
    ...tenantColumn,
    { title: t("clientId"), dataIndex: "clientId", key: "clientId", render: (v: string) => <Typography.Text code copyable style={{ whiteSpace: "nowrap" }}>{v}</Typography.Text> },
    {
      title: t("scopes"),
      dataIndex: "scopes",
      key: "scopes",
      render: (scopes: string[]) =>
        scopes.length ? (
          <Space size={[0, 4]} wrap>
            {scopes.slice(0, 4).map((s) => <Tag key={s}>{s}</Tag>)}
            {scopes.length > 4 && <Tag>+{scopes.length - 4}</Tag>}
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    { title: t("secretCount"), dataIndex: "secretCount", key: "secretCount", width: 90 },
    {
      title: t("status"),
      dataIndex: "enabled",
      key: "enabled",
      render: (on: boolean) => <Tag color={on ? "green" : "red"}>{on ? t("statusEnabled") : t("statusDisabled")}</Tag>,
    },
    {
      title: c("createdAt"),
      dataIndex: "createdAt",
      key: "createdAt",
      sorter: true,
      sortOrder: sortOrder("createdAt"),
      render: (d: Date) => dayjs(d).format("YYYY-MM-DD HH:mm"),
    },
    {
      title: c("actions"),
      key: "actions",
      render: (_, row) => (
        <Space size="small">
          <Link href={`/clients/${row.id}`}>{t("open")}</Link>
          <Button size="small" type="link" onClick={() => setEditing(row.id)}>
            {c("edit")}
          </Button>
          <Popconfirm title={c("confirmDelete", { name: row.name })} onConfirm={() => remove.mutateAsync({ id: row.id })} okButtonProps={{ danger: true }}>
            <Button size="small" type="link" danger>
              {c("delete")}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  const applyFilters = () => set({ name: draft.trim(), page: undefined });
  return (
    <ConsolePage
      title={t("title")}
      extra={
        <Space>
          <ExportButton resource="clients" filter={input as Record<string, unknown>} />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")}>
            {t("new")}
          </Button>
        </Space>
      }
    >
      <Card size="small">
        <Space wrap>
          <Input
            aria-label={t("filterName")}
            placeholder={t("filterName")}
            value={draft}
            allowClear
            onChange={(e) => setDraft(e.target.value)}
            onPressEnter={applyFilters}
            style={{ width: 200 }}
          />
          <Select
            aria-label={t("filterEnabled")}
            placeholder={t("filterEnabled")}
            allowClear
            value={state.enabled}
            onChange={(v: "true" | "false" | undefined) => set({ enabled: v, page: undefined })}
            options={[
              { value: "true", label: t("statusEnabled") },
              { value: "false", label: t("statusDisabled") },
            ]}
            style={{ width: 140 }}
          />
          <DatePicker.RangePicker
            aria-label={c("dateRange")}
            value={state.start && state.end ? [dayjs(state.start), dayjs(state.end)] : null}
            onChange={(r) => set({ start: r?.[0]?.format("YYYY-MM-DD"), end: r?.[1]?.format("YYYY-MM-DD"), page: undefined })}
          />
          <Button type="primary" icon={<SearchOutlined />} onClick={applyFilters}>
            {c("search")}
          </Button>
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              setDraft("");
              set({ name: undefined, enabled: undefined, start: undefined, end: undefined, page: undefined });
            }}
          >
            {c("reset")}
          </Button>
        </Space>
      </Card>
      <Card size="small">
        <Table<Row>
          rowKey="id"
          columns={columns}
          dataSource={list.data?.items}
          loading={list.isFetching}
          locale={{
            emptyText: <ListEmpty query={list} title={t("emptyTitle")} hint={t("emptyHint")} />,
          }}
          {...serverTable<Row>(tableUrl, list.data?.total ?? 0, (total) => c("total", { total }))}
        />
      </Card>
      <ClientDrawer key={`${editing ?? "closed"}-${locale}`} id={editing} onClose={() => setEditing(null)} onSaved={invalidate} />
    </ConsolePage>
  );
}
