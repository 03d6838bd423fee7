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
import { ROLE_ORDER } from "~/lib/validators/values";
import { rolesInput } from "./list-input";
import { useSeededText } from "~/components/use-seeded-text";
import dynamic from "next/dynamic";

// The role form (its fields and their schemas, so zod) loads when it is first opened, not with the list.
const RoleDrawer = dynamic(() => import("./role-drawer").then((m) => m.RoleDrawer), { ssr: false });

export function RolesView() {
  const t = useTranslations("role");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { url, filters, sort } = useListPage({ order: ROLE_ORDER, text: ["name"], others: ["builtIn", "start", "end"] });
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const me = useQuery(trpc.me.get.queryOptions());
  const seeded = useSeededText();

  const builtIn = url.oneOf("builtIn", ["true", "false"] as const);
  const { filter, input } = rolesInput(url);
  const list = useQuery(trpc.role.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const invalidate = () => qc.invalidateQueries(trpc.role.pathFilter());
  const feedback = useRowFeedback(invalidate);
  const remove = useMutation(trpc.role.delete.mutationOptions(feedback(c("deleted"))));

  type Row = NonNullable<typeof list.data>["items"][number];
  const tenantColumn = useTenantColumn<Row>();
  const columns: TableProps<Row>["columns"] = [
    {
      title: t("name"),
      dataIndex: "name",
      key: "name",
      sorter: true,
      sortOrder: sort.sortOrder("name"),
      render: (_: string, row) => (
        <Space wrap>
          {/* A long name wraps in its column instead of running over the next one. */}
          <Link href={`/roles/${row.id}`} style={{ overflowWrap: "anywhere" }}>
            {seeded.roleLabel(row)}
          </Link>
          {row.builtIn ? <Tag color="blue">{t("builtIn")}</Tag> : null}
        </Space>
      ),
    },
    ...tenantColumn,
    {
      title: t("description"),
      dataIndex: "description",
      key: "description",
      ellipsis: true,
      render: (_: string | null, row) => seeded.roleDescription(row) ?? "—",
    },
    {
      title: t("permissions"),
      dataIndex: "permissions",
      key: "permissions",
      render: (p: string[]) => <TagList items={p} max={4} gap={4} empty={t("noPermissions")} />,
    },
    { title: t("memberCount"), dataIndex: "memberCount", key: "memberCount", width: 110 },
    createdAtColumn(c("createdAt"), sort),
    {
      title: c("actions"),
      key: "actions",
      render: (_, row) => (
        <Space size="small">
          <Button size="small" type="link" onClick={() => setEditing(row.id)} data-testid={`edit-${row.name}`}>
            {c("edit")}
          </Button>
          {!row.builtIn && <DeleteAction name={row.name} onConfirm={() => remove.mutateAsync({ id: row.id })} />}
        </Space>
      ),
    },
  ];

  return (
    <ConsolePage
      title={t("title")}
      intro={t("intro")}
      extra={<ListActions resource="roles" filter={filter} newLabel={t("new")} onNew={() => setEditing("new")} />}
    >
      <FilterBar filters={filters}>
        <TextFilter filters={filters} name="name" label={t("filterName")} />
        <SelectFilter
          filters={filters}
          name="builtIn"
          label={t("filterBuiltIn")}
          value={builtIn}
          options={[
            { value: "true", label: t("builtIn") },
            { value: "false", label: t("custom") },
          ]}
          width={180}
        />
        <DateRangeFilter filters={filters} />
      </FilterBar>
      <ListTable url={url} list={list} columns={columns} emptyTitle={t("emptyTitle")} emptyHint={t("emptyHint")} />
      {editing !== null && (
        <RoleDrawer key={`${editing}-${locale}`} id={editing} isOperator={me.data?.isOperator ?? false} onClose={() => setEditing(null)} onSaved={invalidate} />
      )}
    </ConsolePage>
  );
}
