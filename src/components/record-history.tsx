"use client";

import { Table, Typography } from "antd";
import { Tag } from "~/components/tag";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import type { AuditItem } from "~/lib/validators/audit";
import { AuditDiff } from "~/components/audit-diff";
import { ListEmpty } from "~/components/list-empty";
import { useCan } from "~/components/console-permissions";
import { useFormatTime } from "~/components/time";

/**
 * A record's history: every audit entry naming it, newest first, each row opening onto its
 * before/after diff. For detail pages' "History" tab; `useHistoryTab` leaves the tab out for
 * callers without `uc.audit.get` (the server refuses them anyway).
 */
export function RecordHistory({ recordId }: { recordId: string }) {
  const fmt = useFormatTime();
  const t = useTranslations("audit");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const [page, setPage] = useState({ current: 1, size: 10 });
  const list = useQuery(
    trpc.audit.list.queryOptions({ recordId, skip: (page.current - 1) * page.size, take: page.size }, { placeholderData: keepPreviousData }),
  );
  return (
    <Table<AuditItem>
      rowKey="id"
      size="small"
      data-testid="record-history"
      loading={list.isFetching}
      dataSource={list.data?.items}
      locale={{ emptyText: <ListEmpty query={list} title={t("historyEmpty")} /> }}
      expandable={{ expandedRowRender: (r) => <AuditDiff before={r.before} after={r.after} />, expandRowByClick: true }}
      pagination={{
        current: page.current,
        pageSize: page.size,
        total: list.data?.total ?? 0,
        showTotal: (total) => c("total", { total }),
        onChange: (current, size) => setPage({ current, size }),
      }}
      columns={[
        { title: t("time"), dataIndex: "createdAt", key: "createdAt", width: 170, render: (d: Date) => fmt(d, "YYYY-MM-DD HH:mm:ss") },
        {
          title: t("actor"),
          dataIndex: "actorName",
          key: "actor",
          render: (n: string | null) => n ?? <Typography.Text type="secondary">{t("anonymous")}</Typography.Text>,
        },
        { title: t("action"), dataIndex: "action", key: "action", render: (a: string) => <Tag>{a}</Tag> },
        { title: t("ip"), dataIndex: "ip", key: "ip", render: (v: string | null) => v ?? "—" },
      ]}
    />
  );
}

/** The "History" tab for a detail page's Tabs, or nothing when the caller may not read the audit log. */
export function useHistoryTab(recordId: string) {
  const t = useTranslations("audit");
  const can = useCan("uc.audit.get");
  return can === false ? [] : [{ key: "history", label: t("history"), children: <RecordHistory recordId={recordId} /> }];
}
