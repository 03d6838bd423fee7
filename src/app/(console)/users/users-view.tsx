"use client";

import { ConsolePage } from "~/components/console-page";
import { DateRangeFilter, FilterBar, SelectFilter, TextFilter } from "~/components/filter-bar";
import { DeleteAction, ListActions, ListTable, createdAtColumn, useListPage, useRowFeedback } from "~/components/list-page";
import { Button, Segmented, Space, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Popconfirm } from "~/components/lazy-popconfirm";
import type { TableProps } from "antd";
import { DownOutlined, UpOutlined, UploadOutlined } from "@ant-design/icons";
import Link from "~/components/app-link";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useCallback, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { USER_ORDER, USER_STATUSES } from "~/lib/validators/values";
import type { UserItem } from "~/lib/validators/user";
import { TEXT_FILTERS, usersInput } from "./list-input";
import { useCan } from "~/components/console-permissions";
import { BulkJobs } from "./bulk-jobs";
import { useSeededText } from "~/components/use-seeded-text";
import dynamic from "next/dynamic";

// The "new user" form loads when it is first opened, not with the list.
const UserDrawer = dynamic(() => import("./user-drawer").then((m) => m.UserDrawer), { ssr: false });
// So does the import dialog (antd's upload, the preview table): when its button is first pressed.
// And the bar of bulk actions (its dialogs, the date picker, the shared zod schemas): with the first row selected.
const BulkBar = dynamic(() => import("./bulk-actions").then((m) => m.BulkBar), { ssr: false });
const UserImportDialog = dynamic(() => import("./user-import").then((m) => m.UserImportDialog), { ssr: false });

type Status = (typeof USER_STATUSES)[number];
const STATUS_COLOR: Record<Status, string> = { active: "green", disabled: "red" };
/** The farthest the table pages by number: 500 pages of 20 (an offset past it would cost a long scan). */
const PAGED_ROWS = 10_000;

export const displayName = (u: Pick<UserItem, "nickname" | "userName" | "phone" | "email">) => u.nickname ?? u.userName ?? u.phone ?? u.email ?? "—";

/**
 * Keyset paging for forward moves: page n+1 is fetched with page n's `nextCursor` (as fast deep
 * in a million users as on page 1); a page reached any other way (a bookmark, a jump) uses skip.
 * Cursors are remembered per filter+sort, so changing either starts over.
 */
function useCursors(key: string) {
  // A new map whenever the filter or sort changes (state adjusted during render); filled in as pages arrive.
  const [held, setHeld] = useState(() => ({ key, byPage: new Map<number, string>() }));
  if (held.key === key) return held.byPage;
  const fresh = { key, byPage: new Map<number, string>() };
  setHeld(fresh);
  return fresh.byPage;
}

/**
 * The rows chosen for a bulk action, or `all` (every user the filter matches, Gmail's "select all
 * N"). A new filter starts a new selection (state adjusted during render); pages keep it.
 */
function useSelection(key: string) {
  const [held, setHeld] = useState({ key, ids: [] as string[], all: false });
  const current = held.key === key ? held : { key, ids: [] as string[], all: false };
  if (current !== held) setHeld(current);
  return { ids: current.ids, all: current.all, set: (ids: string[], all: boolean) => setHeld({ key, ids, all }) };
}

