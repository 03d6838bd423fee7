"use client";

import { useFeedback } from "~/components/feedback";
import { Button, Dropdown, Progress, Space, Typography } from "antd";
import { CloseOutlined, DownloadOutlined, ExportOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "~/components/app-link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { handleServerError } from "~/components/form-errors";
import type { ExportFormat } from "~/lib/validators/export";
import { jobEnded } from "~/lib/job-status";

/**
 * "Export" for any list: a CSV / XLSX dropdown that starts a background job with the page's
 * current filter, then a progress bar (polling export.get) and a download link when done.
 */
export function ExportButton({ resource, filter, disabled }: { resource: string; filter: Record<string, unknown>; disabled?: boolean }) {
  const t = useTranslations("export");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const [jobId, setJobId] = useState<string | null>(null);

  const create = useMutation(
    trpc.export.create.mutationOptions({
      onSuccess: (job) => {
        setJobId(job.id);
        void message.info(t("started"));
        void qc.invalidateQueries(trpc.export.list.pathFilter());
      },
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  const job = useQuery({
    ...trpc.export.get.queryOptions({ id: jobId ?? "" }),
    enabled: !!jobId,
    refetchInterval: (q) => (q.state.data && jobEnded(q.state.data.status) ? false : 700),
  });

  const start = (format: ExportFormat) => create.mutate({ resource, format, filter });
  const j = job.data;
  const percent = j?.total ? Math.round((j.done / j.total) * 100) : j?.status === "done" ? 100 : 0;

  return (
    <Space size="small" wrap data-testid={`export-${resource}`}>
      <Dropdown
        disabled={disabled || create.isPending}
        menu={{
          items: [
            { key: "csv", label: t("csv"), onClick: () => start("csv") },
            { key: "xlsx", label: t("xlsx"), onClick: () => start("xlsx") },
          ],
        }}
        trigger={["click"]}
      >
        <Button icon={<ExportOutlined />} loading={create.isPending}>
          {t("export")}
        </Button>
      </Dropdown>
      {j && (
        <Space size="small" role="status" aria-live="polite" data-testid="export-status" data-status={j.status}>
          {j.status === "failed" ? (
            <Typography.Text type="danger" title={j.error ?? undefined}>
              {t("failed")}
            </Typography.Text>
          ) : j.status === "cancelled" ? (
            <Typography.Text type="secondary">{t("cancelled")}</Typography.Text>
          ) : j.status === "done" ? (
            <>
              <Typography.Text type="success">{t("ready")}</Typography.Text>
              <a href={`/api/exports/${j.id}`} download={j.fileName ?? undefined} data-testid="export-download">
                <DownloadOutlined /> {j.fileName ?? t("download")}
              </a>
            </>
          ) : (
            <>
              <Progress percent={percent} size="small" style={{ width: 140, margin: 0 }} status="active" />
              <Typography.Text type="secondary">{j.total != null ? t("preparing", { done: j.done, total: j.total }) : t("preparingUnknown")}</Typography.Text>
            </>
          )}
          <Link href="/exports">{t("viewAll")}</Link>
          <Button size="small" type="text" icon={<CloseOutlined />} aria-label={t("close")} onClick={() => setJobId(null)} />
        </Space>
      )}
    </Space>
  );
}
