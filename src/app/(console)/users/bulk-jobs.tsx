"use client";

import { useFeedback } from "~/components/feedback";
import { Alert, Button, Progress, Space, Typography } from "antd";
import { CloseOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTRPC } from "~/trpc/react";
import type { UserBulkJob, UserBulkOutcome } from "~/lib/validators/user";

/** "2 users changed, 1 skipped — Not on yourself (1)": what a bulk action did, in words. */
export function useOutcomeText() {
  const t = useTranslations("user.bulk");
  const errors = useTranslations("appErrors");
  return useCallback(
    (o: UserBulkOutcome) => {
      const reasons = o.reasons.map((r) => t("reason", { name: errors(`${r.code}.name` as never), count: r.count })).join("; ");
      return reasons ? `${t("result", { changed: o.changed, skipped: o.skipped })} — ${reasons}` : t("result", { changed: o.changed, skipped: o.skipped });
    },
    [t, errors],
  );
}

const DISMISSED_KEY = "uc.bulkJobs.dismissed";
/** Finished jobs stay in view this long (unless dismissed). */
const RECENT_MS = 30 * 60_000;
const active = (j: UserBulkJob) => j.status === "queued" || j.status === "running";

function dismissed(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(DISMISSED_KEY) ?? "[]") as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/**
 * The caller's bulk jobs above the users table: a progress bar while one runs (polling), then
 * what it did, until dismissed. The jobs are the server's, so they are there again after the
 * page is left and come back to; the list refreshes when one finishes.
 */
export function BulkJobs({ onFinished }: { onFinished: () => void }) {
  const t = useTranslations("user.bulk");
  const trpc = useTRPC();
  const outcomeText = useOutcomeText();
  // Read once on the client; nothing is shown before the jobs have loaded there, so the server's markup never differs.
  const [hidden, setHidden] = useState<string[]>(() => (typeof window === "undefined" ? [] : dismissed()));
  const jobs = useQuery({
    ...trpc.user.bulkJobs.queryOptions(),
    refetchInterval: (q) => (q.state.data?.some(active) ? 1000 : false),
  });
  const { message } = useFeedback();
  const seen = useRef(new Map<string, string>());
  useEffect(() => {
    let finished = false;
    for (const j of jobs.data ?? []) {
      const before = seen.current.get(j.id);
      if (before && before !== j.status && !active(j)) {
        finished = true;
        // The toast an inline action gives at once, when the job behind it ends.
        if (j.status === "done" && j.outcome) void message.success(outcomeText(j.outcome), 6);
        else if (j.status === "failed") void message.error(t("failed", { error: j.error ?? "" }), 6);
      }
      seen.current.set(j.id, j.status);
    }
    if (finished) onFinished();
  }, [jobs.data, onFinished, message, outcomeText, t]);

  const shown = (jobs.data ?? []).filter(
    (j) => !hidden.includes(j.id) && (active(j) || (j.finishedAt && jobs.dataUpdatedAt - new Date(j.finishedAt).getTime() < RECENT_MS)),
  );
  if (!shown.length) return null;
  const dismiss = (id: string) => {
    const next = [...dismissed(), id].slice(-50);
    localStorage.setItem(DISMISSED_KEY, JSON.stringify(next));
    setHidden(next);
  };
  return (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="bulk-jobs">
      {shown.map((j) => {
        const who = t("users", { count: j.total ?? j.done });
        const percent = j.total ? Math.round((j.done / j.total) * 100) : j.status === "done" ? 100 : 0;
        return (
          <Alert
            key={j.id}
            type={j.status === "failed" ? "error" : j.status === "done" ? "success" : "info"}
            role="status"
            aria-live="polite"
            data-testid="bulk-job"
            data-status={j.status}
            title={t("jobTitle", { action: t(`actions.${j.action}`), who: j.total == null ? "…" : who })}
            description={
              j.status === "failed" ? (
                t("failed", { error: j.error ?? "" })
              ) : j.status === "done" ? (
                <span data-testid="bulk-job-result">{j.outcome ? outcomeText(j.outcome) : null}</span>
              ) : (
                <Space wrap>
                  <Progress percent={percent} size="small" style={{ width: 200, margin: 0 }} status="active" />
                  <Typography.Text type="secondary">
                    {j.status === "queued"
                      ? t("queued")
                      : j.total != null
                        ? t("running", { done: j.done, total: j.total })
                        : t("runningUnknown", { done: j.done })}
                  </Typography.Text>
                </Space>
              )
            }
            action={!active(j) && <Button size="small" type="text" icon={<CloseOutlined />} aria-label={t("dismiss")} onClick={() => dismiss(j.id)} />}
          />
        );
      })}
    </Space>
  );
}
