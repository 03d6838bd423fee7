"use client";

import { useFeedback } from "~/components/feedback";
import { useMemo, useState } from "react";
import { Alert, Button, Empty, Form, Input, List, Select, Skeleton, Space, Tabs, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "~/components/app-link";
import { useLocale, useTranslations } from "next-intl";
import { isSafeUrl } from "~/lib/validators/common";
import { subscribeInput } from "~/lib/validators/api-subscription";
import { clearErrorsOnChange, parseForm } from "~/components/form-errors";
import { useTRPC } from "~/trpc/react";
import { BackLink } from "~/components/detail-page";
import { handleServerError } from "~/components/form-errors";
import { Time } from "~/components/time";
import { ScalarDocument } from "~/app/(console)/api-docs/api-reference";
import { ChangeList } from "~/app/(console)/api-resources/[id]/publishing";
import type { IssuedKey } from "~/lib/validators/product-subscription";
import { IssuedKeyModal } from "~/app/portal/issued-key";
import { useSignedIn } from "~/app/portal/portal-shell";

/**
 * One published API: pick a version and one of its released revisions (the online one first),
 * read its reference, its release history with each release's changes, and the products that
 * offer it.
 */
export function PortalApiView({ id }: { id: string }) {
  const t = useTranslations("portal");
  const p = useTranslations("apiPublish");
  const trpc = useTRPC();
  const api = useQuery(trpc.portal.api.queryOptions({ id }));
  const [versionId, setVersionId] = useState<string | null>(null);
  const [revisionId, setRevisionId] = useState<string | undefined>(undefined);
  const version = api.data?.versions.find((v) => v.id === versionId) ?? api.data?.versions[api.data.versions.length - 1];
  const doc = useQuery({ ...trpc.portal.document.queryOptions({ versionId: version?.id ?? "", revisionId }), enabled: !!version });
  const source = useMemo(() => ({ content: doc.data?.document ?? {} }), [doc.data?.document]);
  const releases = (api.data?.releases ?? []).filter((r) => r.versionId === version?.id);
  const revisions = [...new Map(releases.map((r) => [r.revisionId, r.revisionNumber])).entries()];
  if (api.isLoading) return <Skeleton active />;
  if (api.isError)
    return (
      <Space orientation="vertical">
        <BackLink href="/portal" label={t("apisTitle")} />
        <Alert type="error" showIcon title={handleServerError(null, api.error)} />
      </Space>
    );
  const a = api.data!;
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <BackLink href="/portal" label={t("apisTitle")} />
      <Space align="center" wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {a.displayName ?? a.name}
        </Typography.Title>
        <Typography.Text code>{a.name}</Typography.Text>
      </Space>
      {a.description && <Typography.Paragraph type="secondary">{a.description}</Typography.Paragraph>}
      <SubscribeForm apiId={a.id} />
      <Space wrap>
        <Select
          aria-label={p("version")}
          data-testid="portal-version"
          style={{ minWidth: 140 }}
          value={version?.id}
          onChange={(v) => (setVersionId(v), setRevisionId(undefined))}
          options={a.versions.map((v) => ({ value: v.id, label: v.name }))}
        />
        <Select
          aria-label={p("revision")}
          data-testid="portal-revision"
          style={{ minWidth: 200 }}
          value={doc.data?.revisionId}
          onChange={setRevisionId}
          options={revisions.map(([rid, n]) => ({
            value: rid,
            label: rid === doc.data?.revisionId && doc.data.online ? `${p("revisionN", { n })} · ${p("online")}` : p("revisionN", { n }),
          }))}
        />
        {doc.data && !doc.data.online && <Tag color="orange">{t("olderRevision")}</Tag>}
      </Space>
      <Tabs
        items={[
          {
            key: "reference",
            label: t("reference"),
            children: doc.isError ? (
              <Alert type="error" showIcon title={handleServerError(null, doc.error)} />
            ) : doc.data ? (
              <ScalarDocument source={source} />
            ) : (
              <Skeleton active />
            ),
          },
          {
            key: "changelog",
            label: t("changelog"),
            children: releases.length ? (
              <List
                data-testid="portal-changelog"
                dataSource={releases}
                renderItem={(r) => (
                  <List.Item>
                    <Space orientation="vertical" style={{ width: "100%" }}>
                      <Space wrap>
                        <Typography.Text strong>{p("revisionN", { n: r.revisionNumber })}</Typography.Text>
                        <Typography.Text type="secondary">
                          <Time value={r.createdAt} />
                        </Typography.Text>
                      </Space>
                      {r.notes && <Typography.Paragraph style={{ whiteSpace: "pre-wrap", margin: 0 }}>{r.notes}</Typography.Paragraph>}
                      {r.changes && <ChangeList changes={r.changes} />}
                    </Space>
                  </List.Item>
                )}
              />
            ) : (
              <Empty description={p("noReleases")} />
            ),
          },
          {
            key: "sdks",
            label: t("sdks"),
            children: (
              <List
                data-testid="portal-packages"
                dataSource={a.packages}
                locale={{ emptyText: <Empty description={t("noPackages")} /> }}
                renderItem={(pkg) => (
                  <List.Item
                    extra={
                      isSafeUrl(pkg.link) && (
                        <Typography.Link href={pkg.link} target="_blank" rel="noopener noreferrer">
                          {t("open")}
                        </Typography.Link>
                      )
                    }
                  >
                    <List.Item.Meta
                      avatar={isSafeUrl(pkg.icon) ? <img src={pkg.icon} alt="" width={32} height={32} /> : undefined}
                      title={
                        <Space wrap>
                          {pkg.name}
                          <Tag>{pkg.platform}</Tag>
                          {pkg.language && <Tag color="blue">{pkg.language}</Tag>}
                        </Space>
                      }
                      description={[pkg.publisher, pkg.description].filter(Boolean).join(" · ")}
                    />
                  </List.Item>
                )}
              />
            ),
          },
          {
            key: "products",
            label: t("products"),
            children: (
              <List
                dataSource={a.products}
                locale={{ emptyText: <Empty description={t("noProducts")} /> }}
                renderItem={(prod) => (
                  <List.Item>
                    <Card
                      size="small"
                      style={{ width: "100%" }}
                      title={prod.displayName ?? prod.name}
                      extra={<SubscribeProduct apiId={a.id} productId={prod.id} />}
                    >
                      {prod.description && <Typography.Paragraph>{prod.description}</Typography.Paragraph>}
                      <Space wrap>
                        <Tag>{prod.requestLimit ? t("limit", { n: prod.requestLimit }) : t("noLimit")}</Tag>
                        {prod.approvalRequired && <Tag color="orange">{t("approval")}</Tag>}
                      </Space>
                    </Card>
                  </List.Item>
                )}
              />
            ),
          },
        ]}
      />
    </Space>
  );
}

