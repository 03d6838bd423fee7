"use client";

import { ConsolePage } from "~/components/console-page";
import { ListEmpty } from "~/components/list-empty";
import { ExportButton } from "~/components/export-button";
import { App, Button, Card, DatePicker, Input, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import type { TableProps } from "antd";
import { PlusOutlined, ReloadOutlined, SearchOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { TENANT_ORDER, TENANT_STATUSES, type TenantListInput } from "~/lib/validators/tenant";
import { handleServerError } from "~/components/form-errors";
import { pagingFrom, serverTable, useUrlState } from "~/components/use-url-state";
import { TenantDrawer } from "./tenant-drawer";

type Status = (typeof TENANT_STATUSES)[number];
const STATUS_COLOR: Record<Status, string> = { created: "default", enabled: "green", disabled: "red" };

function useListState() {
  const url = useUrlState();
  const paging = pagingFrom(url);
  const state = {
    name: url.get("name"),
    host: url.get("host"),
    status: url.oneOf("status", TENANT_STATUSES),
    orderby: url.oneOf("orderby", TENANT_ORDER) ?? "createdAt",
    asc: url.get("asc") === "true",
    page: paging.page,
    size: paging.size,
    start: url.get("start"),
    end: url.get("end"),
  };
  return [state, url.set, url] as const;
}

export function TenantsView() {
  const t = useTranslations("tenant");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [state, set, tableUrl] = useListState();
  const [draft, setDraft] = useState({ name: state.name, host: state.host });
  const [editing, setEditing] = useState<string | "new" | null>(null);

  const input: TenantListInput = {
    name: state.name || undefined,
    host: state.host || undefined,
    status: state.status,
    orderby: state.orderby,
    asc: state.asc,
    skip: (state.page - 1) * state.size,
    take: state.size,
    startTime: state.start ? dayjs(state.start).startOf("day").toDate() : undefined,
    endTime: state.end ? dayjs(state.end).endOf("day").toDate() : undefined,
  };
  const list = useQuery(trpc.tenant.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const invalidate = () => qc.invalidateQueries(trpc.tenant.pathFilter());

  const setStatus = useMutation(
    trpc.tenant.setStatus.mutationOptions({
      onSuccess: () => { void message.success(c("saved")); return invalidate(); },
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  const remove = useMutation(
    trpc.tenant.delete.mutationOptions({
      onSuccess: () => { void message.success(c("deleted")); return invalidate(); },
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );

  type Row = NonNullable<typeof list.data>["items"][number];
  const sortOrder = (key: string) => (state.orderby === key ? (state.asc ? "ascend" : "descend") : null);
  const columns: TableProps<Row>["columns"] = [
    {
      title: t("name"),
      dataIndex: "name",
      key: "name",
      sorter: true,
      sortOrder: sortOrder("name"),
      render: (name: string, row) => (
        <Space>
          <Button type="link" style={{ padding: 0 }} onClick={() => setEditing(row.id)}>
            {name}
          </Button>
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
    {
      title: t("status"),
      dataIndex: "status",
      key: "status",
      render: (s: Status) => <Tag color={STATUS_COLOR[s]}>{t(`statuses.${s}`)}</Tag>,
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
          {!row.isDefault && (
            <Popconfirm title={c("confirmDelete", { name: row.name })} onConfirm={() => remove.mutateAsync({ id: row.id })} okButtonProps={{ danger: true }}>
              <Button size="small" type="link" danger>
                {c("delete")}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  const applyFilters = () => set({ name: draft.name.trim(), host: draft.host.trim(), page: undefined });

  return (
    <ConsolePage
      title={t("title")}
      extra={
        <Space>
          <ExportButton resource="tenants" filter={input as Record<string, unknown>} />
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
            value={draft.name}
            allowClear
            onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
            onPressEnter={applyFilters}
            style={{ width: 180 }}
          />
          <Input
            aria-label={t("filterHost")}
            placeholder={t("filterHost")}
            value={draft.host}
            allowClear
            onChange={(e) => setDraft((d) => ({ ...d, host: e.target.value }))}
            onPressEnter={applyFilters}
            style={{ width: 180 }}
          />
          <Select
            aria-label={t("status")}
            placeholder={t("filterStatus")}
            allowClear
            value={state.status}
            onChange={(v: Status | undefined) => set({ status: v, page: undefined })}
            options={TENANT_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
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
              setDraft({ name: "", host: "" });
              set({ name: undefined, host: undefined, status: undefined, start: undefined, end: undefined, page: undefined });
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
      <TenantDrawer key={`${editing ?? "closed"}-${locale}`} id={editing} onClose={() => setEditing(null)} onSaved={invalidate} />
    </ConsolePage>
  );
}
