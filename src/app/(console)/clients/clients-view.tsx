"use client";

import { ConsolePage } from "~/components/console-page";
import { useTenantColumn } from "~/components/tenant-column";
import { DateRangeFilter, FilterBar, SelectFilter, TextFilter } from "~/components/filter-bar";
import { DeleteAction, ListActions, ListTable, TagList, createdAtColumn, useListPage, useRowFeedback } from "~/components/list-page";
import { Button, Space } from "antd";
import { Tag } from "~/components/tag";
import type { TableProps } from "antd";
import Link from "~/components/app-link";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { CLIENT_ORDER } from "~/lib/validators/values";
import { clientsInput } from "./list-input";
import { CopyText } from "~/components/copy-text";
import dynamic from "next/dynamic";

// The client form (its fields and their schemas, so zod) loads when it is first opened, not with the list.
const ClientDrawer = dynamic(() => import("./client-drawer").then((m) => m.ClientDrawer), { ssr: false });

export function ClientsView() {
  const t = useTranslations("client");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { url, filters, sort } = useListPage({ order: CLIENT_ORDER, text: ["name"], others: ["enabled", "start", "end"] });
  const [editing, setEditing] = useState<string | "new" | null>(null);

  const enabled = url.oneOf("enabled", ["true", "false"] as const);
  const input = clientsInput(url);
  const list = useQuery(trpc.client.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const invalidate = () => qc.invalidateQueries(trpc.client.pathFilter());
  const feedback = useRowFeedback(invalidate);
  const remove = useMutation(trpc.client.delete.mutationOptions(feedback(c("deleted"))));

  type Row = NonNullable<typeof list.data>["items"][number];
  const tenantColumn = useTenantColumn<Row>();
  const columns: TableProps<Row>["columns"] = [
    {
      title: t("name"),
      dataIndex: "name",
      key: "name",
      sorter: true,
      sortOrder: sort.sortOrder("name"),
      render: (name: string, row) => (
        <Link href={`/clients/${row.id}`} style={{ whiteSpace: "nowrap" }}>
          {name}
        </Link>
      ),
    },
    ...tenantColumn,
    {
      title: t("clientId"),
      dataIndex: "clientId",
      key: "clientId",
      render: (v: string) => <CopyText code text={v} style={{ whiteSpace: "nowrap" }} />,
    },
    { title: t("scopes"), dataIndex: "scopes", key: "scopes", render: (scopes: string[]) => <TagList items={scopes} max={4} /> },
    { title: t("secretCount"), dataIndex: "secretCount", key: "secretCount", width: 90 },
    {
      title: t("status"),
      dataIndex: "enabled",
      key: "enabled",
      render: (on: boolean) => <Tag color={on ? "green" : "red"}>{on ? t("statusEnabled") : t("statusDisabled")}</Tag>,
    },
    createdAtColumn(c("createdAt"), sort),
    {
      title: c("actions"),
      key: "actions",
      render: (_, row) => (
        <Space size="small">
          <Link href={`/clients/${row.id}`}>{t("open")}</Link>
          <Button size="small" type="link" onClick={() => setEditing(row.id)}>
            {c("edit")}
          </Button>
          <DeleteAction name={row.name} onConfirm={() => remove.mutateAsync({ id: row.id })} />
        </Space>
      ),
    },
  ];

  return (
    <ConsolePage title={t("title")} extra={<ListActions resource="clients" filter={input} newLabel={t("new")} onNew={() => setEditing("new")} />}>
      <FilterBar filters={filters}>
        <TextFilter filters={filters} name="name" label={t("filterName")} width={200} />
        <SelectFilter
          filters={filters}
          name="enabled"
          label={t("filterEnabled")}
          value={enabled}
          options={[
            { value: "true", label: t("statusEnabled") },
            { value: "false", label: t("statusDisabled") },
          ]}
          width={140}
        />
        <DateRangeFilter filters={filters} />
      </FilterBar>
      <ListTable url={url} list={list} columns={columns} emptyTitle={t("emptyTitle")} emptyHint={t("emptyHint")} />
      {editing !== null && <ClientDrawer key={`${editing}-${locale}`} id={editing} onClose={() => setEditing(null)} onSaved={invalidate} />}
    </ConsolePage>
  );
}
