"use client";

import { Col, Row, Segmented, Select, Skeleton, Statistic, Typography } from "antd";
import { DataTable } from "~/components/data-table";
import { Card } from "~/components/card";
import { useQuery, keepPreviousData, type UseQueryResult } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import dynamic from "next/dynamic";
import { CHART_HEIGHT } from "./chart-style";
import { ConsolePage } from "~/components/console-page";
import { ListEmpty } from "~/components/list-empty";
import { useCan } from "~/components/console-permissions";
import { useUrlState } from "~/components/use-url-state";
import { useTRPC } from "~/trpc/react";
import { DASHBOARD_RANGES } from "~/lib/validators/values";
import type { DashboardRange } from "~/lib/validators/dashboard";
import { useTimeZone } from "~/components/time";

// recharts is most of this page's JavaScript: its drawings load after the page (the values are
// in the cards' summaries and in the tables for screen readers at once).
const DailyPlot = dynamic(() => import("./charts").then((m) => m.DailyPlot), { ssr: false });
const MethodBars = dynamic(() => import("./charts").then((m) => m.MethodBars), { ssr: false });

/** The chart itself is a picture for sighted users; the same values go to screen readers as a table. */
function ChartBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="img" aria-label={label} style={{ width: "100%", height: CHART_HEIGHT }}>
      {children}
    </div>
  );
}

/** The console's home: one card per chart, each with its own range. */
export function DashboardView() {
  const t = useTranslations("dashboard");
  const trpc = useTRPC();
  const url = useUrlState();
  const crossTenant = useCan("uc.tenant.get") === true;
  const tenants = useQuery(trpc.tenant.list.queryOptions({ take: 100 }, { enabled: crossTenant, staleTime: 60_000 }));
  const tenantId = crossTenant ? url.get("tenantId") || undefined : undefined;
  // Days start at the page's midnight (the browser's zone, as every time on the page is shown).
  const tz = useTimeZone();
  const scope = { tenantId, tz };

  return (
    <ConsolePage
      title={t("title")}
      intro={t("intro")}
      extra={
        crossTenant && (
          <Select
            aria-label={t("allTenants")}
            allowClear
            placeholder={t("allTenants")}
            value={tenantId}
            onChange={(v?: string) => url.set({ tenantId: v })}
            options={(tenants.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))}
            style={{ width: 220 }}
            data-testid="dashboard-tenant"
          />
        )
      }
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <UsersCard scope={scope} />
        </Col>
        <Col xs={24} xl={12}>
          <SignInsCard scope={scope} />
        </Col>
        <Col xs={24} xl={12}>
          <FailuresCard scope={scope} />
        </Col>
        <Col xs={24} xl={12}>
          <SessionsCard scope={scope} />
        </Col>
        <Col xs={24} xl={12}>
          <CodesCard scope={scope} />
        </Col>
        <Col xs={24} xl={12}>
          <ErrorsCard scope={scope} />
        </Col>
      </Row>
    </ConsolePage>
  );
}

type Scope = { tenantId?: string; tz: string };

/** A card's range, in the URL (`<key>Days`) so a dashboard view can be bookmarked. */
function useRange(key: string): [DashboardRange, (d: DashboardRange) => void] {
  const url = useUrlState();
  const n = url.num(`${key}Days`, 30);
  const days = (DASHBOARD_RANGES as readonly number[]).includes(n) ? (n as DashboardRange) : 30;
  return [days, (d) => url.set({ [`${key}Days`]: d === 30 ? undefined : d })];
}

function RangePicker({ value, onChange, label }: { value: DashboardRange; onChange: (d: DashboardRange) => void; label: string }) {
  const t = useTranslations("dashboard");
  return (
    <Segmented<DashboardRange>
      size="small"
      aria-label={`${label}: ${t("range")}`}
      value={value}
      onChange={onChange}
      options={DASHBOARD_RANGES.map((d) => ({ value: d, label: t("lastDays", { days: d }) }))}
    />
  );
}

