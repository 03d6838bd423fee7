"use client";

import { ConsolePage } from "~/components/console-page";
import { ListEmpty } from "~/components/list-empty";
import { Button, Card, DatePicker, Descriptions, Drawer, Input, Select, Space, Table, Tag, Typography } from "antd";
import type { TableProps } from "antd";
import { ReloadOutlined, SearchOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { RESOURCE_NAMES, type PermissionResource } from "~/lib/permissions";
import type { AuditItem, AuditListInput } from "~/lib/validators/audit";

import { pagingFrom, serverTable, useUrlState } from "~/components/use-url-state";
import { ExportButton } from "~/components/export-button";
import { AuditDiff } from "./audit-diff";

const TEXT_FILTERS = ["actor", "action", "recordId"] as const;

export function AuditView() {
  const t = useTranslations("audit");
  const c = useTranslations("common");
  const en = useLocale() === "en";
  const trpc = useTRPC();
  const url = useUrlState();
  const paging = pagingFrom(url);
  const [draft, setDraft] = useState(() => Object.fromEntries(TEXT_FILTERS.map((k) => [k, url.get(k)])) as Record<(typeof TEXT_FILTERS)[number], string>);
  const [open, setOpen] = useState<AuditItem | null>(null);
  const me = useQuery(trpc.me.get.queryOptions());
  const isOperator = me.data?.isOperator ?? false;
  const tenants = useQuery({ ...trpc.tenant.list.queryOptions({ take: 100 }), enabled: isOperator });

  const start = url.get("start");
  const end = url.get("end");
  const filter: AuditListInput = {
    actor: url.get("actor") || undefined,
    action: url.get("action") || undefined,
    recordId: url.get("recordId") || undefined,
    resource: url.get("resource") || undefined,
    tenantId: url.get("tenantId") || undefined,
    startTime: start ? dayjs(start).startOf("day").toDate() : undefined,
    endTime: end ? dayjs(end).endOf("day").toDate() : undefined,
  };
  const list = useQuery(trpc.audit.list.queryOptions({ ...filter, skip: paging.skip, take: paging.take }, { placeholderData: keepPreviousData }));

  const resourceName = (action: string) => {
    const r = action.split(".")[0] as PermissionResource;
    return RESOURCE_NAMES[r] ? (en ? RESOURCE_NAMES[r].en : RESOURCE_NAMES[r].zh) : action.split(".")[0];
  };
  const columns: TableProps<AuditItem>["columns"] = [
    { title: t("time"), dataIndex: "createdAt", key: "createdAt", width: 170, render: (d: Date) => <span style={{ whiteSpace: "nowrap" }}>{dayjs(d).format("YYYY-MM-DD HH:mm:ss")}</span> },
    ...(isOperator ? [{ title: t("tenant"), dataIndex: "tenantName", key: "tenant", render: (n: string | null) => n ?? "—" }] : []),
    {
      title: t("actor"),
      dataIndex: "actorName",
      key: "actor",
      render: (n: string | null, r) => n ?? (r.actorId ? <Typography.Text code>{r.actorId.slice(0, 8)}</Typography.Text> : <Typography.Text type="secondary">{t("anonymous")}</Typography.Text>),
    },
    {
      title: t("action"),
      dataIndex: "action",
      key: "action",
      width: 240,
      render: (a: string) => (
        <Space size={4} style={{ whiteSpace: "nowrap" }}>
          <Tag>{resourceName(a)}</Tag>
          <Typography.Text code>{a}</Typography.Text>
        </Space>
      ),
    },
    { title: t("recordId"), dataIndex: "recordId", key: "recordId", ellipsis: true, render: (v: string | null) => (v ? <Typography.Text copyable={{ text: v }}>{v.length > 13 ? `${v.slice(0, 13)}…` : v}</Typography.Text> : "—") },
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

  const apply = () => url.set({ ...Object.fromEntries(TEXT_FILTERS.map((k) => [k, draft[k].trim()])), page: undefined });

  return (
    <ConsolePage title={t("title")} intro={t("intro")} extra={<ExportButton resource="audit" filter={filter as Record<string, unknown>} />}>
      <Card size="small">
        <Space wrap>
          <Input aria-label={t("filterActor")} placeholder={t("filterActor")} value={draft.actor} allowClear onChange={(e) => setDraft((d) => ({ ...d, actor: e.target.value }))} onPressEnter={apply} style={{ width: 200 }} />
          <Select
            aria-label={t("filterResource")}
            placeholder={t("filterResource")}
            allowClear
            showSearch={{ optionFilterProp: "label" }}
            value={url.get("resource") || undefined}
            onChange={(v: string | undefined) => url.set({ resource: v, page: undefined })}
            options={Object.entries(RESOURCE_NAMES).map(([k, n]) => ({ value: k, label: en ? n.en : n.zh }))}
            style={{ width: 160 }}
          />
          <Input aria-label={t("filterAction")} placeholder={t("filterAction")} value={draft.action} allowClear onChange={(e) => setDraft((d) => ({ ...d, action: e.target.value }))} onPressEnter={apply} style={{ width: 170 }} />
          <Input aria-label={t("filterRecord")} placeholder={t("filterRecord")} value={draft.recordId} allowClear onChange={(e) => setDraft((d) => ({ ...d, recordId: e.target.value }))} onPressEnter={apply} style={{ width: 200 }} />
          {isOperator && (
            <Select
              aria-label={t("tenant")}
              placeholder={t("filterTenant")}
              allowClear
              value={url.get("tenantId") || undefined}
              onChange={(v: string | undefined) => url.set({ tenantId: v, page: undefined })}
              options={(tenants.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))}
              style={{ width: 180 }}
            />
          )}
          <DatePicker.RangePicker
            aria-label={t("dateRange")}
            value={start && end ? [dayjs(start), dayjs(end)] : null}
            onChange={(r) => url.set({ start: r?.[0]?.format("YYYY-MM-DD"), end: r?.[1]?.format("YYYY-MM-DD"), page: undefined })}
          />
          <Button type="primary" icon={<SearchOutlined />} onClick={apply}>
            {c("search")}
          </Button>
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              setDraft({ actor: "", action: "", recordId: "" });
              url.set({ actor: undefined, action: undefined, recordId: undefined, resource: undefined, tenantId: undefined, start: undefined, end: undefined, page: undefined });
            }}
          >
            {c("reset")}
          </Button>
        </Space>
      </Card>
      <Card size="small">
        <Table<AuditItem>
          rowKey="id"
          columns={columns}
          dataSource={list.data?.items}
          loading={list.isFetching}
          onRow={(r) => ({ onDoubleClick: () => setOpen(r) })}
          locale={{
            emptyText: <ListEmpty query={list} title={t("emptyTitle")} hint={t("emptyHint")} />,
          }}
          {...serverTable<AuditItem>(url, list.data?.total ?? 0, (total) => c("total", { total }))}
        />
      </Card>
      <Drawer open={!!open} title={t("detailTitle")} size={760} onClose={() => setOpen(null)} destroyOnHidden>
        {open && (
          <Space orientation="vertical" style={{ width: "100%" }} size="middle">
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t("time")}>{dayjs(open.createdAt).format("YYYY-MM-DD HH:mm:ss.SSS")}</Descriptions.Item>
              <Descriptions.Item label={t("tenant")}>{open.tenantName ?? open.tenantId ?? "—"}</Descriptions.Item>
              <Descriptions.Item label={t("actor")}>
                {open.actorName ?? t("anonymous")} {open.actorId && <Typography.Text type="secondary" copyable>{open.actorId}</Typography.Text>}
              </Descriptions.Item>
              <Descriptions.Item label={t("action")}>
                <Typography.Text code>{open.action}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t("recordId")}>{open.recordId ? <Typography.Text copyable>{open.recordId}</Typography.Text> : "—"}</Descriptions.Item>
              <Descriptions.Item label={t("ip")}>{open.ip ?? "—"}</Descriptions.Item>
              <Descriptions.Item label={t("userAgent")}>{open.userAgent ?? "—"}</Descriptions.Item>
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
