"use client";

import { ConsolePage } from "~/components/console-page";
import { Button, Empty, Input, Select, Space, Statistic, Typography } from "antd";
import { DataTable } from "~/components/data-table";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import type { TableProps } from "antd";
import { ApartmentOutlined, ReloadOutlined, SearchOutlined } from "@ant-design/icons";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import type { z } from "zod";
import { useTRPC } from "~/trpc/react";
import type { teamMember } from "~/lib/validators/team";
import { UserPicker } from "~/components/user-picker";
import { handleServerError } from "~/components/form-errors";
import { serverTable, useUrlState } from "~/components/use-url-state";
import { teamInput } from "./list-input";
import { useFormatTime } from "~/components/time";
import { useSeededText } from "~/components/use-seeded-text";

type Member = z.infer<typeof teamMember>;
const nameOf = (m: Pick<Member, "nickname" | "userName" | "phone" | "email">, nickname: (n: string | null) => string | null) =>
  nickname(m.nickname) ?? m.userName ?? m.phone ?? m.email ?? "—";

/** The referral tree under one member (default: the signed-in user), in tree order with levels. */
export function TeamView() {
  const fmt = useFormatTime();
  const seeded = useSeededText();
  const t = useTranslations("team");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const url = useUrlState();
  const root = url.get("root") || undefined;
  const search = url.get("q");
  const maxLevel = Number(url.get("levels")) || undefined;
  const [draft, setDraft] = useState(search);

  const team = useQuery(trpc.team.list.queryOptions(teamInput(url), { placeholderData: keepPreviousData }));
  const data = team.data;

  const columns: TableProps<Member>["columns"] = [
    {
      title: t("member"),
      key: "member",
      render: (_, m) => (
        <span style={{ paddingLeft: (m.level - 1) * 20 }}>
          {m.level > 1 && <Typography.Text type="secondary">└ </Typography.Text>}
          {nameOf(m, seeded.nickname)}
          {m.userName && m.nickname && <Typography.Text type="secondary"> ({m.userName})</Typography.Text>}
        </span>
      ),
    },
    { title: t("level"), dataIndex: "level", key: "level", render: (l: number) => <Tag color={l === 1 ? "blue" : "default"}>{t("levelN", { level: l })}</Tag> },
    { title: t("direct"), dataIndex: "directCount", key: "directCount", align: "right" },
    { title: t("totalMembers"), dataIndex: "totalCount", key: "totalCount", align: "right" },
    { title: t("phone"), dataIndex: "phone", key: "phone", render: (v: string | null) => v ?? "—" },
    { title: t("joined"), dataIndex: "createdAt", key: "createdAt", render: (d: Date) => fmt(d, "YYYY-MM-DD") },
    {
      title: c("actions"),
      key: "actions",
      render: (_, m) =>
        m.totalCount > 0 ? (
          <Button size="small" type="link" icon={<ApartmentOutlined />} onClick={() => url.set({ root: m.id, page: undefined })}>
            {t("viewTeam")}
          </Button>
        ) : null,
    },
  ];

  return (
    <ConsolePage title={data ? t("root", { name: seeded.nickname(data.root.name) ?? "—" }) : t("title")} intro={t("intro")}>
      <Card size="small">
        <Space wrap size="large">
          <Statistic title={t("direct")} value={data?.root.directCount ?? 0} loading={team.isLoading} />
          <Statistic title={t("totalMembers")} value={data?.root.totalCount ?? 0} loading={team.isLoading} />
        </Space>
      </Card>
      <Card size="small">
        <Space wrap>
          <UserPicker
            aria-label={t("whoseTeam")}
            data-testid="team-root"
            placeholder={t("whoseTeam")}
            value={root ?? data?.root.id}
            known={data ? [{ id: data.root.id, name: data.root.name, userName: null, phone: null, email: null }] : undefined}
            teamWhenRestricted
            onChange={(id) => url.set({ root: id, page: undefined })}
            style={{ width: 280 }}
          />
          <Input
            aria-label={t("search")}
            placeholder={t("search")}
            value={draft}
            allowClear
            onChange={(e) => setDraft(e.target.value)}
            onPressEnter={() => url.set({ q: draft.trim(), page: undefined })}
            style={{ width: 280 }}
          />
          <Select
            aria-label={t("maxLevel")}
            value={maxLevel ?? 0}
            onChange={(v: number) => url.set({ levels: v || undefined, page: undefined })}
            options={[{ value: 0, label: t("allLevels") }, ...[1, 2, 3, 5].map((n) => ({ value: n, label: `≤ ${t("levelN", { level: n })}` }))]}
            style={{ width: 140 }}
          />
          <Button type="primary" icon={<SearchOutlined />} onClick={() => url.set({ q: draft.trim(), page: undefined })}>
            {c("search")}
          </Button>
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              setDraft("");
              url.set({ q: undefined, levels: undefined, page: undefined });
            }}
          >
            {c("reset")}
          </Button>
          {root && (
            <Button type="link" onClick={() => url.set({ root: undefined, page: undefined })}>
              {t("backToMine")}
            </Button>
          )}
        </Space>
      </Card>
      <Card size="small">
        <DataTable<Member>
          rowKey="id"
          columns={columns}
          dataSource={data?.items}
          loading={team.isFetching}
          locale={{
            emptyText: team.isError ? (
              <Empty description={handleServerError(null, team.error)}>
                <Button onClick={() => void team.refetch()}>{c("retry")}</Button>
              </Empty>
            ) : (
              <Empty
                description={
                  <>
                    <div>{t("emptyTitle")}</div>
                    <Typography.Text type="secondary">{t("emptyHint")}</Typography.Text>
                  </>
                }
              />
            ),
          }}
          {...serverTable<Member>(url, data?.total ?? 0, (n) => (data?.totalCapped ? t("totalCapped", { total: n }) : c("total", { total: n })))}
        />
      </Card>
    </ConsolePage>
  );
}
