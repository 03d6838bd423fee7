"use client";

import { ConsolePage } from "~/components/console-page";
import { ExportButton } from "~/components/export-button";
import { App, Button, Card, DatePicker, Empty, Input, Popconfirm, Segmented, Select, Space, Table, Tag, Typography } from "antd";
import type { TableProps } from "antd";
import { DownOutlined, PlusOutlined, ReloadOutlined, SearchOutlined, UpOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import Link from "next/link";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { USER_ORDER, USER_STATUSES, type UserItem, type UserListInput } from "~/lib/validators/user";
import { handleServerError } from "~/components/form-errors";
import { pagingFrom, serverTable, useUrlState } from "~/components/use-url-state";
import { UserDrawer } from "./user-drawer";

type Status = (typeof USER_STATUSES)[number];
const STATUS_COLOR: Record<Status, string> = { active: "green", disabled: "red" };
const TEXT_FILTERS = ["name", "phone", "email", "provider", "providerKey", "claimType", "claimValue"] as const;
/** The farthest the table pages by number: 500 pages of 20 (an offset past it would cost a long scan). */
const PAGED_ROWS = 10_000;
type TextFilter = (typeof TEXT_FILTERS)[number];

export const displayName = (u: Pick<UserItem, "nickname" | "userName" | "phone" | "email">) => u.nickname ?? u.userName ?? u.phone ?? u.email ?? "—";

/**
 * Keyset paging for forward moves: page n+1 is fetched with page n's `nextCursor` (as fast deep
 * in a million users as on page 1); a page reached any other way (a bookmark, a jump) uses skip.
 * Cursors are remembered per filter+sort, so changing either starts over.
 */
function useCursors(key: string) {
  const ref = useRef<{ key: string; byPage: Map<number, string> }>({ key, byPage: new Map() });
  if (ref.current.key !== key) ref.current = { key, byPage: new Map() };
  return ref.current.byPage;
}

export function UsersView() {
  const t = useTranslations("user");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const url = useUrlState();
  const paging = pagingFrom(url);
  const bin = url.get("bin") === "true";
  const orderby = url.oneOf("orderby", USER_ORDER) ?? "createdAt";
  const asc = url.get("asc") === "true";
  const start = url.get("start");
  const end = url.get("end");
  const text = Object.fromEntries(TEXT_FILTERS.map((k) => [k, url.get(k)])) as Record<TextFilter, string>;
  const [draft, setDraft] = useState(text);
  const [more, setMore] = useState(TEXT_FILTERS.slice(3).some((k) => text[k]));
  const [creating, setCreating] = useState(false);

  const roles = useQuery(trpc.user.roleOptions.queryOptions());
  const filters: UserListInput = {
    deleted: bin,
    ...Object.fromEntries(TEXT_FILTERS.map((k) => [k, text[k] || undefined])),
    roleId: url.get("role") || undefined,
    status: url.oneOf("status", USER_STATUSES),
    orderby,
    asc,
    take: paging.take,
    startTime: start ? dayjs(start).startOf("day").toDate() : undefined,
    endTime: end ? dayjs(end).endOf("day").toDate() : undefined,
  };
  const cursors = useCursors(JSON.stringify(filters));
  const cursor = cursors.get(paging.page);
  const list = useQuery(
    trpc.user.list.queryOptions(cursor ? { ...filters, cursor } : { ...filters, skip: paging.skip }, { placeholderData: keepPreviousData }),
  );
  if (list.data?.nextCursor && !list.isPlaceholderData) cursors.set(paging.page + 1, list.data.nextCursor);

  const invalidate = () => qc.invalidateQueries(trpc.user.pathFilter());
  const opts = (done: string) => ({
    onSuccess: () => {
      void message.success(done);
      return invalidate();
    },
    onError: (e: unknown) => void message.error(handleServerError(null, e)),
  });
  const update = useMutation(trpc.user.update.mutationOptions(opts(c("saved"))));
  const remove = useMutation(trpc.user.delete.mutationOptions(opts(c("deleted"))));
  const recycle = useMutation(trpc.user.recycle.mutationOptions(opts(t("restored"))));

  const sortOrder = (key: string) => (orderby === key ? (asc ? "ascend" : "descend") : null);
  const columns: TableProps<UserItem>["columns"] = [
    {
      title: t("userName"),
      dataIndex: "userName",
      key: "userName",
      sorter: true,
      sortOrder: sortOrder("userName"),
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <Link href={`/users/${r.id}`}>{r.userName ?? displayName(r)}</Link>
          {r.nickname && r.userName && <Typography.Text type="secondary">{r.nickname}</Typography.Text>}
        </Space>
      ),
    },
    { title: t("phone"), dataIndex: "phone", key: "phone", sorter: true, sortOrder: sortOrder("phone"), render: (v: string | null) => v ?? "—" },
    { title: t("email"), dataIndex: "email", key: "email", sorter: true, sortOrder: sortOrder("email"), render: (v: string | null) => v ?? "—" },
    {
      title: t("roles"),
      dataIndex: "roles",
      key: "roles",
      render: (rs: UserItem["roles"]) => (rs.length ? rs.map((r) => <Tag key={r.id}>{r.name}</Tag>) : "—"),
    },
    { title: t("status"), dataIndex: "status", key: "status", render: (s: Status) => <Tag color={STATUS_COLOR[s]}>{t(`statuses.${s}`)}</Tag> },
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
      render: (_, r) => {
        const name = displayName(r);
        if (bin)
          return (
            <Popconfirm title={t("confirmRestore", { name })} onConfirm={() => recycle.mutateAsync({ id: r.id })}>
              <Button size="small" type="link">
                {t("restore")}
              </Button>
            </Popconfirm>
          );
        return (
          <Space size="small">
            <Link href={`/users/${r.id}`}>{t("view")}</Link>
            {r.status === "active" ? (
              <Popconfirm
                title={t("confirmDisable", { name })}
                onConfirm={() => update.mutateAsync({ id: r.id, status: "disabled" })}
                okButtonProps={{ danger: true }}
              >
                <Button size="small" type="link">
                  {c("disable")}
                </Button>
              </Popconfirm>
            ) : (
              <Button size="small" type="link" onClick={() => update.mutate({ id: r.id, status: "active" })}>
                {c("enable")}
              </Button>
            )}
            <Popconfirm title={t("confirmDelete", { name })} onConfirm={() => remove.mutateAsync({ id: r.id })} okButtonProps={{ danger: true }}>
              <Button size="small" type="link" danger>
                {c("delete")}
              </Button>
            </Popconfirm>
          </Space>
        );
      },
    },
  ];

  const trimmed = () => Object.fromEntries(TEXT_FILTERS.map((k) => [k, draft[k].trim() || undefined]));
  const apply = () => url.set({ ...trimmed(), page: undefined });
  const input = (k: TextFilter, label: string, width = 180) => (
    <Input
      key={k}
      aria-label={label}
      placeholder={label}
      value={draft[k]}
      allowClear
      onChange={(e) => setDraft((d) => ({ ...d, [k]: e.target.value }))}
      onPressEnter={apply}
      style={{ width }}
    />
  );
  const data = list.data;
  // Past the count's cap the total is the database's estimate; page numbers stop at PAGED_ROWS
  // (farther rows are one sort or filter away), so no page asks for a huge offset.
  const total = data?.totalCapped ? Math.min(data.estimatedTotal ?? data.total, PAGED_ROWS) : (data?.total ?? 0);
  const table = serverTable<UserItem>(url, total, (n) =>
    data?.totalCapped ? t("totalCapped", { total: data.total, estimate: data.estimatedTotal ?? data.total }) : c("total", { total: n }),
  );

  return (
    <ConsolePage
      title={t("title")}
      intro={t("intro")}
      extra={
        <Space>
          <ExportButton resource="users" filter={filters as Record<string, unknown>} />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t("new")}
          </Button>
        </Space>
      }
    >
      <Segmented
        value={bin ? "bin" : "live"}
        onChange={(v) => url.set({ bin: v === "bin", page: undefined })}
        options={[
          { value: "live", label: t("live") },
          { value: "bin", label: t("bin") },
        ]}
      />
      <Card size="small">
        <Space wrap>
          {input("name", t("filterName"))}
          {input("phone", t("filterPhone"))}
          {input("email", t("filterEmail"))}
          <Select
            aria-label={t("roles")}
            placeholder={t("filterRole")}
            allowClear
            value={url.get("role") || undefined}
            onChange={(v: string | undefined) => url.set({ role: v, page: undefined })}
            options={(roles.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
            style={{ width: 150 }}
          />
          <Select
            aria-label={t("status")}
            placeholder={t("filterStatus")}
            allowClear
            value={url.oneOf("status", USER_STATUSES)}
            onChange={(v: Status | undefined) => url.set({ status: v, page: undefined })}
            options={USER_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
            style={{ width: 130 }}
          />
          <DatePicker.RangePicker
            aria-label={c("dateRange")}
            value={start && end ? [dayjs(start), dayjs(end)] : null}
            onChange={(r) => url.set({ start: r?.[0]?.format("YYYY-MM-DD"), end: r?.[1]?.format("YYYY-MM-DD"), page: undefined })}
          />
          {more && (
            <>
              {input("provider", t("filterProvider"), 150)}
              {input("providerKey", t("filterProviderKey"), 200)}
              {input("claimType", t("filterClaimType"), 150)}
              {input("claimValue", t("filterClaimValue"), 150)}
            </>
          )}
          <Button type="primary" icon={<SearchOutlined />} onClick={apply}>
            {c("search")}
          </Button>
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              setDraft(Object.fromEntries(TEXT_FILTERS.map((k) => [k, ""])) as Record<TextFilter, string>);
              url.set({ ...Object.fromEntries(TEXT_FILTERS.map((k) => [k, undefined])), role: undefined, status: undefined, start: undefined, end: undefined, page: undefined });
            }}
          >
            {c("reset")}
          </Button>
          <Button type="link" icon={more ? <UpOutlined /> : <DownOutlined />} onClick={() => setMore((m) => !m)} aria-expanded={more}>
            {t("more")}
          </Button>
        </Space>
      </Card>
      <Card size="small">
        <Table<UserItem>
          rowKey="id"
          columns={columns}
          dataSource={list.data?.items}
          loading={list.isFetching}
          scroll={{ x: 900 }}
          locale={{
            emptyText: list.isError ? (
              <Empty description={handleServerError(null, list.error)}>
                <Button onClick={() => void list.refetch()}>{c("retry")}</Button>
              </Empty>
            ) : bin ? (
              <Empty description={t("emptyBin")} />
            ) : (
              <Empty description={<><div>{t("emptyTitle")}</div><Typography.Text type="secondary">{t("emptyHint")}</Typography.Text></>} />
            ),
          }}
          {...table}
        />
      </Card>
      {creating && <UserDrawer key={locale} onClose={() => setCreating(false)} onSaved={invalidate} />}
    </ConsolePage>
  );
}
