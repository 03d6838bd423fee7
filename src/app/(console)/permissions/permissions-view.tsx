"use client";

import { ConsolePage } from "~/components/console-page";
import { Empty, Input, Typography } from "antd";
import { DataTable } from "~/components/data-table";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useDeferredValue, useMemo, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { handleServerError } from "~/components/form-errors";
import { CopyText } from "~/components/copy-text";

interface Row {
  key: string;
  code: string;
  name: string;
  resourceName: string;
  group?: boolean;
  children?: Row[];
}

/** The registry, grouped by resource; the search matches codes and names in both languages. */
export function PermissionsView() {
  const t = useTranslations("permission");
  const trpc = useTRPC();
  const [q, setQ] = useState("");
  const deferred = useDeferredValue(q.trim());
  const list = useQuery(trpc.permission.list.queryOptions({ q: deferred || undefined }, { placeholderData: keepPreviousData }));

  const groups = useMemo<Row[]>(() => {
    const by = new Map<string, Row>();
    for (const p of list.data ?? []) {
      let g = by.get(p.resource);
      if (!g)
        by.set(
          p.resource,
          (g = { key: `group:${p.resource}`, code: `uc.${p.resource}.all`, name: p.resourceName, resourceName: p.resourceName, group: true, children: [] }),
        );
      g.children!.push({ key: p.code, ...p });
    }
    return [...by.values()];
  }, [list.data]);

  return (
    <ConsolePage title={t("title")}>
      <Card size="small">
        <Input.Search
          aria-label={t("search")}
          placeholder={t("search")}
          allowClear
          value={q}
          onChange={(e) => setQ(e.target.value)}
          style={{ maxWidth: 420 }}
        />
      </Card>
      <Card size="small">
        <DataTable<Row>
          rowKey="key"
          loading={list.isFetching}
          dataSource={groups}
          pagination={false}
          size="small"
          expandable={{ expandedRowKeys: groups.map((g) => g.key), expandIcon: () => null, indentSize: 24 }}
          locale={{ emptyText: list.isError ? handleServerError(null, list.error) : <Empty description={t("noMatch")} /> }}
          columns={[
            {
              title: t("code"),
              dataIndex: "code",
              render: (code: string, row) =>
                row.group ? (
                  <Typography.Text strong>
                    {row.resourceName} <Tag style={{ marginInlineStart: 8 }}>{t("count", { count: row.children!.length })}</Tag>
                  </Typography.Text>
                ) : (
                  <CopyText code text={code} />
                ),
            },
            {
              title: t("name"),
              dataIndex: "name",
              render: (n: string, row) =>
                row.group ? (
                  <Typography.Text type="secondary">
                    {t("wildcard", { resource: row.resourceName })}: <Typography.Text code>{row.code}</Typography.Text>
                  </Typography.Text>
                ) : (
                  n
                ),
            },
            { title: t("resource"), dataIndex: "resourceName", render: (r: string, row) => (row.group ? null : <Tag>{r}</Tag>) },
          ]}
        />
      </Card>
    </ConsolePage>
  );
}
