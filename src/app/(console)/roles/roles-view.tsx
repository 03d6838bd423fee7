"use client";

import { ConsolePage } from "~/components/console-page";
import { ListEmpty } from "~/components/list-empty";
import { useTenantColumn } from "~/components/tenant-column";
import { App, Button, Card, DatePicker, Input, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import type { TableProps } from "antd";
import { PlusOutlined, ReloadOutlined, SearchOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import Link from "next/link";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { ROLE_ORDER, type RoleListInput } from "~/lib/validators/role";
import { handleServerError } from "~/components/form-errors";
import { pagingFrom, serverTable, useUrlState } from "~/components/use-url-state";
import { ExportButton } from "~/components/export-button";
import { RoleDrawer } from "./role-drawer";

const BUILT_IN = ["true", "false"] as const;

function useListState() {
  const url = useUrlState();
  const paging = pagingFrom(url);
  const state = {
    name: url.get("name"),
    builtIn: url.oneOf("builtIn", BUILT_IN),
    orderby: url.oneOf("orderby", ROLE_ORDER) ?? "createdAt",
    asc: url.get("asc") === "true",
    page: paging.page,
    size: paging.size,
    start: url.get("start"),
    end: url.get("end"),
  };
  return [state, url.set, url] as const;
}

export function RolesView() {
  const t = useTranslations("role");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [state, set, tableUrl] = useListState();
  const [draftName, setDraftName] = useState(state.name);
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const me = useQuery(trpc.me.get.queryOptions());

  const filter: RoleListInput = {
    name: state.name || undefined,
    builtIn: state.builtIn === undefined ? undefined : state.builtIn === "true",
    orderby: state.orderby,
    asc: state.asc,
    startTime: state.start ? dayjs(state.start).startOf("day").toDate() : undefined,
    endTime: state.end ? dayjs(state.end).endOf("day").toDate() : undefined,
  };
  const input: RoleListInput = { ...filter, skip: (state.page - 1) * state.size, take: state.size };
  const list = useQuery(trpc.role.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const invalidate = () => qc.invalidateQueries(trpc.role.pathFilter());
  const remove = useMutation(
    trpc.role.delete.mutationOptions({
      onSuccess: () => {
        void message.success(c("deleted"));
        return invalidate();
      },
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
      render: (name: string, row) => (
        <Space>
          <Link href={`/roles/${row.id}`}>{name}</Link>
          {row.builtIn ? <Tag color="blue">{t("builtIn")}</Tag> : null}
        </Space>
      ),
    },
    ...tenantColumn,
    { title: t("description"), dataIndex: "description", key: "description", ellipsis: true, render: (d: string | null) => d ?? "—" },
    {
      title: t("permissions"),
      dataIndex: "permissions",
      key: "permissions",
      render: (p: string[]) =>
        p.length ? (
          <Space size={[4, 4]} wrap>
            {p.slice(0, 4).map((code) => (
              <Tag key={code}>{code}</Tag>
            ))}
            {p.length > 4 && <Tag>+{p.length - 4}</Tag>}
          </Space>
        ) : (
          <Typography.Text type="secondary">{t("noPermissions")}</Typography.Text>
        ),
    },
    { title: t("memberCount"), dataIndex: "memberCount", key: "memberCount", width: 90 },
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
          <Button size="small" type="link" onClick={() => setEditing(row.id)} data-testid={`edit-${row.name}`}>
            {c("edit")}
          </Button>
          {!row.builtIn && (
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

  const apply = () => set({ name: draftName.trim(), page: undefined });

  return (
    <ConsolePage
      title={t("title")}
      intro={t("intro")}
      extra={
        <Space>
          <ExportButton resource="roles" filter={filter as Record<string, unknown>} />
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
            value={draftName}
            allowClear
            onChange={(e) => setDraftName(e.target.value)}
            onPressEnter={apply}
            style={{ width: 180 }}
          />
          <Select
            aria-label={t("filterBuiltIn")}
            placeholder={t("filterBuiltIn")}
            allowClear
            value={state.builtIn}
            onChange={(v: (typeof BUILT_IN)[number] | undefined) => set({ builtIn: v, page: undefined })}
            options={[
              { value: "true", label: t("builtIn") },
              { value: "false", label: t("custom") },
            ]}
            style={{ width: 160 }}
          />
          <DatePicker.RangePicker
            aria-label={c("dateRange")}
            value={state.start && state.end ? [dayjs(state.start), dayjs(state.end)] : null}
            onChange={(r) => set({ start: r?.[0]?.format("YYYY-MM-DD"), end: r?.[1]?.format("YYYY-MM-DD"), page: undefined })}
          />
          <Button type="primary" icon={<SearchOutlined />} onClick={apply}>
            {c("search")}
          </Button>
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              setDraftName("");
              set({ name: undefined, builtIn: undefined, start: undefined, end: undefined, page: undefined });
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
      <RoleDrawer
        key={`${editing ?? "closed"}-${locale}`}
        id={editing}
        isOperator={me.data?.isOperator ?? false}
        onClose={() => setEditing(null)}
        onSaved={invalidate}
      />
    </ConsolePage>
  );
}
