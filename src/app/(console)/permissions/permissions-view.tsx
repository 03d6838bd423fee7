"use client";

import { ConsolePage } from "~/components/console-page";
import { Card, Input, Table, Tag, Typography } from "antd";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useDeferredValue, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { handleServerError } from "~/components/form-errors";

export function PermissionsView() {
  const t = useTranslations("permission");
  const trpc = useTRPC();
  const [q, setQ] = useState("");
  const deferred = useDeferredValue(q.trim());
  const list = useQuery(trpc.permission.list.queryOptions({ q: deferred || undefined }, { placeholderData: keepPreviousData }));
  return (
    <ConsolePage title={t("title")}>
      <Card size="small">
        <Input.Search aria-label={t("search")} placeholder={t("search")} allowClear value={q} onChange={(e) => setQ(e.target.value)} style={{ maxWidth: 360 }} />
      </Card>
      <Card size="small">
        <Table
          rowKey="code"
          loading={list.isFetching}
          dataSource={list.data}
          pagination={false}
          locale={list.isError ? { emptyText: handleServerError(null, list.error) } : undefined}
          columns={[
            { title: t("code"), dataIndex: "code", render: (code: string) => <Typography.Text code copyable>{code}</Typography.Text> },
            { title: t("name"), dataIndex: "name" },
            { title: t("resource"), dataIndex: "resourceName", render: (r: string) => <Tag>{r}</Tag> },
          ]}
        />
      </Card>
    </ConsolePage>
  );
}
