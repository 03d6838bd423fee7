"use client";

import { useFeedback } from "~/components/feedback";
import type { ReactNode } from "react";
import { Button, Space, Typography } from "antd";
import { DataTable } from "~/components/data-table";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import { Popconfirm } from "~/components/lazy-popconfirm";
import type { TableColumnType, TableProps } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { useTranslations } from "next-intl";
import { ExportButton } from "~/components/export-button";
import { handleServerError } from "~/components/form-errors";
import { ListEmpty } from "~/components/list-empty";
import { useFilters } from "~/components/filter-bar";
import { serverTable, useUrlState, type UrlState } from "~/components/use-url-state";
import { pagingFrom, sortFrom } from "~/components/url-read";
import { Time } from "~/components/time";

/**
 * The URL state of a console list page: its filters (`text` drafts and `others`, see useFilters),
 * sorting by one of `order`, and paging. The list's input is built from the same URL by a pure
 * function beside the page (`list-input.ts`, with `listParams`), which the server runs too to
 * render the first page with the HTML (`prefetchedPage`).
 */
export function useListPage<K extends string, O extends string = never>({
  order = [],
  text,
  others,
}: {
  order?: readonly O[];
  text: readonly K[];
  others: readonly string[];
}) {
  const url = useUrlState();
  const filters = useFilters(url, text, others);
  return { url, filters, sort: sortFrom(url, order), paging: pagingFrom(url) };
}

interface ListQuery<Row> {
  data?: { items: Row[]; total: number };
  isFetching: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/**
 * A console list's table card: the rows of a paged list query, with paging and sorting kept in
 * the URL (`serverTable`) and `ListEmpty` (or `emptyText`) when there are none.
 */
export function ListTable<Row extends { id: string }>({
  url,
  list,
  emptyTitle,
  emptyHint,
  emptyText,
  total,
  showTotal,
  ...table
}: {
  url: UrlState;
  list: ListQuery<Row>;
  emptyTitle?: ReactNode;
  emptyHint?: ReactNode;
  emptyText?: ReactNode;
  /** The paging total when it is not `list.data.total` (an estimate past a capped count). */
  total?: number;
  showTotal?: (total: number) => string;
} & Pick<TableProps<Row>, "columns" | "scroll" | "onRow" | "expandable" | "rowSelection">) {
  const c = useTranslations("common");
  return (
    <Card size="small">
      <DataTable<Row>
        rowKey="id"
        dataSource={list.data?.items}
        loading={list.isFetching}
        locale={{ emptyText: emptyText ?? <ListEmpty query={list} title={emptyTitle} hint={emptyHint} /> }}
        // At least 900 px wide: on a phone the columns scroll inside the card instead of being
        // squeezed over each other (a column with an ellipsis makes the layout fixed).
        scroll={{ x: 900 }}
        {...table}
        {...serverTable<Row>(url, total ?? list.data?.total ?? 0, showTotal ?? ((total) => c("total", { total })))}
      />
    </Card>
  );
}

/** A list page's header actions: Export with the list's current filter, and the primary "new" button. */
export function ListActions({ resource, filter, newLabel, onNew }: { resource: string; filter: object; newLabel: ReactNode; onNew: () => void }) {
  return (
    <Space>
      <ExportButton resource={resource} filter={filter as Record<string, unknown>} />
      <Button type="primary" icon={<PlusOutlined />} onClick={onNew}>
        {newLabel}
      </Button>
    </Space>
  );
}

/** A row's "delete" link, behind a confirmation (by default "delete {name}?"). */
export function DeleteAction({ name, title, onConfirm }: { name?: string; title?: ReactNode; onConfirm: () => unknown }) {
  const c = useTranslations("common");
  return (
    <Popconfirm title={title ?? c("confirmDelete", { name: name ?? "" })} onConfirm={onConfirm} okButtonProps={{ danger: true }}>
      <Button size="small" type="link" danger>
        {c("delete")}
      </Button>
    </Popconfirm>
  );
}

/** Short strings as tags, or `empty` ("—") when there are none; with `max`, the first `max` and a "+n" tag. */
export function TagList({ items, max, empty = "—", gap = 0 }: { items: string[]; max?: number; empty?: ReactNode; gap?: number }) {
  if (!items.length) return <Typography.Text type="secondary">{empty}</Typography.Text>;
  const shown = max === undefined ? items : items.slice(0, max);
  return (
    <Space size={[gap, 4]} wrap>
      {shown.map((s) => (
        <Tag key={s}>{s}</Tag>
      ))}
      {items.length > shown.length && <Tag>+{items.length - shown.length}</Tag>}
    </Space>
  );
}

/**
 * A code (an identity resource's or a scope's name) in a list: on one line, never broken inside a
 * word; one longer than `max` pixels is cut with an ellipsis and shown whole in a tooltip.
 */
export function CodeName({ children, max = 260 }: { children: string; max?: number }) {
  return (
    <Typography.Text code ellipsis={{ tooltip: children }} style={{ maxWidth: max, whiteSpace: "nowrap" }} data-testid="code-name">
      {children}
    </Typography.Text>
  );
}

/** The sortable "created" column every list has. */
export function createdAtColumn<Row>(title: string, sort: { sortOrder: (key: string) => TableColumnType<Row>["sortOrder"] }): TableColumnType<Row> {
  return {
    title,
    dataIndex: "createdAt",
    key: "createdAt",
    sorter: true,
    sortOrder: sort.sortOrder("createdAt"),
    render: (d: Date) => (
      <span style={{ whiteSpace: "nowrap" }}>
        <Time value={d} />
      </span>
    ),
  };
}

/**
 * The `onSuccess`/`onError` of a list's row actions: a toast saying `done` and `invalidate()`
 * (the list refetches), or the server's message as an error toast.
 */
export function useRowFeedback(invalidate: () => unknown) {
  const { message } = useFeedback();
  return (done: string) => ({
    onSuccess: () => {
      void message.success(done);
      return invalidate();
    },
    onError: (e: unknown) => void message.error(handleServerError(null, e)),
  });
}