/**
 * Subscribe to a product: a signed-in user gets a client and its secret (shown once, in a modal);
 * a visitor is offered the sign-in page, which brings them back here.
 */
function SubscribeProduct({ apiId, productId }: { apiId: string; productId: string }) {
  const t = useTranslations("portal");
  const signedIn = useSignedIn();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const run = useMutation(
    trpc.portal.subscribeProduct.mutationOptions({
      onSuccess: (d) => (setIssued(d), qc.invalidateQueries(trpc.portal.mySubscriptions.pathFilter())),
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  if (!signedIn)
    return (
      <Link href={`/login?callbackUrl=${encodeURIComponent(`/portal/apis/${apiId}`)}`} data-testid="portal-product-signin">
        {t("signInToSubscribe")}
      </Link>
    );
  return (
    <>
      <Button type="primary" size="small" loading={run.isPending} onClick={() => run.mutate({ productId })} data-testid="portal-product-subscribe">
        {t("subscribeProduct")}
      </Button>
      <IssuedKeyModal issued={issued} onClose={() => setIssued(null)} />
    </>
  );
}

/** Subscribe by email to this API's releases: a confirmation link goes to the address first. */
function SubscribeForm({ apiId }: { apiId: string }) {
  const t = useTranslations("portal");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const { message } = useFeedback();
  const [form] = Form.useForm<{ email?: string }>();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useMutation(
    trpc.apiSubscription.subscribe.mutationOptions({
      onSuccess: (_d, input) => {
        setSentTo(input.email);
        void message.success(t("subscribeSent", { email: input.email }));
      },
      onError: (e) => setError(handleServerError(form, e)),
    }),
  );
  return (
    <Card size="small" title={t("subscribeTitle")} data-testid="portal-subscribe">
      <Typography.Paragraph type="secondary">{sentTo ? t("subscribeSent", { email: sentTo }) : t("subscribeIntro")}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="inline"
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(v) => {
          setError(null);
          const parsed = parseForm(form, subscribeInput, { id: apiId, email: v.email ?? "" }, locale);
          if (parsed) run.mutate(parsed);
        }}
      >
        <Form.Item name="email" style={{ minWidth: 280 }}>
          <Input
            inputMode="email"
            autoComplete="email"
            placeholder="you@example.com"
            maxLength={254}
            aria-label={t("email")}
            data-testid="portal-subscribe-email"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={run.isPending} data-testid="portal-subscribe-submit">
          {t("subscribe")}
        </Button>
      </Form>
    </Card>
  );
}
