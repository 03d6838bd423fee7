"use client";

import { Alert, Button, Result } from "antd";
import { useTranslations } from "next-intl";
import { AuthCard } from "~/app/login/login-form";

export type LinkAction = "confirm" | "unsubscribe";
export type LinkResult = "ok" | "invalid" | "expired" | null;

/**
 * The page a subscriber's email links to. It never acts by itself (mail scanners open links):
 * its button posts the token to /api/subscriptions/<action>, which answers back here with the
 * outcome. A plain HTML form, so it works without JavaScript too.
 */
export function SubscriptionLinkView({ action, token, result, tenantName }: { action: LinkAction; token: string; result: LinkResult; tenantName: string }) {
  const t = useTranslations("apiSubscriber.page");
  const title = action === "confirm" ? t("confirmTitle") : t("unsubscribeTitle");
  return (
    <AuthCard title={title} subtitle={tenantName}>
      {result === "ok" ? (
        <Result status="success" title={action === "confirm" ? t("confirmed") : t("unsubscribed")} data-testid="subscription-result-ok" />
      ) : result ? (
        <Alert type="error" showIcon title={t(result)} data-testid={`subscription-result-${result}`} />
      ) : !token ? (
        <Alert type="warning" showIcon title={t("noToken")} />
      ) : (
        <form method="post" action={`/api/subscriptions/${action}?t=${encodeURIComponent(token)}`}>
          <p>{action === "confirm" ? t("confirmLead") : t("unsubscribeLead")}</p>
          <Button type="primary" htmlType="submit" danger={action === "unsubscribe"} block data-testid="subscription-submit">
            {action === "confirm" ? t("confirmButton") : t("unsubscribeButton")}
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
