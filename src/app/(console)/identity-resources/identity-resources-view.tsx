"use client";

import { ConsolePage } from "~/components/console-page";
import { useTenantColumn } from "~/components/tenant-column";
import { DateRangeFilter, FilterBar, SelectFilter, TextFilter } from "~/components/filter-bar";
import { CodeName, DeleteAction, ListActions, ListTable, TagList, createdAtColumn, useListPage, useRowFeedback } from "~/components/list-page";
import { Button, Space } from "antd";
import { Tag } from "~/components/tag";
import type { TableProps } from "antd";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import Link from "~/components/app-link";
import { useTRPC } from "~/trpc/react";
import { API_ORDER } from "~/lib/validators/values";
import type { IdentityResourceItem } from "~/lib/validators/api";
import dynamic from "next/dynamic";
import { useSeededText } from "~/components/use-seeded-text";
import { identityResourcesInput } from "./list-input";

// The form (antd Form, the shared zod schemas) loads when the drawer is first opened, not with the list.
const IdentityDrawer = dynamic(() => import("./identity-drawer").then((m) => m.IdentityDrawer), { ssr: false });

export function IdentityResourcesView() {
  const t = useTranslations("identityResource");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const seeded = useSeededText();
  const qc = useQueryClient();
  const { url, filters, sort } = useListPage({ order: API_ORDER, text: ["name"], others: ["kind", "start", "end"] });
  const [editing, setEditing] = useState<IdentityResourceItem | "new" | null>(null);

  const kind = url.oneOf("kind", ["standard", "custom"] as const);
  const input = identityResourcesInput(url);
  const list = useQuery(trpc.identityResource.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const invalidate = () => qc.invalidateQueries(trpc.identityResource.pathFilter());
  const feedback = useRowFeedback(invalidate);
  const remove = useMutation(trpc.identityResource.delete.mutationOptions(feedback(c("deleted"))));
  const tenantColumn = useTenantColumn<IdentityResourceItem>();
  const columns: TableProps<IdentityResourceItem>["columns"] = [
    {
      title: t("name"),
      dataIndex: "name",
      key: "name",
      sorter: true,
      sortOrder: sort.sortOrder("name"),
      render: (n: string, row) => (
        <Space size={4} style={{ whiteSpace: "nowrap" }}>
          <Link href={`/identity-resources/${row.id}`}>
            <CodeName>{n}</CodeName>
          </Link>
          {row.standard && <Tag color="blue">{t("standard")}</Tag>}
        </Space>
      ),
    },
    ...tenantColumn,
    {
      title: <span style={{ whiteSpace: "nowrap" }}>{t("displayName")}</span>,
      dataIndex: "displayName",
      key: "displayName",
      render: (v: string | null, row) => seeded.identityText(row, "displayName", v) || "—",
    },
    { title: t("claims"), dataIndex: "claims", key: "claims", render: (items: string[]) => <TagList items={items} /> },
    createdAtColumn(c("createdAt"), sort),
    {
      title: c("actions"),
      key: "actions",
      render: (_, row) => (
        <Space size="small">
          <Button size="small" type="link" onClick={() => setEditing(row)}>
            {c("edit")}
          </Button>
          {!row.standard && <DeleteAction name={row.name} onConfirm={() => remove.mutateAsync({ id: row.id })} />}
        </Space>
      ),
    },
  ];
  return (
    <ConsolePage title={t("title")} extra={<ListActions resource="identityResources" filter={input} newLabel={t("new")} onNew={() => setEditing("new")} />}>
      <FilterBar filters={filters}>
        <TextFilter filters={filters} name="name" label={t("filterName")} width={200} />
        <SelectFilter
          filters={filters}
          name="kind"
          label={t("filterKind")}
          value={kind}
          options={[
            { value: "standard", label: t("standard") },
            { value: "custom", label: t("custom") },
          ]}
          width={140}
        />
        <DateRangeFilter filters={filters} />
      </FilterBar>
      <ListTable url={url} list={list} columns={columns} emptyTitle={t("emptyTitle")} emptyHint={t("emptyHint")} />
      {editing !== null && (
        <IdentityDrawer key={`${editing === "new" ? "new" : editing.id}-${locale}`} item={editing} onClose={() => setEditing(null)} onSaved={invalidate} />
      )}
    </ConsolePage>
  );
}