/** Title, range picker, and the chart once its data is there: a skeleton before, the error or an empty state instead. */
function ChartCard<T>({
  id,
  title,
  range,
  query,
  isEmpty,
  summary,
  children,
}: {
  id: string;
  title: string;
  range?: [DashboardRange, (d: DashboardRange) => void];
  query: UseQueryResult<T, unknown>;
  isEmpty: (d: T) => boolean;
  summary: (d: T) => ReactNode;
  children: (d: T) => ReactNode;
}) {
  const t = useTranslations("dashboard");
  const headingId = `dashboard-${id}-title`;
  return (
    <Card
      size="small"
      data-testid={`dashboard-${id}`}
      title={
        <Typography.Title level={2} id={headingId} style={{ fontSize: 16, margin: 0 }}>
          {title}
        </Typography.Title>
      }
      extra={range ? <RangePicker value={range[0]} onChange={range[1]} label={title} /> : undefined}
      styles={{ body: { minHeight: CHART_HEIGHT + 48 } }}
    >
      <section aria-labelledby={headingId} aria-busy={query.isFetching}>
        {query.data === undefined ? (
          query.isError ? (
            <ListEmpty query={query} title={t("noData")} />
          ) : (
            <Skeleton active paragraph={{ rows: 6 }} />
          )
        ) : (
          <>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
              {summary(query.data)}
            </Typography.Paragraph>
            {isEmpty(query.data) ? <ListEmpty query={query} title={t("noData")} /> : children(query.data)}
          </>
        )}
      </section>
    </Card>
  );
}

const visuallyHidden = {
  position: "absolute",
  width: 1,
  height: 1,
  overflow: "hidden",
  clip: "rect(0 0 0 0)",
  whiteSpace: "nowrap",
} as const;

