"use client";

import { ConsolePage } from "~/components/console-page";
import { ExportButton } from "~/components/export-button";
import { App, Button, Card, DatePicker, Empty, Input, Popconfirm, Segmented, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import type { TableProps } from "antd";
import { ReloadOutlined, SearchOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { SESSION_ORDER, SESSION_SITES, SESSION_STATES, type SessionItem } from "~/lib/validators/session";
import { handleServerError } from "~/components/form-errors";
import { pagingFrom, serverTable, useUrlState } from "~/components/use-url-state";

const STATE_COLOR: Record<SessionItem["state"], string> = { active: "green", frozen: "blue", offline: "orange", ended: "default" };
const fmt = (d: Date) => dayjs(d).format("YYYY-MM-DD HH:mm");

export function SessionsView() {
  const t = useTranslations("session");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const url = useUrlState();
  const paging = pagingFrom(url);
  const bin = url.get("bin") === "true";
  const [draft, setDraft] = useState({ user: url.get("user"), ip: url.get("ip") });
  const orderby = url.oneOf("orderby", SESSION_ORDER) ?? "createdAt";
  const asc = url.get("asc") === "true";
  const start = url.get("start");
  const end = url.get("end");

  const input = {
        deleted: bin,
        // Operators may narrow to one tenant by link (ignored for everyone else).
        tenantId: url.get("tenantId") || undefined,
        user: url.get("user") || undefined,
        ip: url.get("ip") || undefined,
        state: url.oneOf("state", SESSION_STATES),
        site: url.oneOf("site", SESSION_SITES),
        orderby,
        asc,
        skip: paging.skip,
        take: paging.take,
        startTime: start ? dayjs(start).startOf("day").toDate() : undefined,
        endTime: end ? dayjs(end).endOf("day").toDate() : undefined,
      };
  const list = useQuery(
    trpc.session.list.queryOptions(
      input,
      { placeholderData: keepPreviousData },
    ),
  );
  const opts = {
    onSuccess: () => {
      void message.success(c("saved"));
      return qc.invalidateQueries(trpc.session.pathFilter());
    },
    onError: (e: unknown) => void message.error(handleServerError(null, e)),
  };
  const freeze = useMutation(trpc.session.freeze.mutationOptions(opts));
  const unfreeze = useMutation(trpc.session.unfreeze.mutationOptions(opts));
  const offline = useMutation(trpc.session.offline.mutationOptions(opts));
  const remove = useMutation(trpc.session.delete.mutationOptions(opts));
  const recycle = useMutation(trpc.session.recycle.mutationOptions(opts));
  const purge = useMutation(trpc.session.purge.mutationOptions(opts));

  const sortOrder = (key: string) => (orderby === key ? (asc ? "ascend" : "descend") : null);
  const columns: TableProps<SessionItem>["columns"] = [
    {
      title: t("user"),
      key: "user",
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <span>
            {r.userName ?? "—"} {r.current && <Tag color="blue">{t("current")}</Tag>}
          </span>
          {r.name && <Typography.Text type="secondary">{r.name}</Typography.Text>}
        </Space>
      ),
    },
    { title: t("site"), dataIndex: "site", key: "site", render: (s: SessionItem["site"]) => t(`sites.${s as (typeof SESSION_SITES)[number]}`) },
    { title: t("method"), dataIndex: "method", key: "method", render: (m: string) => <Tag title={m}>{t.has(`methods.${m}`) ? t(`methods.${m}` as "methods.password") : m}</Tag> },
    { title: t("ip"), dataIndex: "ip", key: "ip", render: (ip: string | null) => ip ?? "—" },
    {
      title: t("device"),
      key: "device",
      ellipsis: { showTitle: false },
      render: (_, r) => (
        <Tooltip title={r.userAgent}>
          <span>{r.deviceId ?? r.userAgent ?? "—"}</span>
        </Tooltip>
      ),
    },
    { title: t("state"), dataIndex: "state", key: "state", render: (s: SessionItem["state"]) => <Tag color={STATE_COLOR[s]}>{t(`states.${s}`)}</Tag> },
    { title: c("createdAt"), dataIndex: "createdAt", key: "createdAt", sorter: true, sortOrder: sortOrder("createdAt"), render: fmt },
    { title: t("lastSeen"), dataIndex: "lastSeenAt", key: "lastSeenAt", sorter: true, sortOrder: sortOrder("lastSeenAt"), render: fmt },
    {
      title: c("actions"),
      key: "actions",
      render: (_, r) =>
        bin ? (
          <Space size="small">
            <Button size="small" type="link" onClick={() => recycle.mutate({ id: r.id })}>
              {t("recycle")}
            </Button>
            <Popconfirm title={t("confirmPurge")} okButtonProps={{ danger: true }} onConfirm={() => purge.mutateAsync({ id: r.id })}>
              <Button size="small" type="link" danger>
                {t("purge")}
              </Button>
            </Popconfirm>
          </Space>
        ) : (
          <Space size="small">
            {r.state === "active" && (
              <Button size="small" type="link" onClick={() => freeze.mutate({ id: r.id })}>
                {t("freeze")}
              </Button>
            )}
            {r.state === "frozen" && (
              <Button size="small" type="link" onClick={() => unfreeze.mutate({ id: r.id })}>
                {t("unfreeze")}
              </Button>
            )}
            {(r.state === "active" || r.state === "frozen") && (
              <Popconfirm title={t("confirmOffline")} okButtonProps={{ danger: true }} onConfirm={() => offline.mutateAsync({ id: r.id })}>
                <Button size="small" type="link" danger>
                  {t("offline")}
                </Button>
              </Popconfirm>
            )}
            <Button size="small" type="link" danger onClick={() => remove.mutate({ id: r.id })}>
              {t("delete")}
            </Button>
          </Space>
        ),
    },
  ];

  const apply = () => url.set({ user: draft.user.trim(), ip: draft.ip.trim(), page: undefined });
  return (
    <ConsolePage
      title={t("title")}
      extra={
        <Space>
          <ExportButton resource="sessions" filter={input as Record<string, unknown>} />
          <Segmented
            value={bin ? "bin" : "live"}
            options={[
              { value: "live", label: t("live") },
              { value: "bin", label: t("bin") },
            ]}
            onChange={(v) => url.set({ bin: v === "bin", page: undefined })}
          />
        </Space>
      }
    >
      <Card size="small">
        <Space wrap>
          <Input
            aria-label={t("filterUser")}
            placeholder={t("filterUser")}
            allowClear
            value={draft.user}
            onChange={(e) => setDraft((d) => ({ ...d, user: e.target.value }))}
            onPressEnter={apply}
            style={{ width: 200 }}
          />
          <Input
            aria-label={t("filterIp")}
            placeholder={t("filterIp")}
            allowClear
            value={draft.ip}
            onChange={(e) => setDraft((d) => ({ ...d, ip: e.target.value }))}
            onPressEnter={apply}
            style={{ width: 150 }}
          />
          <Select
            aria-label={t("state")}
            placeholder={t("anyState")}
            allowClear
            value={url.oneOf("state", SESSION_STATES)}
            onChange={(v: string | undefined) => url.set({ state: v, page: undefined })}
            options={SESSION_STATES.map((s) => ({ value: s, label: t(`states.${s}`) }))}
            style={{ width: 130 }}
          />
          <Select
            aria-label={t("site")}
            placeholder={t("anySite")}
            allowClear
            value={url.oneOf("site", SESSION_SITES)}
            onChange={(v: string | undefined) => url.set({ site: v, page: undefined })}
            options={SESSION_SITES.map((s) => ({ value: s, label: t(`sites.${s}`) }))}
            style={{ width: 140 }}
          />
          <DatePicker.RangePicker
            aria-label={c("dateRange")}
            value={start && end ? [dayjs(start), dayjs(end)] : null}
            onChange={(r) => url.set({ start: r?.[0]?.format("YYYY-MM-DD"), end: r?.[1]?.format("YYYY-MM-DD"), page: undefined })}
          />
          <Button type="primary" icon={<SearchOutlined />} onClick={apply}>
            {c("search")}
          </Button>
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              setDraft({ user: "", ip: "" });
              url.set({ user: undefined, ip: undefined, state: undefined, site: undefined, start: undefined, end: undefined, page: undefined });
            }}
          >
            {c("reset")}
          </Button>
        </Space>
      </Card>
      <Card size="small">
        <Table<SessionItem>
          rowKey="id"
          columns={columns}
          dataSource={list.data?.items}
          loading={list.isFetching}
          scroll={{ x: 960 }}
          locale={{
            emptyText: list.isError ? (
              <Empty description={handleServerError(null, list.error)} />
            ) : (
              <Empty description={bin ? t("emptyBin") : t("emptyTitle")} />
            ),
          }}
          {...serverTable<SessionItem>(url, list.data?.total ?? 0, (total) => c("total", { total }))}
        />
      </Card>
    </ConsolePage>
  );
}
