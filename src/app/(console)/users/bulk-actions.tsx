"use client";

import { useFeedback } from "~/components/feedback";
import { Alert, Button, DatePicker, Form, Modal, Progress, Select, Space, Typography } from "antd";
import { Card } from "~/components/card";
import { CloseOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import dayjs, { type Dayjs } from "dayjs";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { handleServerError } from "~/components/form-errors";
import {
  USER_BULK_ACTIONS,
  USER_BULK_INLINE_MAX,
  type UserBulkAction,
  type UserBulkJob,
  type UserBulkOutcome,
  type UserListInput,
} from "~/lib/validators/user";

const DANGER = new Set<UserBulkAction>(["lock", "disable", "delete"]);
const needsRole = (a: UserBulkAction) => a === "addRole" || a === "removeRole";

/** "2 users changed, 1 skipped — Not on yourself (1)": what a bulk action did, in words. */
function useOutcomeText() {
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

/**
 * The bar over the users table while rows are selected: how many, Gmail's "select all N that
 * match" once the whole page is selected, and the actions, each behind a confirmation naming how
 * many users it affects.
 */
export function BulkBar({
  ids,
  all,
  pageSize,
  pageAllSelected,
  matchTotal,
  capped,
  filter,
  roleOptions,
  onSelectAll,
  onClear,
  onDone,
}: {
  ids: string[];
  all: boolean;
  pageSize: number;
  pageAllSelected: boolean;
  matchTotal: number;
  capped: boolean;
  filter: UserListInput;
  roleOptions: { value: string; label: string }[];
  onSelectAll: () => void;
  onClear: () => void;
  onDone: () => void;
}) {
  const t = useTranslations("user.bulk");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const outcomeText = useOutcomeText();
  const [action, setAction] = useState<UserBulkAction | null>(null);
  const [roleId, setRoleId] = useState<string | undefined>();
  const [until, setUntil] = useState<Dayjs | null>(null);

  const bulk = useMutation(
    trpc.user.bulk.mutationOptions({
      onSuccess: (out) => {
        setAction(null);
        onClear();
        if (out.outcome) void message.success(outcomeText(out.outcome), 6);
        else void message.info(t("started"));
        void qc.invalidateQueries(trpc.user.bulkJobs.pathFilter());
        onDone();
      },
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );

  if (!ids.length && !all) return null;
  const count = all ? matchTotal : ids.length;
  const who = all && capped ? t("usersAbout", { count }) : t("users", { count });
  const background = all || ids.length > USER_BULK_INLINE_MAX;
  const open = (a: UserBulkAction) => {
    setRoleId(undefined);
    setUntil(dayjs().add(1, "day").startOf("hour"));
    setAction(a);
  };
  const ready = action && (!needsRole(action) || roleId) && (action !== "lock" || (until && until.isAfter(dayjs())));
  const submit = () => {
    if (!action || !ready) return;
    const { skip: _s, take: _t, cursor: _c, ...rest } = filter as UserListInput & { cursor?: string };
    bulk.mutate({
      action,
      ...(all ? { filter: rest } : { ids }),
      ...(needsRole(action) ? { roleId } : {}),
      ...(action === "lock" && until ? { until: until.toDate() } : {}),
    });
  };

  return (
    <Card size="small" data-testid="bulk-bar">
      <Space orientation="vertical" style={{ width: "100%" }}>
        {all ? (
          <Alert
            type="info"
            showIcon
            data-testid="bulk-all"
            title={
              <Space wrap>
                <span>{capped ? t("allSelectedAbout", { total: matchTotal }) : t("allSelected", { total: matchTotal })}</span>
                <Button type="link" size="small" onClick={onClear}>
                  {t("clear")}
                </Button>
              </Space>
            }
          />
        ) : (
          pageAllSelected &&
          matchTotal > pageSize && (
            <Alert
              type="info"
              showIcon
              data-testid="bulk-page"
              title={
                <Space wrap>
                  <span>{t("pageSelected", { count: ids.length })}</span>
                  <Button type="link" size="small" onClick={onSelectAll} data-testid="bulk-select-all">
                    {capped ? t("selectAllAbout", { total: matchTotal }) : t("selectAll", { total: matchTotal })}
                  </Button>
                </Space>
              }
            />
          )
        )}
        <Space wrap role="toolbar" aria-label={t("label")}>
          <Typography.Text strong data-testid="bulk-count">
            {all ? who : t("selected", { count: ids.length })}
          </Typography.Text>
          {USER_BULK_ACTIONS.map((a) => (
            <Button key={a} size="small" danger={DANGER.has(a)} onClick={() => open(a)} data-testid={`bulk-${a}`}>
              {t(`actions.${a}`)}
            </Button>
          ))}
          {!all && (
            <Button size="small" type="link" onClick={onClear}>
              {t("clear")}
            </Button>
          )}
        </Space>
      </Space>
      <Modal
        open={!!action}
        title={action ? t(`confirm.${action}`, { who }) : null}
        okText={action ? t(`actions.${action}`) : undefined}
        okButtonProps={{ danger: !!action && DANGER.has(action), disabled: !ready, loading: bulk.isPending }}
        onOk={submit}
        onCancel={() => setAction(null)}
        destroyOnHidden
      >
        {action && (
          <Space orientation="vertical" style={{ width: "100%" }}>
            <Typography.Text>{t(`help.${action}`)}</Typography.Text>
            {(needsRole(action) || action === "lock") && (
              <Form layout="vertical" onFinish={submit}>
                {needsRole(action) && (
                  <Form.Item label={t("role")} htmlFor="bulk-role" required style={{ marginBottom: 8 }}>
                    <Select
                      id="bulk-role"
                      value={roleId}
                      onChange={setRoleId}
                      options={roleOptions}
                      style={{ width: 240 }}
                      autoFocus
                      showSearch
                      optionFilterProp="label"
                    />
                  </Form.Item>
                )}
                {action === "lock" && (
                  <Form.Item label={t("until")} htmlFor="bulk-until" required style={{ marginBottom: 8 }}>
                    <DatePicker
                      id="bulk-until"
                      showTime={{ format: "HH:mm" }}
                      format="YYYY-MM-DD HH:mm"
                      value={until}
                      onChange={setUntil}
                      disabledDate={(d) => d.isBefore(dayjs().startOf("day"))}
                    />
                  </Form.Item>
                )}
              </Form>
            )}
            <Typography.Text type="secondary">{t("skipNote")}</Typography.Text>
            {background && <Typography.Text type="secondary">{t("background")}</Typography.Text>}
          </Space>
        )}
      </Modal>
    </Card>
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