function ValuesTable({ caption, days, columns }: { caption: string; days: string[]; columns: { name: string; counts: number[] }[] }) {
  const t = useTranslations("dashboard");
  return (
    <table style={visuallyHidden}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("day")}</th>
          {columns.map((c) => (
            <th scope="col" key={c.name}>
              {c.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {days.map((d, i) => (
          <tr key={d}>
            <th scope="row">{d}</th>
            {columns.map((c) => (
              <td key={c.name}>{c.counts[i] ?? 0}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Rows for a chart: one per day, a field per line. */
const rowsOf = (days: string[], columns: { name: string; counts: number[] }[]) =>
  days.map((day, i) => ({ day: day.slice(5), ...Object.fromEntries(columns.map((c) => [c.name, c.counts[i] ?? 0])) }));

/** A line per column over the days (the tooltip reads every value of the day under the pointer). */
function DailyChart({
  title,
  days,
  columns,
  kind = "line",
}: {
  title: string;
  days: string[];
  columns: { name: string; counts: number[] }[];
  kind?: "line" | "bar";
}) {
  const t = useTranslations("dashboard");
  return (
    <>
      <ChartBox label={t("chartOf", { title, days: days.length })}>
        <DailyPlot kind={kind} data={rowsOf(days, columns)} lines={columns.map((c) => c.name)} />
      </ChartBox>
      <ValuesTable caption={t("tableOf", { title })} days={days} columns={columns} />
    </>
  );
}

function useLabels() {
  const t = useTranslations("dashboard");
  const known = (group: "methods" | "channels" | "reasons", keys: readonly string[], param: string) => (k: string) =>
    keys.includes(k) ? t(`${group}.${k}` as "methods.password") : t(`${group}.other` as "methods.other", { [param]: k });
  return {
    method: known("methods", ["password", "sms-code", "wechat", "miniprogram"], "method"),
    channel: known("channels", ["sms", "email"], "channel"),
    reason: known("reasons", ["failures", "burst", "device", "admin"], "reason"),
  };
}

function UsersCard({ scope }: { scope: Scope }) {
  const t = useTranslations("dashboard");
  const trpc = useTRPC();
  const range = useRange("users");
  const q = useQuery(trpc.dashboard.users.queryOptions({ ...scope, days: range[0] }, { placeholderData: keepPreviousData }));
  return (
    <ChartCard
      id="users"
      title={t("users.title")}
      range={range}
      query={q}
      isEmpty={(d) => d.total === 0 && d.newInRange === 0}
      summary={(d) =>
        `${t(d.totalEstimated ? "users.totalAbout" : "users.total", { total: d.total })} · ${t("users.newInRange", { count: d.newInRange, days: d.days.length })}`
      }
    >
      {(d) => <DailyChart title={t("users.new")} days={d.days} columns={[{ name: t("users.new"), counts: d.counts }]} kind="bar" />}
    </ChartCard>
  );
}

function SignInsCard({ scope }: { scope: Scope }) {
  const t = useTranslations("dashboard");
  const label = useLabels();
  const trpc = useTRPC();
  const range = useRange("signIns");
  const q = useQuery(trpc.dashboard.signIns.queryOptions({ ...scope, days: range[0] }, { placeholderData: keepPreviousData }));
  return (
    <ChartCard
      id="sign-ins"
      title={t("signIns.title")}
      range={range}
      query={q}
      isEmpty={(d) => d.total === 0}
      summary={(d) => t("signIns.summary", { total: d.total, days: d.days.length })}
    >
      {(d) => <DailyChart title={t("signIns.title")} days={d.days} columns={d.series.map((s) => ({ name: label.method(s.key), counts: s.counts }))} />}
    </ChartCard>
  );
}

function FailuresCard({ scope }: { scope: Scope }) {
  const t = useTranslations("dashboard");
  const label = useLabels();
  const trpc = useTRPC();
  const range = useRange("failures");
  const q = useQuery(trpc.dashboard.failures.queryOptions({ ...scope, days: range[0] }, { placeholderData: keepPreviousData }));
  return (
    <ChartCard
      id="failures"
      title={t("failures.title")}
      range={range}
      query={q}
      isEmpty={(d) => d.totalFailures === 0 && d.totalLocks === 0}
      summary={(d) =>
        [
          t("failures.summary", { failures: d.totalFailures, locks: d.totalLocks, days: d.days.length }),
          ...d.lockReasons.map((r) => `${label.reason(r.reason)} ${r.count}`),
        ].join(" · ")
      }
    >
      {(d) => (
        <DailyChart
          title={t("failures.title")}
          days={d.days}
          columns={[
            { name: t("failures.failures"), counts: d.failures },
            { name: t("failures.locks"), counts: d.locks },
          ]}
        />
      )}
    </ChartCard>
  );
}

function SessionsCard({ scope }: { scope: Scope }) {
  const t = useTranslations("dashboard");
  const label = useLabels();
  const trpc = useTRPC();
  const q = useQuery(trpc.dashboard.sessions.queryOptions(scope, { placeholderData: keepPreviousData }));
  return (
    <ChartCard id="sessions" title={t("sessions.title")} query={q} isEmpty={(d) => d.active === 0} summary={(d) => t("sessions.summary", { count: d.active })}>
      {(d) => (
        <>
          <Statistic title={t("sessions.now")} value={d.active} />
          <ChartBox label={t("sessions.summary", { count: d.active })}>
            <MethodBars data={d.byMethod.map((m) => ({ name: label.method(m.method), count: m.count }))} name={t("sessions.count")} />
          </ChartBox>
        </>
      )}
    </ChartCard>
  );
}

function CodesCard({ scope }: { scope: Scope }) {
  const t = useTranslations("dashboard");
  const label = useLabels();
  const trpc = useTRPC();
  const range = useRange("codes");
  const q = useQuery(trpc.dashboard.codes.queryOptions({ ...scope, days: range[0] }, { placeholderData: keepPreviousData }));
  return (
    <ChartCard
      id="codes"
      title={t("codes.title")}
      range={range}
      query={q}
      isEmpty={(d) => d.total === 0}
      summary={(d) => (
        <>
          {t("codes.summary", { total: d.total, failed: d.failed, days: d.days.length })}
          {d.days.length > d.keptDays && (
            <>
              <br />
              {t("codes.kept", { days: d.keptDays })}
            </>
          )}
        </>
      )}
    >
      {(d) => (
        <DailyChart title={t("codes.title")} days={d.days} columns={d.series.map((s) => ({ name: label.channel(s.key), counts: s.counts }))} kind="bar" />
      )}
    </ChartCard>
  );
}

function ErrorsCard({ scope }: { scope: Scope }) {
  const t = useTranslations("dashboard");
  const e = useTranslations("appErrors");
  const trpc = useTRPC();
  const range = useRange("errors");
  const q = useQuery(trpc.dashboard.errors.queryOptions({ ...scope, days: range[0] }, { placeholderData: keepPreviousData }));
  const name = (code: number) => (e.has(`${code}.name` as "10000.name") ? e(`${code}.name` as "10000.name") : String(code));
  return (
    <ChartCard
      id="errors"
      title={t("errors.title")}
      range={range}
      query={q}
      isEmpty={(d) => d.total === 0}
      summary={(d) => t("errors.summary", { total: d.total, days: range[0] })}
    >
      {(d) => (
        <DataTable
          size="small"
          rowKey="code"
          pagination={false}
          dataSource={d.items}
          columns={[
            {
              title: t("errors.code"),
              dataIndex: "code",
              render: (c: number) => (
                <>
                  <Typography.Text code>{c}</Typography.Text> {name(c)}
                </>
              ),
            },
            { title: t("errors.count"), dataIndex: "count", align: "right", width: 100 },
          ]}
        />
      )}
    </ChartCard>
  );
}
