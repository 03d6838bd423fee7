"use client";

import { useFeedback } from "~/components/feedback";
import { useState } from "react";
import { Alert, Empty, Input, Space, Table } from "antd";
import { Tag } from "~/components/tag";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { useCan } from "~/components/console-permissions";
import { handleServerError } from "~/components/form-errors";
import { DeleteAction } from "~/components/list-page";
import { Time } from "~/components/time";
import type { ApiResourceItem } from "~/lib/validators/api";

const PAGE = 20;

/** The people who asked for this API's release emails (confirmed or still to confirm), and removing one. */
export function SubscribersTab({ api }: { api: ApiResourceItem }) {
  const t = useTranslations("apiSubscriber");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const [page, setPage] = useState(1);
  const [email, setEmail] = useState("");
  const list = useQuery(trpc.apiSubscription.list.queryOptions({ id: api.id, email: email || undefined, skip: (page - 1) * PAGE, take: PAGE }));
  const canRemove = useCan("uc.apiresource.deletesubscription") !== false;
  const remove = useMutation(
    trpc.apiSubscription.remove.mutationOptions({
      onSuccess: () => (void message.success(c("deleted")), qc.invalidateQueries(trpc.apiSubscription.list.pathFilter())),
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Input.Search
        allowClear
        placeholder={t("searchEmail")}
        style={{ maxWidth: 320 }}
        onSearch={(v) => (setEmail(v.trim()), setPage(1))}
        data-testid="subscriber-search"
      />
      {list.isError && <Alert type="error" showIcon title={handleServerError(null, list.error)} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ current: page, pageSize: PAGE, total: list.data?.total ?? 0, onChange: setPage, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t("none")}>{t("noneHint")}</Empty> }}
        scroll={{ x: 600 }}
        columns={[
          { title: t("email"), dataIndex: "email" },
          {
            title: t("confirmed"),
            key: "confirmed",
            width: 130,
            render: (_, r) => (r.confirmed ? <Tag color="green">{t("confirmedYes")}</Tag> : <Tag>{t("confirmedNo")}</Tag>),
          },
          { title: t("language"), dataIndex: "locale", width: 100, render: (v: string) => (v === "en" ? "English" : "中文") },
          { title: t("subscribedAt"), key: "createdAt", width: 160, render: (_, r) => <Time value={r.createdAt} /> },
          {
            title: "",
            key: "actions",
            width: 90,
            fixed: "right",
            render: (_, r) =>
              canRemove ? <DeleteAction title={t("removeConfirm", { email: r.email })} onConfirm={() => remove.mutateAsync({ id: r.id })} /> : null,
          },
        ]}
      />
    </Space>
  );
}
