"use client";

import { ConsolePage } from "~/components/console-page";
import { DateRangeFilter, FilterBar, SelectFilter, TextFilter } from "~/components/filter-bar";
import { ListTable, useListPage } from "~/components/list-page";
import { Button, Descriptions, Drawer, Space, Typography } from "antd";
import { Tag } from "~/components/tag";
import type { TableProps } from "antd";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { RESOURCE_NAMES, type PermissionResource } from "~/lib/permissions";
import type { AuditItem } from "~/lib/validators/audit";
import { auditInput } from "./list-input";
import { ExportButton } from "~/components/export-button";
import { AuditDiff } from "~/components/audit-diff";
import { useFormatTime } from "~/components/time";
import { CopyText } from "~/components/copy-text";
import { useSeededText } from "~/components/use-seeded-text";

const TEXT_FILTERS = ["actor", "action", "recordId"] as const;

export function AuditView() {
  const fmt = useFormatTime();
  const seeded = useSeededText();
  const t = useTranslations("audit");
  const c = useTranslations("common");
  const en = useLocale() === "en";
  const trpc = useTRPC();
  const { url, filters } = useListPage({ text: TEXT_FILTERS, others: ["resource", "tenantId", "start", "end"] });
  const [open, setOpen] = useState<AuditItem | null>(null);
  const me = useQuery(trpc.me.get.queryOptions());
  const isOperator = me.data?.isOperator ?? false;
  const tenants = useQuery({ ...trpc.tenant.list.queryOptions({ take: 100 }), enabled: isOperator });

  const { filter, input } = auditInput(url);
  const list = useQuery(trpc.audit.list.queryOptions(input, { placeholderData: keepPreviousData }));

  const resourceName = (action: string) => {
    const r = action.split(".")[0] as PermissionResource;
    return RESOURCE_NAMES[r] ? (en ? RESOURCE_NAMES[r].en : RESOURCE_NAMES[r].zh) : action.split(".")[0];
  };
  const columns: TableProps<AuditItem>["columns"] = [
    {
      title: t("time"),
      dataIndex: "createdAt",
      key: "createdAt",
      width: 170,
      render: (d: Date) => <span style={{ whiteSpace: "nowrap" }}>{fmt(d, "YYYY-MM-DD HH:mm:ss")}</span>,
    },
    ...(isOperator ? [{ title: t("tenant"), dataIndex: "tenantName", key: "tenant", render: (n: string | null) => n ?? "—" }] : []),
    {
      title: t("actor"),
      dataIndex: "actorName",
      key: "actor",
      render: (n: string | null, r) => (
        <>
          {seeded.nickname(n) ??
            (r.actorId ? (
              <Typography.Text code>{r.actorId.slice(0, 8)}</Typography.Text>
            ) : (
              <Typography.Text type="secondary">{t("anonymous")}</Typography.Text>
            ))}
          {r.clientId && <Typography.Text type="secondary"> {t("viaApp", { app: r.clientName ?? r.clientId.slice(0, 8) })}</Typography.Text>}
        </>
      ),
    },
    {
      title: t("action"),
      dataIndex: "action",
      key: "action",
      width: 300,
      // The tag and the code may go on two lines, never across the next column or mid-word.
      render: (a: string) => (
        <Space size={4} wrap>
          <Tag style={{ marginInlineEnd: 0 }}>{resourceName(a)}</Tag>
          <Typography.Text code style={{ whiteSpace: "nowrap" }}>
            {a}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t("recordId"),
      dataIndex: "recordId",
      key: "recordId",
      width: 180,
      ellipsis: true,
      render: (v: string | null) => (v ? <CopyText text={v}>{v.length > 13 ? `${v.slice(0, 13)}…` : v}</CopyText> : "—"),
    },
    { title: t("ip"), dataIndex: "ip", key: "ip", render: (v: string | null) => <span style={{ whiteSpace: "nowrap" }}>{v ?? "—"}</span> },
    {
      title: c("actions"),
      key: "view",
      render: (_, r) => (
        <Button size="small" type="link" onClick={() => setOpen(r)}>
          {t("view")}
        </Button>
      ),
    },
  ];

  return (
    <ConsolePage title={t("title")} intro={t("intro")} extra={<ExportButton resource="audit" filter={filter as Record<string, unknown>} />}>
      <FilterBar filters={filters}>
        <TextFilter filters={filters} name="actor" label={t("filterActor")} width={230} />
        <SelectFilter
          filters={filters}
          name="resource"
          label={t("filterResource")}
          showSearch={{ optionFilterProp: "label" }}
          value={filter.resource}
          options={Object.entries(RESOURCE_NAMES).map(([k, n]) => ({ value: k, label: en ? n.en : n.zh }))}
          width={160}
        />
        <TextFilter filters={filters} name="action" label={t("filterAction")} width={190} />
        <TextFilter filters={filters} name="recordId" label={t("filterRecord")} width={200} />
        {isOperator && (
          <SelectFilter
            filters={filters}
            name="tenantId"
            label={t("tenant")}
            placeholder={t("filterTenant")}
            value={filter.tenantId}
            options={(tenants.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))}
            width={180}
          />
        )}
        <DateRangeFilter filters={filters} label={t("dateRange")} />
      </FilterBar>
      <ListTable
        url={url}
        list={list}
        columns={columns}
        scroll={{ x: 1100 }}
        onRow={(r) => ({ onDoubleClick: () => setOpen(r) })}
        emptyTitle={t("emptyTitle")}
        emptyHint={t("emptyHint")}
      />
      <Drawer open={!!open} title={t("detailTitle")} size={760} onClose={() => setOpen(null)} destroyOnHidden>
        {open && (
          <Space orientation="vertical" style={{ width: "100%" }} size="middle">
            <Descriptions size="small" column={1} bordered styles={{ label: { whiteSpace: "nowrap", width: 120 } }}>
              <Descriptions.Item label={t("time")}>{fmt(open.createdAt, "YYYY-MM-DD HH:mm:ss.SSS")}</Descriptions.Item>
              <Descriptions.Item label={t("tenant")}>{open.tenantName ?? open.tenantId ?? "—"}</Descriptions.Item>
              <Descriptions.Item label={t("actor")}>
                {seeded.nickname(open.actorName) ?? t("anonymous")}{" "}
                {open.actorId && (
                  <Typography.Text type="secondary" copyable>
                    {open.actorId}
                  </Typography.Text>
                )}
                {open.clientId && <Typography.Text type="secondary"> {t("viaApp", { app: open.clientName ?? open.clientId })}</Typography.Text>}
              </Descriptions.Item>
              <Descriptions.Item label={t("action")}>
                <Typography.Text code>{open.action}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t("recordId")}>{open.recordId ? <Typography.Text copyable>{open.recordId}</Typography.Text> : "—"}</Descriptions.Item>
              <Descriptions.Item label={t("ip")}>{open.ip ?? "—"}</Descriptions.Item>
              <Descriptions.Item label={t("userAgent")}>
                <span style={{ wordBreak: "break-word" }}>{open.userAgent ?? "—"}</span>
              </Descriptions.Item>
            </Descriptions>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t("changes")}
            </Typography.Title>
            <AuditDiff before={open.before} after={open.after} />
          </Space>
        )}
      </Drawer>
    </ConsolePage>
  );
}