export function UsersView() {
  const t = useTranslations("user");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const seeded = useSeededText();
  const qc = useQueryClient();
  const { url, filters, sort, paging } = useListPage({ order: USER_ORDER, text: TEXT_FILTERS, others: ["role", "status", "start", "end"] });
  const bin = url.get("bin") === "true";
  const [more, setMore] = useState(TEXT_FILTERS.slice(3).some((k) => url.get(k)));
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);

  const roles = useQuery(trpc.user.roleOptions.queryOptions());
  const input = usersInput(url);
  const cursors = useCursors(JSON.stringify(input));
  const cursor = cursors.get(paging.page);
  const list = useQuery(trpc.user.list.queryOptions(cursor ? { ...input, cursor } : { ...input, skip: paging.skip }, { placeholderData: keepPreviousData }));
  if (list.data?.nextCursor && !list.isPlaceholderData) cursors.set(paging.page + 1, list.data.nextCursor);

  const invalidate = useCallback(() => qc.invalidateQueries(trpc.user.pathFilter()), [qc, trpc]);
  // The import creates users: it needs user.create's permission too (the server checks both).
  const mayImport = useCan("uc.user.import");
  const mayCreate = useCan("uc.user.post");
  const canImport = mayImport && mayCreate;
  const selection = useSelection(JSON.stringify({ ...input, take: undefined }));
  const feedback = useRowFeedback(invalidate);
  const update = useMutation(trpc.user.update.mutationOptions(feedback(c("saved"))));
  const remove = useMutation(trpc.user.delete.mutationOptions(feedback(c("deleted"))));
  const recycle = useMutation(trpc.user.recycle.mutationOptions(feedback(t("restored"))));

  const sortOrder = sort.sortOrder;
  const columns: TableProps<UserItem>["columns"] = [
    {
      title: t("userName"),
      dataIndex: "userName",
      key: "userName",
      sorter: true,
      sortOrder: sortOrder("userName"),
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <Link href={`/users/${r.id}`}>{r.userName ?? displayName(r)}</Link>
          {r.nickname && r.userName && <Typography.Text type="secondary">{seeded.nickname(r.nickname)}</Typography.Text>}
        </Space>
      ),
    },
    { title: t("phone"), dataIndex: "phone", key: "phone", sorter: true, sortOrder: sortOrder("phone"), render: (v: string | null) => v ?? "—" },
    { title: t("email"), dataIndex: "email", key: "email", sorter: true, sortOrder: sortOrder("email"), render: (v: string | null) => v ?? "—" },
    {
      title: t("roles"),
      dataIndex: "roles",
      key: "roles",
      render: (rs: UserItem["roles"]) => (rs.length ? rs.map((r) => <Tag key={r.id}>{seeded.roleLabel(r)}</Tag>) : "—"),
    },
    { title: t("status"), dataIndex: "status", key: "status", render: (s: Status) => <Tag color={STATUS_COLOR[s]}>{t(`statuses.${s}`)}</Tag> },
    createdAtColumn(c("createdAt"), sort),
    {
      title: c("actions"),
      key: "actions",
      render: (_, r) => {
        const name = displayName(r);
        if (bin)
          return (
            <Popconfirm title={t("confirmRestore", { name })} onConfirm={() => recycle.mutateAsync({ id: r.id })}>
              <Button size="small" type="link">
                {t("restore")}
              </Button>
            </Popconfirm>
          );
        return (
          <Space size="small">
            <Link href={`/users/${r.id}`}>{t("view")}</Link>
            {r.status === "active" ? (
              <Popconfirm
                title={t("confirmDisable", { name })}
                onConfirm={() => update.mutateAsync({ id: r.id, status: "disabled" })}
                okButtonProps={{ danger: true }}
              >
                <Button size="small" type="link">
                  {c("disable")}
                </Button>
              </Popconfirm>
            ) : (
              <Button size="small" type="link" onClick={() => update.mutate({ id: r.id, status: "active" })}>
                {c("enable")}
              </Button>
            )}
            <DeleteAction title={t("confirmDelete", { name })} onConfirm={() => remove.mutateAsync({ id: r.id })} />
          </Space>
        );
      },
    },
  ];

  const data = list.data;
  // Past the count's cap the total is the database's estimate; page numbers stop at PAGED_ROWS
  // (farther rows are one sort or filter away), so no page asks for a huge offset.
  const total = data?.totalCapped ? Math.min(data.estimatedTotal ?? data.total, PAGED_ROWS) : (data?.total ?? 0);
  const matchTotal = data?.totalCapped ? (data.estimatedTotal ?? data.total) : (data?.total ?? 0);
  const pageIds = (data?.items ?? []).map((r) => r.id);
  const pageAllSelected = pageIds.length > 0 && pageIds.every((id) => selection.ids.includes(id));
  const roleSelectOptions = (roles.data ?? []).map((r) => ({ value: r.id, label: seeded.roleLabel(r) }));

  return (
    <ConsolePage
      title={t("title")}
      intro={t("intro")}
      extra={
        <Space wrap>
          {canImport && !bin && (
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
              {t("import.button")}
            </Button>
          )}
          {importing && <UserImportDialog onImported={invalidate} onClose={() => setImporting(false)} />}
          <ListActions resource="users" filter={input} newLabel={t("new")} onNew={() => setCreating(true)} />
        </Space>
      }
    >
      <Segmented
        value={bin ? "bin" : "live"}
        onChange={(v) => url.set({ bin: v === "bin", page: undefined })}
        options={[
          { value: "live", label: t("live") },
          { value: "bin", label: t("bin") },
        ]}
      />
      <FilterBar
        filters={filters}
        after={
          <Button type="link" icon={more ? <UpOutlined /> : <DownOutlined />} onClick={() => setMore((m) => !m)} aria-expanded={more}>
            {t("more")}
          </Button>
        }
      >
        <TextFilter filters={filters} name="name" label={t("filterName")} />
        <TextFilter filters={filters} name="phone" label={t("filterPhone")} />
        <TextFilter filters={filters} name="email" label={t("filterEmail")} />
        <SelectFilter
          filters={filters}
          name="role"
          label={t("roles")}
          placeholder={t("filterRole")}
          value={url.get("role") || undefined}
          options={(roles.data ?? []).map((r) => ({ value: r.id, label: seeded.roleLabel(r) }))}
          width={150}
        />
        <SelectFilter
          filters={filters}
          name="status"
          label={t("status")}
          placeholder={t("filterStatus")}
          value={input.status}
          options={USER_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
          width={130}
        />
        <DateRangeFilter filters={filters} />
        {more && (
          <>
            <TextFilter filters={filters} name="provider" label={t("filterProvider")} width={150} />
            <TextFilter filters={filters} name="providerKey" label={t("filterProviderKey")} width={200} />
            <TextFilter filters={filters} name="claimType" label={t("filterClaimType")} width={150} />
            <TextFilter filters={filters} name="claimValue" label={t("filterClaimValue")} width={150} />
          </>
        )}
      </FilterBar>
      <BulkJobs onFinished={invalidate} />
      {!bin && (selection.ids.length > 0 || selection.all) && (
        <BulkBar
          ids={selection.ids}
          all={selection.all}
          pageSize={pageIds.length}
          pageAllSelected={pageAllSelected}
          matchTotal={matchTotal}
          capped={!!data?.totalCapped}
          filter={input}
          roleOptions={roleSelectOptions}
          onSelectAll={() => selection.set(pageIds, true)}
          onClear={() => selection.set([], false)}
          onDone={invalidate}
        />
      )}
      <ListTable
        url={url}
        list={list}
        columns={columns}
        rowSelection={
          bin
            ? undefined
            : {
                selectedRowKeys: selection.all ? pageIds : selection.ids,
                preserveSelectedRowKeys: true,
                onChange: (keys) => selection.set(keys.map(String), false),
                getCheckboxProps: (r) => ({ "aria-label": t("bulk.selectRow", { name: displayName(r) }) }) as object,
              }
        }
        scroll={{ x: 900 }}
        emptyTitle={bin ? t("emptyBin") : t("emptyTitle")}
        emptyHint={bin ? undefined : t("emptyHint")}
        total={total}
        showTotal={(n) => (data?.totalCapped ? t("totalCapped", { total: data.total, estimate: data.estimatedTotal ?? data.total }) : c("total", { total: n }))}
      />
      {creating && <UserDrawer key={locale} onClose={() => setCreating(false)} onSaved={invalidate} />}
    </ConsolePage>
  );
}
