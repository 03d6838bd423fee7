"use client";

import { Button, Progress, Space, Typography } from "antd";
import { CloseOutlined, DownloadOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import Link from "~/components/app-link";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { jobEnded } from "~/lib/job-status";

/** The export job started by ExportButton: a progress bar while it runs (polling export.get), then the download link. */
export function ExportStatus({ jobId, onClose }: { jobId: string; onClose: () => void }) {
  const t = useTranslations("export");
  const trpc = useTRPC();
  const job = useQuery({
    ...trpc.export.get.queryOptions({ id: jobId }),
    refetchInterval: (q) => (q.state.data && jobEnded(q.state.data.status) ? false : 700),
  });
  const j = job.data;
  if (!j) return null;
  const percent = j.total ? Math.round((j.done / j.total) * 100) : j.status === "done" ? 100 : 0;
  return (
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
      <Button size="small" type="text" icon={<CloseOutlined />} aria-label={t("close")} onClick={onClose} />
    </Space>
  );
}
