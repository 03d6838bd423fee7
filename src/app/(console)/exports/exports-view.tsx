"use client";

import { ConsolePage } from "~/components/console-page";
import { ListEmpty } from "~/components/list-empty";
import { Progress, Select, Space, Typography } from "antd";
import { DataTable } from "~/components/data-table";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import type { TableProps } from "antd";
import type { ReactNode } from "react";
import { DownloadOutlined } from "@ant-design/icons";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { EXPORT_STATUSES } from "~/lib/validators/values";
import type { ExportJobView } from "~/lib/validators/export";
import { exportsInput } from "./list-input";

import { serverTable, useUrlState } from "~/components/use-url-state";
import { useFormatTime } from "~/components/time";

type Status = (typeof EXPORT_STATUSES)[number];
const STATUS_COLOR: Record<Status, string> = { queued: "default", running: "processing", done: "success", failed: "error", cancelled: "warning" };

const nowrap = (v: ReactNode) => <span style={{ whiteSpace: "nowrap" }}>{v}</span>;
const size = (n: number | null) =>
  n === null ? "—" : n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

/** My export jobs; the list refreshes itself while any of them is still running. */
export function ExportsView() {
  const fmt = useFormatTime();
  const t = useTranslations("export");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const url = useUrlState();
  const status = url.oneOf("status", EXPORT_STATUSES);
  const list = useQuery(
    trpc.export.list.queryOptions(exportsInput(url), {
      placeholderData: keepPreviousData,
      refetchInterval: (q) => (q.state.data?.items.some((j) => j.status === "queued" || j.status === "running") ? 1000 : false),
    }),
  );
  const resourceName = (r: string) => (["audit", "roles", "users"].includes(r) ? t(`resources.${r as "audit"}`) : r);

  const columns: TableProps<ExportJobView>["columns"] = [
    { title: t("createdAt"), dataIndex: "createdAt", render: (d: Date) => nowrap(fmt(d, "YYYY-MM-DD HH:mm:ss")) },
    { title: t("resource"), dataIndex: "resource", render: (r: string) => nowrap(resourceName(r)) },
    { title: t("format"), dataIndex: "format", render: (f: string) => <Tag>{f.toUpperCase()}</Tag> },
    {
      title: t("status"),
      dataIndex: "status",
      render: (s: Status, j) => (
        <Tag color={STATUS_COLOR[s]} title={j.error ?? undefined}>
          {t(`statuses.${s}`)}
        </Tag>
      ),
    },
    {
      title: t("progress"),
      key: "progress",
      width: 220,
      render: (_, j) => (
        <Space size="small">
          <Progress
            percent={j.total ? Math.round((j.done / j.total) * 100) : j.status === "done" ? 100 : 0}
            size="small"
            status={j.status === "failed" ? "exception" : j.status === "done" ? "success" : j.status === "cancelled" ? "normal" : "active"}
            style={{ width: 120, margin: 0 }}
          />
          <Typography.Text type="secondary" style={{ whiteSpace: "nowrap" }}>
            {j.done}/{j.total ?? "?"}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t("size"), dataIndex: "size", render: (n: number | null) => nowrap(size(n)) },
    { title: t("finishedAt"), dataIndex: "finishedAt", render: (d: Date | null) => nowrap(d ? fmt(d, "YYYY-MM-DD HH:mm:ss") : "—") },
    {
      title: c("actions"),
      key: "download",
      render: (_, j) =>
        j.status === "done" ? (
          <a href={`/api/exports/${j.id}`} download={j.fileName ?? undefined}>
            <DownloadOutlined /> {j.fileName ?? t("download")}
          </a>
        ) : j.status === "failed" ? (
          <Typography.Text type="danger">{j.error}</Typography.Text>
        ) : null,
    },
  ];

  return (
    <ConsolePage title={t("title")} intro={t("intro")}>
      <Card size="small">
        <Select
          aria-label={t("status")}
          placeholder={t("status")}
          allowClear
          value={status}
          onChange={(v: Status | undefined) => url.set({ status: v, page: undefined })}
          options={EXPORT_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
          style={{ width: 160 }}
        />
      </Card>
      <Card size="small">
        <DataTable<ExportJobView>
          rowKey="id"
          columns={columns}
          dataSource={list.data?.items}
          loading={list.isLoading}
          locale={{
            emptyText: <ListEmpty query={list} title={t("emptyTitle")} hint={t("emptyHint")} />,
          }}
          {...serverTable<ExportJobView>(url, list.data?.total ?? 0, (total) => c("total", { total }))}
        />
      </Card>
    </ConsolePage>
  );
}
