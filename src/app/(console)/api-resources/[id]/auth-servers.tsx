"use client";

import { useFeedback } from "~/components/feedback";
import { useState } from "react";
import { Alert, Button, Drawer, Form, Input, Space, Table, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Popconfirm } from "~/components/lazy-popconfirm";
import type { TableProps } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { useCan } from "~/components/console-permissions";
import { clearErrorsOnChange, handleServerError, parseForm, schemaRule } from "~/components/form-errors";
import { authServerCreateInput, discoveryUrl, type AuthServerItem } from "~/lib/validators/api-publish";
import type { ApiResourceItem } from "~/lib/validators/api";

/** The servers an API may name (own first), for the publish form's Select and the drawer below. */
export function useAuthServers(api: ApiResourceItem) {
  const trpc = useTRPC();
  const can = useCan("uc.apiresource.authservers") !== false;
  return useQuery({ ...trpc.apiPublish.authServers.queryOptions({ id: api.id }), enabled: can });
}

/** A server as the Select shows it: the tenant's own provider, or a name and its issuer. */
export function authServerLabel(s: AuthServerItem, ownLabel: string) {
  return s.kind === "self" ? `${ownLabel} (${s.issuer})` : `${s.name} (${s.issuer})`;
}

/** The tenant's authorization servers: its own provider (not removable), the others with add by discovery URL and remove. */
export function AuthServersDrawer({ api, open, onClose }: { api: ApiResourceItem; open: boolean; onClose: () => void }) {
  const t = useTranslations("apiPublish");
  const c = useTranslations("common");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const servers = useAuthServers(api);
  const canAdd = useCan("uc.apiresource.postauthserver") !== false;
  const canRemove = useCan("uc.apiresource.deleteauthserver") !== false;
  const [form] = Form.useForm<{ name?: string; discoveryUrl?: string }>();
  const [error, setError] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries(trpc.apiPublish.authServers.pathFilter());
  const add = useMutation(
    trpc.apiPublish.addAuthServer.mutationOptions({
      onSuccess: () => (void message.success(t("authServerAdded")), form.resetFields(), refresh()),
      onError: (e) => setError(handleServerError(form, e)),
    }),
  );
  const remove = useMutation(
    trpc.apiPublish.removeAuthServer.mutationOptions({
      onSuccess: () => (void message.success(t("authServerRemoved")), refresh()),
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  const columns: TableProps<AuthServerItem>["columns"] = [
    {
      title: t("authServerName"),
      key: "name",
      render: (_, s) =>
        s.kind === "self" ? (
          <Space size={4}>
            {t("authServerSelf")}
            <Tag color="blue">{t("authServerOwn")}</Tag>
          </Space>
        ) : (
          s.name
        ),
    },
    {
      title: t("authServerIssuer"),
      key: "issuer",
      render: (_, s) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text code copyable>
            {s.issuer}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {s.jwksUri}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t("authServerUsedBy"), key: "used", align: "right", render: (_, s) => s.usedBy },
    {
      title: c("actions"),
      key: "actions",
      render: (_, s) =>
        s.kind === "other" && canRemove ? (
          <Popconfirm
            title={t("authServerRemoveConfirm", { name: s.name })}
            onConfirm={() => remove.mutateAsync({ id: s.id })}
            okButtonProps={{ danger: true }}
          >
            <Button
              size="small"
              type="link"
              danger
              disabled={s.usedBy > 0}
              title={s.usedBy > 0 ? t("authServerInUse") : undefined}
              data-testid="auth-server-remove"
            >
              {t("authServerRemove")}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];
  return (
    <Drawer open={open} onClose={onClose} size={820} title={t("authServersTitle")} destroyOnHidden>
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t("authServersIntro")}
        </Typography.Paragraph>
        {servers.isError && <Alert type="error" showIcon title={handleServerError(null, servers.error)} />}
        <Table<AuthServerItem>
          rowKey="id"
          size="small"
          loading={servers.isLoading}
          dataSource={servers.data ?? []}
          columns={columns}
          pagination={false}
          data-testid="auth-servers"
        />
        {canAdd && (
          <Form
            form={form}
            layout="vertical"
            disabled={add.isPending}
            onValuesChange={clearErrorsOnChange(form)}
            onFinish={(v) => {
              setError(null);
              const parsed = parseForm(
                form,
                authServerCreateInput,
                { name: v.name ?? "", discoveryUrl: v.discoveryUrl ?? "", tenantId: api.tenantId },
                locale,
                (m) => setError(m.join(" ")),
              );
              if (parsed) add.mutate(parsed);
            }}
          >
            <Typography.Title level={5}>{t("authServerAdd")}</Typography.Title>
            {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
            <Form.Item name="name" label={t("authServerName")} rules={[{ required: true, message: t("authServerNameRequired") }]}>
              <Input maxLength={100} data-testid="auth-server-name" />
            </Form.Item>
            <Form.Item
              name="discoveryUrl"
              label={t("authServerDiscovery")}
              extra={t("authServerDiscoveryHelp")}
              rules={[schemaRule(discoveryUrl, locale, { required: true })]}
            >
              <Input placeholder="https://login.example.com/.well-known/openid-configuration" maxLength={2000} data-testid="auth-server-discovery" />
            </Form.Item>
            <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={add.isPending} data-testid="auth-server-add">
              {t("authServerAddButton")}
            </Button>
          </Form>
        )}
      </Space>
    </Drawer>
  );
}
