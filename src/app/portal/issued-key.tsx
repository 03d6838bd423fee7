"use client";

import { Alert, Button, Descriptions, Modal, Typography } from "antd";
import { useTranslations } from "next-intl";
import type { IssuedKey } from "~/lib/validators/product-subscription";

/** The client id and secret a subscription or a rotation issued: shown this once, with copy buttons. */
export function IssuedKeyModal({ issued, rotated, onClose }: { issued: IssuedKey | null; rotated?: boolean; onClose: () => void }) {
  const t = useTranslations("portal");
  return (
    <Modal
      open={!!issued}
      title={t("keyTitle")}
      onCancel={onClose}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={onClose} data-testid="portal-key-done">
          {t("keyDone")}
        </Button>
      }
      destroyOnHidden
    >
      {issued && (
        <>
          <Typography.Paragraph>
            {t(rotated ? "rotated" : issued.subscription.status === "pending" ? "subscribedPending" : "subscribedActive")}
          </Typography.Paragraph>
          <Alert type="warning" showIcon title={t("keyWarning")} style={{ marginBottom: 12 }} />
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t("clientId")}>
              <Typography.Text code copyable data-testid="portal-key-client-id">
                {issued.clientId}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t("clientSecret")}>
              <Typography.Text code copyable style={{ wordBreak: "break-all" }} data-testid="portal-key-secret">
                {issued.clientSecret}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
        </>
      )}
    </Modal>
  );
}
