"use client";

import { useFeedback } from "~/components/feedback";
import { useHistoryTab } from "~/components/record-history";
import { DetailPage } from "~/components/detail-page";
import { Alert, Button, DatePicker, Descriptions, Empty, Form, Image, Input, Modal, Space, Table, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Popconfirm } from "~/components/lazy-popconfirm";
import type { TableProps } from "antd";
import { KeyOutlined, PlusOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { GRANT_TYPES, secretCreateInput, signsInUsers, type SecretItem } from "~/lib/validators/client";
import { isSafeUrl } from "~/lib/validators/common";
import { clearErrorsOnChange, handleServerError, parseForm } from "~/components/form-errors";
import { useUrlState } from "~/components/use-url-state";
import { ClientDrawer } from "./client-drawer";
import { IntegrationTab } from "./[id]/integration";
import { useFormatTime } from "~/components/time";
import { CopyButton } from "~/components/copy-text";

const TABS = ["settings", "integration", "secrets", "token", "history"] as const;
const useFmt = () => {
  const f = useFormatTime();
  return (d: Date | null | undefined) => (d ? f(d, "YYYY-MM-DD HH:mm") : null);
};

export function ClientDetailView({ id }: { id: string }) {
  const t = useTranslations("client");
  const ti = useTranslations("clientIntegration");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const url = useUrlState();
  const tab = url.oneOf("tab", TABS) ?? "settings";
  const [editing, setEditing] = useState(false);
  const detail = useQuery(trpc.client.detail.queryOptions({ id }));
  const history = useHistoryTab(id);
  const invalidate = () => qc.invalidateQueries(trpc.client.pathFilter());

  const d = detail.data;
  return (
    <DetailPage
      query={detail}
      back={{ href: "/clients", label: t("title") }}
      title={
        d && (
          <>
            {d.name}
            <Tag color={d.enabled ? "green" : "red"}>{d.enabled ? t("statusEnabled") : t("statusDisabled")}</Tag>
          </>
        )
      }
      onEdit={() => setEditing(true)}
      activeTab={tab}
      onTabChange={(k) => url.set({ tab: k === "settings" ? undefined : k })}
      tabs={
        d && [
          { key: "settings", label: t("tabSettings"), children: <Settings d={d} /> },
          { key: "integration", label: ti("tab"), children: <IntegrationTab d={d} /> },
          { key: "secrets", label: t("tabSecrets"), children: <Secrets clientId={d.id} secrets={d.secrets} onChanged={invalidate} /> },
          { key: "token", label: t("tabToken"), children: <IssueToken id={d.id} enabled={d.enabled} /> },
          ...history,
        ]
      }
    >
      {d && <ClientDrawer key={`${editing}-${locale}`} id={editing ? d.id : null} onClose={() => setEditing(false)} onSaved={invalidate} />}
    </DetailPage>
  );
}

type Detail = import("~/lib/validators/client").ClientDetail;

function Settings({ d }: { d: Detail }) {
  const fmt = useFmt();
  const t = useTranslations("client");
  const c = useTranslations("common");
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  const tokenUrl = `${origin}/api/oauth/token`;
  const list = (items: string[]) =>
    items.length ? (
      <Space size={[0, 4]} wrap>
        {items.map((s) => (
          <Tag key={s}>{s}</Tag>
        ))}
      </Space>
    ) : (
      "—"
    );
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      {!d.enabled && <Alert type="warning" showIcon title={t("disabledClient")} />}
      <Descriptions bordered size="small" column={1} styles={{ label: { width: 200 } }}>
        <Descriptions.Item label={t("clientId")}>
          <Typography.Text code copyable data-testid="client-id">
            {d.clientId}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("description")}>{d.description || "—"}</Descriptions.Item>
        <Descriptions.Item label={t("clientType")}>
          <Tag data-testid="client-type-tag">{t(`clientTypeNames.${d.clientType}`)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t("grantTypes")}>
          {list(d.grantTypes.map((g) => ((GRANT_TYPES as readonly string[]).includes(g) ? t(`grantTypeNames.${g}`) : g)))}
        </Descriptions.Item>
        <Descriptions.Item label={t("tokenEndpointAuthMethod")}>
          <Typography.Text code data-testid="client-auth-method">
            {d.tokenEndpointAuthMethod}
          </Typography.Text>
        </Descriptions.Item>
        {d.tokenEndpointAuthMethod === "private_key_jwt" && <Descriptions.Item label={t("jwksUri")}>{d.jwksUri ?? "—"}</Descriptions.Item>}
        <Descriptions.Item label={t("scopes")}>{list(d.scopes)}</Descriptions.Item>
        <Descriptions.Item label={t("tokenLifetime")}>{d.tokenLifetime}</Descriptions.Item>
        {signsInUsers(d.clientType) && (
          <>
            <Descriptions.Item label={t("idTokenLifetime")}>{d.idTokenLifetime}</Descriptions.Item>
            {d.grantTypes.includes("refresh_token") && (
              <>
                <Descriptions.Item label={t("refreshTokenAbsoluteLifetime")}>{d.refreshTokenAbsoluteLifetime}</Descriptions.Item>
                <Descriptions.Item label={t("refreshTokenIdleLifetime")}>{d.refreshTokenIdleLifetime}</Descriptions.Item>
              </>
            )}
            <Descriptions.Item label={t("redirectUris")}>{list(d.redirectUris)}</Descriptions.Item>
            <Descriptions.Item label={t("postLogoutRedirectUris")}>{list(d.postLogoutRedirectUris)}</Descriptions.Item>
            <Descriptions.Item label={t("corsOrigins")}>{list(d.corsOrigins)}</Descriptions.Item>
            <Descriptions.Item label={t("backchannelLogoutUri")}>{d.backchannelLogoutUri ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={t("consentRequired")}>{d.consentRequired ? c("yes") : c("no")}</Descriptions.Item>
          </>
        )}
        <Descriptions.Item label={t("logoUri")}>
          {isSafeUrl(d.logoUri) ? <Image src={d.logoUri} alt="" width={40} height={40} style={{ objectFit: "contain" }} preview={false} /> : "—"}
        </Descriptions.Item>
        <Descriptions.Item label={c("createdAt")}>{fmt(d.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={c("updatedAt")}>{fmt(d.updatedAt)}</Descriptions.Item>
      </Descriptions>
      <Alert type="info" showIcon title={t("tokenEndpoint")} description={t("tokenEndpointHelp", { url: tokenUrl })} />
      {d.grantTypes.includes("authorization_code") && (
        <Descriptions bordered size="small" column={1} title={t("signIn")} styles={{ label: { width: 200 } }} data-testid="client-oidc">
          <Descriptions.Item label={t("issuer")}>
            <Typography.Text copyable>{origin}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t("discovery")}>
            <Typography.Text copyable>{`${origin}/.well-known/openid-configuration`}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t("clientId")}>
            <Typography.Text copyable>{d.clientId}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t("signInRules")}>{t("signInRulesText")}</Descriptions.Item>
        </Descriptions>
      )}
    </Space>
  );
}

