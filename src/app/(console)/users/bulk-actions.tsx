"use client";

import { useFeedback } from "~/components/feedback";
import { Alert, Button, DatePicker, Form, Modal, Select, Space, Typography } from "antd";
import { Card } from "~/components/card";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import dayjs, { type Dayjs } from "dayjs";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { handleServerError } from "~/components/form-errors";
import { USER_BULK_ACTIONS, USER_BULK_INLINE_MAX, type UserBulkAction, type UserListInput } from "~/lib/validators/user";
import { useOutcomeText } from "./bulk-jobs";

const DANGER = new Set<UserBulkAction>(["lock", "disable", "delete"]);
const needsRole = (a: UserBulkAction) => a === "addRole" || a === "removeRole";

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
