"use client";

import { ConsolePage } from "~/components/console-page";
import { ExportButton } from "~/components/export-button";
import { Empty, Input } from "antd";
import { DataTable } from "~/components/data-table";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { handleServerError } from "~/components/form-errors";
import { PAGE_SIZES, pagingFrom, useUrlState } from "~/components/use-url-state";
import { outboxInput } from "./list-input";
import { useFormatTime } from "~/components/time";

export function OutboxView() {
  const fmt = useFormatTime();
  const t = useTranslations("outbox");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const url = useUrlState();
  const paging = pagingFrom(url);
  const [to, setTo] = useState(url.get("to"));
  const input = outboxInput(url);
  const list = useQuery(trpc.outbox.list.queryOptions(input, { placeholderData: keepPreviousData, refetchInterval: 5000 }));
  return (
    <ConsolePage title={t("title")} intro={t("intro")} extra={<ExportButton resource="outbox" filter={input} />}>
      <Card size="small">
        <Input.Search
          aria-label={t("to")}
          placeholder={t("to")}
          allowClear
          value={to}
          onChange={(e) => setTo(e.target.value)}
          onSearch={(v) => url.set({ to: v.trim(), page: undefined })}
          style={{ maxWidth: 320 }}
        />
      </Card>
      <Card size="small">
        <DataTable
          rowKey="id"
          loading={list.isFetching && !list.data}
          dataSource={list.data?.items}
          locale={{ emptyText: list.isError ? handleServerError(null, list.error) : <Empty description={t("empty")} /> }}
          pagination={{
            current: paging.page,
            pageSize: paging.size,
            total: list.data?.total ?? 0,
            pageSizeOptions: PAGE_SIZES,
            showTotal: (total) => c("total", { total }),
          }}
          onChange={(p) => url.set({ page: p.current && p.current > 1 ? p.current : undefined, size: p.pageSize !== 20 ? p.pageSize : undefined })}
          columns={[
            { title: c("createdAt"), dataIndex: "createdAt", render: (d: Date) => fmt(d, "YYYY-MM-DD HH:mm:ss"), width: 170 },
            {
              title: t("channel"),
              dataIndex: "channel",
              render: (ch: string) => <Tag>{t.has(`channels.${ch}`) ? t(`channels.${ch}` as "channels.sms") : ch}</Tag>,
              width: 90,
            },
            { title: t("to"), dataIndex: "to" },
            { title: t("body"), dataIndex: "body", render: (b: string, r) => <span data-testid="outbox-body">{r.subject ? `${r.subject} — ${b}` : b}</span> },
            {
              title: t("status"),
              dataIndex: "status",
              render: (s: string) => (
                <Tag color={s === "failed" ? "red" : s === "sent" ? "green" : "default"}>
                  {t.has(`statuses.${s}`) ? t(`statuses.${s}` as "statuses.sent") : s}
                </Tag>
              ),
              width: 100,
            },
          ]}
        />
      </Card>
    </ConsolePage>
  );
}