function Secrets({ clientId, secrets, onChanged }: { clientId: string; secrets: SecretItem[]; onChanged: () => unknown }) {
  const fmt = useFmt();
  const t = useTranslations("client");
  const c = useTranslations("common");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const { message } = useFeedback();
  const [form] = Form.useForm<{ description?: string; expiresAt?: dayjs.Dayjs | null }>();
  const [asking, setAsking] = useState(false);
  const [revealed, setRevealed] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const generate = useMutation(
    trpc.client.createSecret.mutationOptions({
      onSuccess: (s) => {
        setAsking(false);
        form.resetFields();
        setRevealed(s.secret);
        void onChanged();
      },
      onError: (e) => setError(handleServerError(form, e)),
    }),
  );
  const remove = useMutation(
    trpc.client.deleteSecret.mutationOptions({
      onSuccess: () => {
        void message.success(c("deleted"));
        return onChanged();
      },
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );

  const columns: TableProps<SecretItem>["columns"] = [
    { title: t("secretHint"), dataIndex: "hint", key: "hint", render: (h: string) => <Typography.Text code>{h}</Typography.Text> },
    { title: t("secretDescription"), dataIndex: "description", key: "description", render: (v: string | null) => v || "—" },
    {
      title: t("secretExpires"),
      dataIndex: "expiresAt",
      key: "expiresAt",
      render: (v: Date | null, row) =>
        row.expired ? (
          <Tag color="red">
            {t("secretExpired")} {fmt(v)}
          </Tag>
        ) : (
          (fmt(v) ?? t("secretNever"))
        ),
    },
    { title: t("secretLastUsed"), dataIndex: "lastUsedAt", key: "lastUsedAt", render: (v: Date | null) => fmt(v) ?? t("secretNeverUsed") },
    { title: c("createdAt"), dataIndex: "createdAt", key: "createdAt", render: (v: Date) => fmt(v) },
    {
      title: c("actions"),
      key: "actions",
      render: (_, row) => (
        <Popconfirm
          title={t("confirmDeleteSecret", { hint: row.hint })}
          onConfirm={() => remove.mutateAsync({ id: clientId, secretId: row.id })}
          okButtonProps={{ danger: true }}
        >
          <Button size="small" type="link" danger>
            {c("delete")}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  function submit(v: { description?: string; expiresAt?: dayjs.Dayjs | null }) {
    setError(null);
    const parsed = parseForm(
      form,
      secretCreateInput,
      { id: clientId, description: v.description || null, expiresAt: v.expiresAt ? v.expiresAt.toDate() : null },
      locale,
    );
    if (parsed) generate.mutate(parsed);
  }

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Space>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAsking(true)} data-testid="secret-generate">
          {t("generateSecret")}
        </Button>
      </Space>
      <Table<SecretItem>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={secrets}
        pagination={false}
        locale={{ emptyText: <Empty description={t("noSecrets")} /> }}
      />
      <Modal
        open={asking}
        title={t("generateTitle")}
        okText={t("generate")}
        cancelText={c("cancel")}
        confirmLoading={generate.isPending}
        onOk={() => form.submit()}
        onCancel={() => setAsking(false)}
        destroyOnHidden
        okButtonProps={{ "data-testid": "secret-generate-ok" } as Record<`data-${string}`, string>}
      >
        <Form form={form} layout="vertical" onValuesChange={clearErrorsOnChange(form)} onFinish={submit}>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
          <Form.Item name="description" label={t("secretDescription")}>
            <Input maxLength={200} showCount />
          </Form.Item>
          <Form.Item name="expiresAt" label={t("secretExpires")} extra={t("secretNever")}>
            <DatePicker showTime disabledDate={(d) => d.isBefore(dayjs(), "day")} style={{ width: "100%" }} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={revealed !== null}
        title={
          <Space>
            <KeyOutlined />
            {t("revealTitle")}
          </Space>
        }
        width={640}
        closable={false}
        maskClosable={false}
        keyboard={false}
        footer={
          <Button type="primary" onClick={() => setRevealed(null)} data-testid="secret-done">
            {t("done")}
          </Button>
        }
      >
        <Space orientation="vertical" style={{ width: "100%" }}>
          <Alert type="warning" showIcon title={t("revealHint")} />
          <Space.Compact block>
            <Input readOnly value={revealed ?? ""} data-testid="secret-value" style={{ fontFamily: "monospace" }} onFocus={(e) => e.target.select()} />
            <CopyButton text={revealed ?? ""} testId="secret-copy" />
          </Space.Compact>
        </Space>
      </Modal>
    </Space>
  );
}

function IssueToken({ id, enabled }: { id: string; enabled: boolean }) {
  const t = useTranslations("client");
  const trpc = useTRPC();
  const [scope, setScope] = useState("");
  const issue = useMutation(trpc.client.issueToken.mutationOptions());
  const json = useMemo(() => (issue.data ? JSON.stringify(issue.data.claims, null, 2) : ""), [issue.data]);
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("issueTokenHelp")}
      </Typography.Paragraph>
      <Space.Compact style={{ width: "100%", maxWidth: 640 }}>
        <Input
          aria-label={t("requestedScope")}
          placeholder={t("requestedScope")}
          value={scope}
          onChange={(e) => setScope(e.target.value)}
          onPressEnter={() => issue.mutate({ id, scope: scope.trim() || undefined })}
        />
        <Button
          type="primary"
          disabled={!enabled}
          loading={issue.isPending}
          onClick={() => issue.mutate({ id, scope: scope.trim() || undefined })}
          data-testid="issue-token"
        >
          {t("issue")}
        </Button>
      </Space.Compact>
      {!enabled && <Alert type="warning" showIcon title={t("disabledClient")} />}
      {issue.isError && <Alert type="error" showIcon title={handleServerError(null, issue.error)} role="alert" />}
      {issue.data && (
        <>
          <Typography.Text strong>
            {t("accessToken")} · <Typography.Text type="secondary">{t("expiresIn", { seconds: issue.data.expires_in })}</Typography.Text>
          </Typography.Text>
          <Space.Compact block>
            <Input.TextArea
              readOnly
              autoSize={{ minRows: 3, maxRows: 6 }}
              value={issue.data.access_token}
              data-testid="issued-token"
              style={{ fontFamily: "monospace" }}
            />
            <CopyButton text={issue.data.access_token} />
          </Space.Compact>
          <Typography.Text strong>{t("header")}</Typography.Text>
          <pre style={{ margin: 0, padding: 12, background: "rgba(0,0,0,0.04)", borderRadius: 6 }}>{JSON.stringify(issue.data.header, null, 2)}</pre>
          <Typography.Text strong>{t("claims")}</Typography.Text>
          <pre style={{ margin: 0, padding: 12, background: "rgba(0,0,0,0.04)", borderRadius: 6 }} data-testid="issued-claims">
            {json}
          </pre>
        </>
      )}
    </Space>
  );
}
