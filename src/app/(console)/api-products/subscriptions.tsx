"use client";

import { useState } from "react";
import { Button, Drawer, Select, Space, Table, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Popconfirm } from "~/components/lazy-popconfirm";
import type { TableProps } from "antd";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { useRowFeedback } from "~/components/list-page";
import { useCan } from "~/components/console-permissions";
import { Time } from "~/components/time";
import type { ApiProductItem } from "~/lib/validators/api-product";
import { SUBSCRIPTION_STATUSES, type ProductSubscriptionItem, type SubscriptionStatus } from "~/lib/validators/product-subscription";
import { useSeededText } from "~/components/use-seeded-text";

const STATUS_COLOR: Record<SubscriptionStatus, string | undefined> = {
  pending: "orange",
  active: "green",
  revoked: "volcano",
  rejected: "red",
  cancelled: undefined,
};
const PAGE = 20;

/** A product's subscriptions (pending first) with approve / reject, opened from the product list. */
export function SubscriptionsDrawer({ product, onClose }: { product: ApiProductItem | null; onClose: () => void }) {
  const t = useTranslations("apiProduct");
  const c = useTranslations("common");
  const seeded = useSeededText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [status, setStatus] = useState<SubscriptionStatus | undefined>(undefined);
  const [page, setPage] = useState(1);
  const input = { id: product?.id ?? "", status, skip: (page - 1) * PAGE, take: PAGE };
  const list = useQuery({ ...trpc.apiProduct.subscriptions.queryOptions(input, { placeholderData: keepPreviousData }), enabled: !!product });
  const feedback = useRowFeedback(() => qc.invalidateQueries(trpc.apiProduct.subscriptions.pathFilter()));
  const approve = useMutation(trpc.apiProduct.approveSubscription.mutationOptions(feedback(t("subscriptionApproved"))));
  const reject = useMutation(trpc.apiProduct.rejectSubscription.mutationOptions(feedback(t("subscriptionRejected"))));
  const revoke = useMutation(trpc.apiProduct.revokeSubscription.mutationOptions(feedback(t("subscriptionRevoked"))));
  const canRevoke = useCan("uc.apiproduct.revoke") !== false;
  const statusLabel = (s: SubscriptionStatus) => t(`subscriptionStatus.${s}`);
  const columns: TableProps<ProductSubscriptionItem>["columns"] = [
    {
      title: t("subscriber"),
      key: "user",
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <span>{seeded.nickname(r.user.nickname) ?? r.user.userName ?? r.user.id}</span>
          {r.user.email && <Typography.Text type="secondary">{r.user.email}</Typography.Text>}
        </Space>
      ),
    },
    { title: t("subscriptionStatusTitle"), key: "status", render: (_, r) => <Tag color={STATUS_COLOR[r.status]}>{statusLabel(r.status)}</Tag> },
    { title: t("clientId"), key: "client", render: (_, r) => (r.clientId ? <Typography.Text code>{r.clientId}</Typography.Text> : "—") },
    { title: c("createdAt"), key: "created", render: (_, r) => <Time value={r.createdAt} /> },
    { title: t("decidedAt"), key: "decided", render: (_, r) => (r.decidedAt ? <Time value={r.decidedAt} /> : "—") },
    {
      title: c("actions"),
      key: "actions",
      render: (_, r) =>
        r.status === "pending" ? (
          <Space size="small">
            <Popconfirm title={t("approveConfirm")} onConfirm={() => approve.mutateAsync({ id: r.id })}>
              <Button size="small" type="link" data-testid="subscription-approve">
                {t("approve")}
              </Button>
            </Popconfirm>
            <Popconfirm title={t("rejectConfirm")} onConfirm={() => reject.mutateAsync({ id: r.id })} okButtonProps={{ danger: true }}>
              <Button size="small" type="link" danger data-testid="subscription-reject">
                {t("reject")}
              </Button>
            </Popconfirm>
          </Space>
        ) : r.status === "active" && canRevoke ? (
          <Popconfirm
            title={t("revokeConfirm")}
            styles={{ root: { maxWidth: 360 } }}
            onConfirm={() => revoke.mutateAsync({ id: r.id })}
            okButtonProps={{ danger: true }}
          >
            <Button size="small" type="link" danger data-testid="subscription-revoke">
              {t("revoke")}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];
  return (
    <Drawer
      open={!!product}
      onClose={onClose}
      size={880}
      title={product ? t("subscriptionsTitle", { name: product.displayName ?? product.name }) : ""}
      destroyOnHidden
    >
      <Space style={{ marginBottom: 12 }}>
        <Select
          allowClear
          style={{ width: 180 }}
          placeholder={t("subscriptionStatusTitle")}
          value={status}
          onChange={(v) => (setStatus(v), setPage(1))}
          options={SUBSCRIPTION_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
        />
      </Space>
      <Table<ProductSubscriptionItem>
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        columns={columns}
        locale={{ emptyText: t("noSubscriptions") }}
        pagination={{ current: page, pageSize: PAGE, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
      />
    </Drawer>
  );
}
