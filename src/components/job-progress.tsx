"use client";

import { useFeedback } from "~/components/feedback";
import { Button, Progress, Space, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Popconfirm } from "~/components/lazy-popconfirm";
import { CheckCircleOutlined, CloseCircleOutlined, LoadingOutlined, StopOutlined } from "@ant-design/icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { useTRPC } from "~/trpc/react";
import { useCan } from "~/components/console-permissions";
import { handleServerError } from "~/components/form-errors";
import { jobEnded, type JobStatusName } from "~/lib/job-status";
import type { JobProgress as JobProgressData } from "~/lib/validators/job";

const STATUS_COLOR: Record<JobStatusName, string> = { queued: "default", running: "processing", done: "success", failed: "error", cancelled: "warning" };

/** Steps' names in the viewer's language (`job.steps.<name>`), the name itself for a kind's own step. */
function useStepName() {
  const t = useTranslations("job");
  return (name: string) => (t.has(`steps.${name}`) ? t(`steps.${name}`) : name);
}

/**
 * Any long job of the Job table (job.get): its status, a progress bar over its named steps, the
 * live log (polled with TanStack Query until the job ends, scrolled to its newest line) and a
 * cancel button for those who may (job.cancel).
 */
export function JobProgress({ jobId, onEnded }: { jobId: string; onEnded?: (job: JobProgressData) => void }) {
  const t = useTranslations("job");
  const stepName = useStepName();
  const trpc = useTRPC();
  const { message } = useFeedback();
  const canCancel = useCan("uc.job.cancel") !== false;
  const job = useQuery({
    ...trpc.job.get.queryOptions({ id: jobId }),
    refetchInterval: (q) => (q.state.data && jobEnded(q.state.data.status) ? false : 700),
  });
  const cancel = useMutation(
    trpc.job.cancel.mutationOptions({ onSuccess: () => void job.refetch(), onError: (e) => void message.error(handleServerError(null, e)) }),
  );
  const logRef = useRef<HTMLPreElement>(null);
  const j = job.data;
  const ended = j ? jobEnded(j.status) : false;
  const endedRef = useRef(false);
  useEffect(() => {
    if (j && ended && !endedRef.current) {
      endedRef.current = true;
      onEnded?.(j);
    }
  }, [j, ended, onEnded]);
  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [j?.log]);
  if (!j) return null;
  const total = j.total ?? j.steps.length;
  const percent = j.status === "done" ? 100 : total ? Math.round((j.done / total) * 100) : 0;
  const current = j.step ? j.steps.indexOf(j.step) : -1;
  return (
    <div data-testid="job-progress" data-status={j.status} data-step={j.step ?? ""} role="status" aria-live="polite">
      <Space style={{ marginBottom: 8 }} wrap>
        <Tag color={STATUS_COLOR[j.status]} data-testid="job-status">
          {t(`status.${j.status}`)}
        </Tag>
        {j.step && current >= 0 && (
          <Typography.Text type="secondary">{t("step", { n: current + 1, total: j.steps.length, name: stepName(j.step) })}</Typography.Text>
        )}
        {!ended && canCancel && (
          <Popconfirm title={t("cancelConfirm")} onConfirm={() => cancel.mutate({ id: j.id })} okText={t("cancel")} cancelText={t("close")}>
            <Button size="small" danger icon={<StopOutlined />} loading={cancel.isPending} disabled={j.cancelRequested} data-testid="job-cancel">
              {j.cancelRequested ? t("cancelRequested") : t("cancel")}
            </Button>
          </Popconfirm>
        )}
      </Space>
      <Progress
        percent={percent}
        status={j.status === "failed" ? "exception" : j.status === "done" ? "success" : j.status === "cancelled" ? "normal" : "active"}
        data-testid="job-bar"
        aria-label={`${percent}%`}
      />
      {j.steps.length > 0 && (
        <Space size={[4, 6]} wrap style={{ margin: "10px 0" }} data-testid="job-steps">
          {j.steps.map((s, i) => {
            const state = i < current || j.status === "done" ? "done" : i === current ? (j.status === "running" ? "now" : j.status) : "later";
            const [color, icon] =
              state === "done"
                ? ["success", <CheckCircleOutlined key="i" />]
                : state === "now"
                  ? ["processing", <LoadingOutlined key="i" />]
                  : state === "failed"
                    ? ["error", <CloseCircleOutlined key="i" />]
                    : state === "cancelled"
                      ? ["warning", <StopOutlined key="i" />]
                      : ["default", null];
            return (
              <Tag key={s} color={color} icon={icon} data-state={state} style={{ marginInlineEnd: 0 }}>
                {i + 1}. {stepName(s)}
              </Tag>
            );
          })}
        </Space>
      )}
      {j.status === "failed" && j.error && (
        <Typography.Paragraph type="danger" data-testid="job-error">
          {j.step ? t("failedAt", { name: stepName(j.step) }) : t("status.failed")} <Typography.Text code>{j.error}</Typography.Text>
        </Typography.Paragraph>
      )}
      <div>
        <Typography.Text strong>{t("log")}</Typography.Text>
      </div>
      <pre
        ref={logRef}
        data-testid="job-log"
        style={{
          maxHeight: 260,
          overflow: "auto",
          background: "#0f172a",
          color: "#e2e8f0",
          padding: 12,
          borderRadius: 6,
          fontSize: 12,
          margin: "4px 0 0",
          whiteSpace: "pre-wrap",
        }}
      >
        {j.log || t("logEmpty")}
      </pre>
    </div>
  );
}
