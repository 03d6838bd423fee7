"use client";

import { useState } from "react";
import dynamic from "next/dynamic";
import { Alert, Col, Empty, Radio, Row, Space, Statistic, Table, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import type { TableProps } from "antd";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { handleServerError } from "~/components/form-errors";
import { useFormatTime } from "~/components/time";
import { STAT_WINDOWS, type GatewayStatRow, type StatWindow } from "~/lib/validators/api-publish";
import type { ApiResourceItem } from "~/lib/validators/api";
import { CHART_HEIGHT, COLORS } from "../../dashboard/chart-style";
import { useSeededText } from "~/components/use-seeded-text";

// recharts loads after the page, as on the dashboard.
const DailyPlot = dynamic(() => import("../../dashboard/charts").then((m) => m.DailyPlot), { ssr: false });

/** Answered green, 4xx orange, 5xx vermillion (the dashboard's colour-blind-safe palette). */
const TRAFFIC_COLORS = [COLORS[2]!, COLORS[1]!, COLORS[5]!];

const percent = (r: number) => `${(r * 100).toFixed(r > 0 && r < 0.001 ? 2 : 1)}%`;

/** Gateway traffic of an API: calls and error rates over 24 hours, 7 or 30 days, per version and per subscription (client). */
export function TrafficTab({ api }: { api: ApiResourceItem }) {
  const t = useTranslations("apiPublish");
  const seeded = useSeededText();
  const trpc = useTRPC();
  const fmt = useFormatTime();
  const [window, setWindow] = useState<StatWindow>("24h");
  const q = useQuery({ ...trpc.apiPublish.gatewayTraffic.queryOptions({ id: api.id, window }), placeholderData: keepPreviousData });
  const d = q.data;
  const names = { ok: t("trafficOk"), client: t("trafficClientErrors"), server: t("trafficServerErrors") };
  const chart = (d?.series ?? []).map((p) => ({
    day: fmt(p.at, d?.bucket === "hour" ? "HH:mm" : "MM-DD"),
    [names.ok]: p.calls - p.clientErrors - p.serverErrors,
    [names.client]: p.clientErrors,
    [names.server]: p.serverErrors,
  }));
  const columns: TableProps<GatewayStatRow>["columns"] = [
    {
      title: t("trafficVersion"),
      key: "version",
      render: (_, r) => (r.version ? <Tag>{r.version}</Tag> : <Typography.Text type="secondary">{t("trafficNoVersion")}</Typography.Text>),
    },
    {
      title: t("trafficClient"),
      key: "client",
      render: (_, r) =>
        r.clientId ? <Typography.Text code>{r.clientId}</Typography.Text> : <Typography.Text type="secondary">{t("trafficNoClient")}</Typography.Text>,
    },
    {
      title: t("trafficSubscription"),
      key: "subscription",
      render: (_, r) =>
        r.subscription ? (
          <Space orientation="vertical" size={0}>
            <span>{r.subscription.product.displayName ?? r.subscription.product.name}</span>
            <Typography.Text type="secondary">
              {seeded.nickname(r.subscription.owner.nickname) ?? r.subscription.owner.userName ?? r.subscription.owner.email ?? r.subscription.owner.id}
            </Typography.Text>
          </Space>
        ) : (
          "—"
        ),
    },
    { title: t("trafficCalls"), key: "calls", align: "right", render: (_, r) => r.calls.toLocaleString() },
    { title: t("trafficClientErrors"), key: "4xx", align: "right", render: (_, r) => r.clientErrors.toLocaleString() },
    { title: t("trafficServerErrors"), key: "5xx", align: "right", render: (_, r) => r.serverErrors.toLocaleString() },
    {
      title: t("trafficErrorRate"),
      key: "rate",
      align: "right",
      render: (_, r) => <Typography.Text type={r.errorRate >= 0.05 ? "danger" : undefined}>{percent(r.errorRate)}</Typography.Text>,
    },
    { title: t("trafficMeanMs"), key: "ms", align: "right", render: (_, r) => `${r.meanMs.toFixed(1)} ms` },
  ];
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="traffic-tab">
      <Space wrap style={{ justifyContent: "space-between", width: "100%" }}>
        <Typography.Text type="secondary">{t("trafficIntro")}</Typography.Text>
        <Radio.Group
          optionType="button"
          value={window}
          onChange={(e) => setWindow(e.target.value as StatWindow)}
          options={STAT_WINDOWS.map((w) => ({ value: w, label: t(`trafficWindow.${w}`) }))}
          data-testid="traffic-window"
        />
      </Space>
      {q.isError && <Alert type="error" showIcon title={handleServerError(null, q.error)} />}
      {d && d.totals.calls === 0 ? (
        <Empty description={t("trafficEmpty")} data-testid="traffic-empty" />
      ) : d ? (
        <>
          <Row gutter={16}>
            <Col xs={12} md={6}>
              <Statistic title={t("trafficCalls")} value={d.totals.calls} data-testid="traffic-total" />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t("trafficErrorRate")} value={percent(d.totals.errorRate)} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t("trafficClientErrors")} value={d.totals.clientErrors} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t("trafficServerErrors")} value={d.totals.serverErrors} />
            </Col>
          </Row>
          <Card size="small" title={t("trafficChart")}>
            <div style={{ height: CHART_HEIGHT }}>
              <DailyPlot data={chart} lines={[names.ok, names.client, names.server]} kind="bar" colors={TRAFFIC_COLORS} />
            </div>
          </Card>
          {d.byVersion.length > 1 && (
            <Space wrap>
              {d.byVersion.map((v) => (
                <Tag key={v.version || "-"}>{`${v.version || t("trafficNoVersion")}: ${v.calls.toLocaleString()} · ${percent(v.errorRate)}`}</Tag>
              ))}
            </Space>
          )}
          <Table<GatewayStatRow>
            rowKey={(r) => `${r.version}\u0000${r.clientId}`}
            size="small"
            loading={q.isFetching}
            dataSource={d.rows}
            columns={columns}
            pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
            data-testid="traffic-rows"
          />
        </>
      ) : null}
    </Space>
  );
}
