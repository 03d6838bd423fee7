"use client";

import { Empty, Table, Typography } from "antd";
import { Tag } from "~/components/tag";
import Link from "~/components/app-link";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { useCan } from "~/components/console-permissions";
import { DetailPage, Facts } from "~/components/detail-page";
import { TagList } from "~/components/list-page";
import { useHistoryTab } from "~/components/record-history";
import type { ApiResourceItem } from "~/lib/validators/api";
import { ResourceDrawer } from "../resource-drawer";
import { useSeededText } from "~/components/use-seeded-text";
import { PublishTab, ReleasesTab, VersionsTab } from "./publishing";
import { SubscribersTab } from "./subscribers";
import { PackagesTab } from "./packages";
import { TrafficTab } from "./traffic";
import { SdksTab } from "./sdks";

export function ApiResourceDetail({ id }: { id: string }) {
  const t = useTranslations("apiResource");
  const p = useTranslations("apiPublish");
  const sub = useTranslations("apiSubscriber");
  const pkg = useTranslations("apiPackage");
  const c = useTranslations("common");
  const locale = useLocale();
  const canVersions = useCan("uc.apiresource.versions") !== false;
  const canReleases = useCan("uc.apiresource.releases") !== false;
  const canPublish = useCan("uc.apiresource.publishconfiguration") !== false;
  const canSubscribers = useCan("uc.apiresource.subscriptions") !== false;
  const canPackages = useCan("uc.apiresource.packages") !== false;
  const canSdks = useCan("uc.codegen.clients") !== false;
  const cg = useTranslations("codegen");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<ApiResourceItem | null>(null);
  const detail = useQuery(trpc.apiResource.detail.queryOptions({ id }));
  const history = useHistoryTab(id);
  const r = detail.data;
  return (
    <>
      <DetailPage
        query={detail}
        back={{ href: "/api-resources", label: t("title") }}
        title={
          r && (
            <>
              <Typography.Text code>{r.name}</Typography.Text>
              {r.displayName}
              <Tag color={r.enabled ? "green" : "red"}>{r.enabled ? t("statusEnabled") : t("statusDisabled")}</Tag>
            </>
          )
        }
        intro={r?.description ?? undefined}
        onEdit={r ? () => setEditing(r) : undefined}
        tabs={
          r && [
            {
              key: "overview",
              label: c("overview"),
              children: (
                <Facts
                  record={r}
                  items={[
                    {
                      label: t("name"),
                      value: (
                        <Typography.Text code copyable>
                          {r.name}
                        </Typography.Text>
                      ),
                    },
                    { label: t("displayName"), value: r.displayName ?? "—" },
                    { label: t("description"), value: r.description ?? "—" },
                    { label: t("status"), value: r.enabled ? t("statusEnabled") : t("statusDisabled") },
                    { label: "ID", value: <Typography.Text copyable>{r.id}</Typography.Text> },
                  ]}
                />
              ),
            },
            { key: "scopes", label: `${t("scopes")} (${r.scopes.length})`, children: <Scopes names={r.scopes} tenantId={r.tenantId} /> },
            {
              key: "claims",
              label: `${t("claims")} (${r.userClaims.length})`,
              children: r.userClaims.length ? <TagList items={r.userClaims} /> : <Empty description={t("noClaims")} />,
            },
            { key: "owners", label: `${t("owners")} (${r.owners.length})`, children: <Owners ids={r.owners} tenantId={r.tenantId} /> },
            ...(canVersions ? [{ key: "versions", label: p("versionsTab"), children: <VersionsTab api={r} /> }] : []),
            ...(canReleases ? [{ key: "releases", label: p("releasesTab"), children: <ReleasesTab api={r} /> }] : []),
            ...(canPublish
              ? [
                  {
                    key: "publishing",
                    label: p("publishTab"),
                    children: <PublishTab api={r} />,
                  },
                ]
              : []),
            ...(canVersions ? [{ key: "traffic", label: p("trafficTab"), children: <TrafficTab api={r} /> }] : []),
            ...(canSubscribers ? [{ key: "subscribers", label: sub("tab"), children: <SubscribersTab api={r} /> }] : []),
            ...(canPackages ? [{ key: "packages", label: pkg("tab"), children: <PackagesTab api={r} /> }] : []),
            ...(canSdks ? [{ key: "sdks", label: cg("tab"), children: <SdksTab api={r} /> }] : []),
            ...history,
          ]
        }
      />
      <ResourceDrawer
        key={`${editing?.id ?? "closed"}-${locale}`}
        item={editing}
        onClose={() => setEditing(null)}
        onSaved={() => qc.invalidateQueries(trpc.apiResource.pathFilter())}
      />
    </>
  );
}

/** The resource's scopes, each linking to its API scope. */
function Scopes({ names, tenantId }: { names: string[]; tenantId: string }) {
  const t = useTranslations("apiResource");
  const s = useTranslations("apiScope");
  const trpc = useTRPC();
  const scopes = useQuery({ ...trpc.apiScope.list.queryOptions({ tenantId, take: 100, orderby: "name", asc: true }), enabled: names.length > 0 });
  const byName = new Map((scopes.data?.items ?? []).map((x) => [x.name, x]));
  return (
    <Table
      rowKey="name"
      size="small"
      pagination={false}
      loading={scopes.isLoading}
      dataSource={names.map((name) => ({ name, scope: byName.get(name) }))}
      locale={{ emptyText: <Empty description={t("noResourceScopes")} /> }}
      columns={[
        {
          title: s("name"),
          key: "name",
          render: (_, row) =>
            row.scope ? (
              <Link href={`/api-scopes/${row.scope.id}`}>
                <Typography.Text code>{row.name}</Typography.Text>
              </Link>
            ) : (
              <Typography.Text code>{row.name}</Typography.Text>
            ),
        },
        { title: s("displayName"), key: "displayName", render: (_, row) => row.scope?.displayName ?? "—" },
        { title: s("claims"), key: "claims", render: (_, row) => <TagList items={row.scope?.claims ?? []} /> },
      ]}
    />
  );
}

/** The owners by name (who may not list users sees their ids). */
function Owners({ ids, tenantId }: { ids: string[]; tenantId: string }) {
  const t = useTranslations("apiResource");
  const trpc = useTRPC();
  const seeded = useSeededText();
  const canList = useCan("uc.user.get") !== false;
  const canOpen = useCan("uc.user.detail") !== false;
  const picked = useQuery({ ...trpc.user.pick.queryOptions({ ids, tenantId }), enabled: canList && ids.length > 0 });
  const byId = new Map((picked.data ?? []).map((u) => [u.id, u]));
  return (
    <Table
      rowKey="id"
      size="small"
      pagination={false}
      loading={picked.isLoading && canList && ids.length > 0}
      dataSource={ids.map((id) => ({ id, user: byId.get(id) }))}
      locale={{ emptyText: <Empty description={t("noOwners")} /> }}
      columns={[
        {
          title: t("owner"),
          key: "name",
          render: (_, row) => {
            const label = row.user ? (seeded.nickname(row.user.name) ?? row.user.userName ?? row.user.phone ?? row.user.email ?? row.id) : row.id;
            return canOpen && row.user ? <Link href={`/users/${row.id}`}>{label}</Link> : label;
          },
        },
        { title: t("ownerPhone"), key: "phone", render: (_, row) => row.user?.phone ?? "—" },
        { title: t("ownerEmail"), key: "email", render: (_, row) => row.user?.email ?? "—" },
      ]}
    />
  );
}
