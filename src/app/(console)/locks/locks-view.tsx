"use client";

import { useFeedback } from "~/components/feedback";
import { ConsolePage } from "~/components/console-page";
import { ExportButton } from "~/components/export-button";
import { Button, Empty } from "antd";
import { DataTable } from "~/components/data-table";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { handleServerError } from "~/components/form-errors";
import { serverTable, useUrlState } from "~/components/use-url-state";
import { sliceFrom } from "~/components/url-read";
import { useFormatTime } from "~/components/time";
import { useSeededText } from "~/components/use-seeded-text";

export function LocksView() {
  const fmt = useFormatTime();
  const seeded = useSeededText();
  const t = useTranslations("lock");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const url = useUrlState();
  const input = sliceFrom(url);
  const list = useQuery(trpc.lock.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const unlock = useMutation(
    trpc.lock.unlock.mutationOptions({
      onSuccess: () => {
        void message.success(t("unlocked"));
        return qc.invalidateQueries(trpc.lock.pathFilter());
      },
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  type Row = NonNullable<typeof list.data>["items"][number];
  return (
    <ConsolePage title={t("title")} intro={t("intro")} extra={<ExportButton resource="locks" filter={input} />}>
      <Card size="small">
        <DataTable<Row>
          rowKey="id"
          loading={list.isFetching}
          dataSource={list.data?.items}
          locale={{ emptyText: list.isError ? handleServerError(null, list.error) : <Empty description={t("empty")} /> }}
          {...serverTable<Row>(url, list.data?.total ?? 0, (total) => c("total", { total }))}
          columns={[
            { title: t("user"), dataIndex: "userName", render: (n: string | null) => seeded.nickname(n) ?? "—" },
            { title: t("reason"), dataIndex: "reason", render: (r: string) => t(r === "burst" || r === "device" || r === "admin" ? r : "failures") },
            { title: t("ip"), dataIndex: "ip", render: (ip: string | null) => ip ?? "—" },
            { title: c("createdAt"), dataIndex: "createdAt", render: (d: Date) => fmt(d, "YYYY-MM-DD HH:mm:ss") },
            { title: t("until"), dataIndex: "until", render: (d: Date) => fmt(d, "YYYY-MM-DD HH:mm:ss") },
            { title: t("state"), dataIndex: "active", render: (a: boolean) => (a ? <Tag color="red">{t("active")}</Tag> : <Tag>{t("expired")}</Tag>) },
            {
              title: c("actions"),
              key: "actions",
              render: (_, r) =>
                r.active && (
                  <Button
                    size="small"
                    type="link"
                    loading={unlock.isPending && unlock.variables?.userId === r.userId}
                    onClick={() => unlock.mutate({ userId: r.userId })}
                  >
                    {t("unlock")}
                  </Button>
                ),
            },
          ]}
        />
      </Card>
    </ConsolePage>
  );
}
