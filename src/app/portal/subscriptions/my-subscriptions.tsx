"use client";

import { useFeedback } from "~/components/feedback";
import { useState } from "react";
import { Alert, Button, Space, Table, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Popconfirm } from "~/components/lazy-popconfirm";
import type { TableProps } from "antd";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { BackLink } from "~/components/detail-page";
import { handleServerError } from "~/components/form-errors";
import { Time } from "~/components/time";
import { TagList } from "~/components/list-page";
import type { IssuedKey, MySubscription, SubscriptionStatus } from "~/lib/validators/product-subscription";
import { IssuedKeyModal } from "~/app/portal/issued-key";

const STATUS: Record<SubscriptionStatus, { color?: string; key: "statusPending" | "statusActive" | "statusRevoked" | "statusRejected" | "statusCancelled" }> = {
  pending: { color: "orange", key: "statusPending" },
  active: { color: "green", key: "statusActive" },
  revoked: { color: "red", key: "statusRevoked" },
  rejected: { color: "red", key: "statusRejected" },
  cancelled: { key: "statusCancelled" },
};

/** My product subscriptions: status, client, rotate the key (the new secret shown once), cancel. */
export function MySubscriptions() {
  const t = useTranslations("portal");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const list = useQuery(trpc.portal.mySubscriptions.queryOptions());
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const refresh = () => qc.invalidateQueries(trpc.portal.mySubscriptions.pathFilter());
  const onError = (e: unknown) => void message.error(handleServerError(null, e));
  const rotate = useMutation(
    trpc.portal.rotateSubscriptionKey.mutationOptions({
      onSuccess: (d) => (setIssued(d), void message.success(t("rotated"))),
      onError,
    }),
  );
  const cancel = useMutation(
    trpc.portal.cancelSubscription.mutationOptions({
      onSuccess: () => (void message.success(t("cancelled")), refresh()),
      onError,
    }),
  );
  const columns: TableProps<MySubscription>["columns"] = [
    { title: t("product"), key: "product", render: (_, r) => r.product.displayName ?? r.product.name },
    {
      title: t("status"),
      key: "status",
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <Tag color={STATUS[r.status].color} data-testid="portal-subscription-status">
            {t(STATUS[r.status].key)}
          </Tag>
          {r.status === "revoked" && <Typography.Text type="secondary">{t("revokedHelp")}</Typography.Text>}
          {(r.status === "revoked" || r.status === "rejected") && r.note && <Typography.Text type="secondary">{r.note}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: t("clientId"),
      key: "client",
      render: (_, r) =>
        r.clientId ? (
          <Typography.Text code copyable>
            {r.clientId}
          </Typography.Text>
        ) : (
          "—"
        ),
    },
    { title: t("scopes"), key: "scopes", render: (_, r) => <TagList items={r.scopes} max={3} /> },
    { title: t("created"), key: "created", render: (_, r) => <Time value={r.createdAt} /> },
    {
      title: t("actions"),
      key: "actions",
      render: (_, r) =>
        r.status === "active" || r.status === "pending" ? (
          <Space size="small">
            <Popconfirm title={t("rotateConfirm")} onConfirm={() => rotate.mutateAsync({ id: r.id })}>
              <Button size="small" type="link" data-testid="portal-rotate-key">
                {t("rotateKey")}
              </Button>
            </Popconfirm>
            <Popconfirm title={t("cancelConfirm")} onConfirm={() => cancel.mutateAsync({ id: r.id })} okButtonProps={{ danger: true }}>
              <Button size="small" type="link" danger data-testid="portal-cancel-subscription">
                {t("cancelSubscription")}
              </Button>
            </Popconfirm>
          </Space>
        ) : null,
    },
  ];
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <BackLink href="/portal" label={t("apisTitle")} />
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t("mySubscriptions")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("mySubscriptionsIntro")}</Typography.Paragraph>
      {list.isError && <Alert type="error" showIcon title={handleServerError(null, list.error)} />}
      <Table<MySubscription>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        columns={columns}
        pagination={false}
        locale={{ emptyText: t("noSubscriptions") }}
        data-testid="portal-subscriptions"
      />
      <IssuedKeyModal issued={issued} rotated onClose={() => setIssued(null)} />
    </Space>
  );
}
