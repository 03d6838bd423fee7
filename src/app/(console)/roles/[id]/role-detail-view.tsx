"use client";

import { useHistoryTab } from "~/components/record-history";
import { DetailPage } from "~/components/detail-page";
import { Descriptions, Empty, Space, Table, Typography } from "antd";
import { Tag } from "~/components/tag";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { PERMISSIONS, RESOURCE_NAMES, type PermissionResource } from "~/lib/permissions";
import { expandCode } from "~/lib/permission-scope";
import { handleServerError } from "~/components/form-errors";
import { useSeededText } from "~/components/use-seeded-text";
import { RoleDrawer } from "../role-drawer";
import { useFormatTime } from "~/components/time";

export function RoleDetailView({ id }: { id: string }) {
  const fmt = useFormatTime();
  const t = useTranslations("role");
  const c = useTranslations("common");
  const en = useLocale() === "en";
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [page, setPage] = useState({ current: 1, size: 20 });
  const me = useQuery(trpc.me.get.queryOptions());
  const seeded = useSeededText();
  const role = useQuery(trpc.role.detail.queryOptions({ id }));
  const history = useHistoryTab(id);
  const members = useQuery(
    trpc.role.members.queryOptions({ id, skip: (page.current - 1) * page.size, take: page.size }, { placeholderData: keepPreviousData }),
  );

  const r = role.data;

  // What the role's codes amount to, by resource (wildcards expanded).
  const granted = new Set(r?.permissions.flatMap(expandCode) ?? []);
  const byResource = [...new Set(PERMISSIONS.map((p) => p.resource))]
    .map((res) => ({ res, codes: PERMISSIONS.filter((p) => p.resource === res && granted.has(p.code)) }))
    .filter((g) => g.codes.length);

  return (
    <DetailPage
      query={role}
      back={{ href: "/roles", label: t("title") }}
      title={
        r && (
          <>
            {t("detailTitle", { name: seeded.roleLabel(r) })}
            {r.builtIn && <Tag color="blue">{t("builtIn")}</Tag>}
          </>
        )
      }
      intro={r ? (seeded.roleDescription(r) ?? undefined) : undefined}
      onEdit={() => setEditing(true)}
      tabs={
        r && [
          {
            key: "permissions",
            label: `${t("permissions")} (${r.permissions.length})`,
            children: (
              <Space orientation="vertical" style={{ width: "100%" }}>
                <Space size={[4, 4]} wrap>
                  {r.permissions.length ? (
                    r.permissions.map((p) => (
                      <Tag key={p} color={p.endsWith(".all") ? "purple" : undefined}>
                        {p}
                      </Tag>
                    ))
                  ) : (
                    <Typography.Text type="secondary">{t("noPermissions")}</Typography.Text>
                  )}
                </Space>
                <Descriptions size="small" column={1} bordered>
                  {byResource.map(({ res, codes }) => (
                    <Descriptions.Item key={res} label={en ? RESOURCE_NAMES[res as PermissionResource].en : RESOURCE_NAMES[res as PermissionResource].zh}>
                      <Space size={[4, 4]} wrap>
                        {codes.map((p) => (
                          <Tag key={p.code} title={p.code}>
                            {en ? p.nameEn : p.nameZh}
                          </Tag>
                        ))}
                      </Space>
                    </Descriptions.Item>
                  ))}
                </Descriptions>
              </Space>
            ),
          },
          {
            key: "claims",
            label: `${t("claims")} (${r.claims.length})`,
            children: (
              <Table
                rowKey={(row) => `${row.type}=${row.value}`}
                size="small"
                pagination={false}
                dataSource={r.claims}
                locale={{ emptyText: <Empty description={t("noClaims")} /> }}
                columns={[
                  { title: t("claimType"), dataIndex: "type" },
                  { title: t("claimValue"), dataIndex: "value" },
                ]}
              />
            ),
          },
          {
            key: "members",
            label: `${t("members")} (${r.memberCount})`,
            children: (
              <Space orientation="vertical" style={{ width: "100%" }}>
                <Typography.Text type="secondary">{t("membersHint")}</Typography.Text>
                <Table
                  rowKey="id"
                  size="small"
                  loading={members.isFetching}
                  dataSource={members.data?.items}
                  locale={{ emptyText: members.isError ? handleServerError(null, members.error) : <Empty description={t("membersEmpty")} /> }}
                  pagination={{
                    current: page.current,
                    pageSize: page.size,
                    total: members.data?.total ?? 0,
                    showTotal: (total) => c("total", { total }),
                    onChange: (current, size) => setPage({ current, size }),
                  }}
                  columns={[
                    { title: t("user"), key: "user", render: (_, u) => seeded.nickname(u.nickname) ?? u.userName ?? "—" },
                    { title: t("phone"), dataIndex: "phone", render: (v: string | null) => v ?? "—" },
                    { title: t("email"), dataIndex: "email", render: (v: string | null) => v ?? "—" },
                    { title: t("status"), dataIndex: "status", render: (s: string) => <Tag>{s}</Tag> },
                    { title: c("createdAt"), dataIndex: "createdAt", render: (d: Date) => fmt(d, "YYYY-MM-DD HH:mm") },
                  ]}
                />
              </Space>
            ),
          },
          ...history,
        ]
      }
    >
      <RoleDrawer
        id={editing ? id : null}
        isOperator={me.data?.isOperator ?? false}
        onClose={() => setEditing(false)}
        onSaved={() => qc.invalidateQueries(trpc.role.pathFilter())}
      />
    </DetailPage>
  );
}
