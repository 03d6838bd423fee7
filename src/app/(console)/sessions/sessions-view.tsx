"use client";

import { ConsolePage } from "~/components/console-page";
import { ExportButton } from "~/components/export-button";
import { DateRangeFilter, FilterBar, SelectFilter, TextFilter } from "~/components/filter-bar";
import { ListTable, createdAtColumn, useListPage } from "~/components/list-page";
import { SessionActions } from "~/components/session-actions";
import { Empty, Segmented, Space, Typography } from "antd";
import { Tag } from "~/components/tag";
import type { TableProps } from "antd";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { SESSION_ORDER, SESSION_SITES, SESSION_STATES } from "~/lib/validators/values";
import type { SessionItem } from "~/lib/validators/session";
import { sessionsInput } from "./list-input";
import { handleServerError } from "~/components/form-errors";
import { SessionClientDetail, SessionDevice, SessionPlace } from "~/components/session-client";
import { useFormatTime } from "~/components/time";
import { useSeededText } from "~/components/use-seeded-text";

const STATE_COLOR: Record<SessionItem["state"], string> = { active: "green", frozen: "blue", offline: "orange", ended: "default" };
const useFmt = () => {
  const f = useFormatTime();
  return (d: Date) => f(d, "YYYY-MM-DD HH:mm");
};

export function SessionsView() {
  const fmt = useFmt();
  const seeded = useSeededText();
  const t = useTranslations("session");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { url, filters, sort } = useListPage({ order: SESSION_ORDER, text: ["user", "ip"], others: ["state", "site", "start", "end"] });
  const bin = url.get("bin") === "true";

  const input = sessionsInput(url);
  const list = useQuery(trpc.session.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const refresh = () => qc.invalidateQueries(trpc.session.pathFilter());

  const columns: TableProps<SessionItem>["columns"] = [
    {
      title: t("user"),
      key: "user",
      width: 150,
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <span>
            {seeded.nickname(r.userName) ?? "—"} {r.current && <Tag color="blue">{t("current")}</Tag>}
          </span>
          {r.name && <Typography.Text type="secondary">{r.name}</Typography.Text>}
        </Space>
      ),
    },
    { title: t("site"), dataIndex: "site", key: "site", width: 110, render: (s: SessionItem["site"]) => t(`sites.${s as (typeof SESSION_SITES)[number]}`) },
    {
      title: t("method"),
      dataIndex: "method",
      key: "method",
      width: 100,
      render: (m: string) => <Tag title={m}>{t.has(`methods.${m}`) ? t(`methods.${m}` as "methods.password") : m}</Tag>,
    },
    {
      title: t("device"),
      key: "device",
      width: 240,
      ellipsis: { showTitle: false },
      render: (_, r) => <SessionDevice session={r} />,
    },
    { title: t("ipPlace"), key: "place", width: 150, render: (_, r) => <SessionPlace session={r} /> },
    {
      title: t("state"),
      dataIndex: "state",
      key: "state",
      width: 90,
      render: (s: SessionItem["state"]) => <Tag color={STATE_COLOR[s]}>{t(`states.${s}`)}</Tag>,
    },
    { ...createdAtColumn(c("createdAt"), sort), width: 150 },
    {
      title: t("lastSeen"),
      dataIndex: "lastSeenAt",
      key: "lastSeenAt",
      width: 150,
      sorter: true,
      sortOrder: sort.sortOrder("lastSeenAt"),
      render: (d: Date) => <span style={{ whiteSpace: "nowrap" }}>{fmt(d)}</span>,
    },
    {
      title: c("actions"),
      key: "actions",
      // Always in view: the table scrolls under it on narrow screens (1440 px with the menu open).
      fixed: "right",
      width: 250,
      render: (_, r) => <SessionActions session={r} bin={bin} onChanged={refresh} />,
    },
  ];

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
      <FilterBar filters={filters}>
        <TextFilter filters={filters} name="user" label={t("filterUser")} width={230} />
        <TextFilter filters={filters} name="ip" label={t("filterIp")} width={150} />
        <SelectFilter
          filters={filters}
          name="state"
          label={t("state")}
          placeholder={t("anyState")}
          value={input.state}
          options={SESSION_STATES.map((s) => ({ value: s, label: t(`states.${s}`) }))}
          width={130}
        />
        <SelectFilter
          filters={filters}
          name="site"
          label={t("site")}
          placeholder={t("anySite")}
          value={input.site}
          options={SESSION_SITES.map((s) => ({ value: s, label: t(`sites.${s}`) }))}
          width={140}
        />
        <DateRangeFilter filters={filters} />
      </FilterBar>
      <ListTable
        url={url}
        list={list}
        columns={columns}
        scroll={{ x: 1440 }}
        expandable={{ expandedRowRender: (r) => <SessionClientDetail session={r} /> }}
        emptyText={list.isError ? <Empty description={handleServerError(null, list.error)} /> : <Empty description={bin ? t("emptyBin") : t("emptyTitle")} />}
      />
    </ConsolePage>
  );
}
