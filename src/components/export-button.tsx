"use client";

import { useFeedback } from "~/components/feedback";
import { Button, Space } from "antd";
import { LazyDropdown } from "~/components/lazy-dropdown";
import { ExportOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { handleServerError } from "~/components/form-errors";
import type { ExportFormat } from "~/lib/validators/export";
import dynamic from "next/dynamic";

// The progress bar and download link load with the first export started from this page.
const ExportStatus = dynamic(() => import("./export-status").then((m) => m.ExportStatus), { ssr: false });

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

  const start = (format: ExportFormat) => create.mutate({ resource, format, filter });

  return (
    <Space size="small" wrap data-testid={`export-${resource}`}>
      <LazyDropdown
        disabled={disabled || create.isPending}
        menu={{
          items: [
            { key: "csv", label: t("csv"), onClick: () => start("csv") },
            { key: "xlsx", label: t("xlsx"), onClick: () => start("xlsx") },
          ],
        }}
      >
        <Button icon={<ExportOutlined />} loading={create.isPending}>
          {t("export")}
        </Button>
      </LazyDropdown>
      {jobId && <ExportStatus jobId={jobId} onClose={() => setJobId(null)} />}
    </Space>
  );
}
