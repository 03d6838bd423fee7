"use client";

import { Alert, App, Button, Drawer, Form, Input, InputNumber, Select, Skeleton, Space, Switch } from "antd";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { GRANT_TYPES, TOKEN_LIFETIME, clientCreateInput, clientUpdateInput, type ClientDetail } from "~/lib/validators/client";
import { handleServerError, parseForm } from "~/components/form-errors";
import { scopeOptions } from "./scope-options";

interface FormValues {
  name: string;
  description?: string;
  grantTypes: string[];
  scopes: string[];
  redirectUris: string[];
  corsOrigins: string[];
  tokenLifetime: number;
  enabled: boolean;
}

const toForm = (d: ClientDetail): FormValues => ({
  name: d.name,
  description: d.description ?? "",
  grantTypes: d.grantTypes,
  scopes: d.scopes,
  redirectUris: d.redirectUris,
  corsOrigins: d.corsOrigins,
  tokenLifetime: d.tokenLifetime,
  enabled: d.enabled,
});

/** Create or edit a client. A new client opens its detail page, where its first secret is generated. */
export function ClientDrawer({ id, onClose, onSaved }: { id: string | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("client");
  const c = useTranslations("common");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const router = useRouter();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [error, setError] = useState<string | null>(null);
  const existing = typeof id === "string" && id !== "new" ? id : null;
  const options = useMemo(() => scopeOptions(locale), [locale]);

  const detail = useQuery({ ...trpc.client.detail.queryOptions({ id: existing ?? "" }), enabled: !!existing });
  useEffect(() => {
    if (detail.data) form.setFieldsValue(toForm(detail.data));
  }, [detail.data, form]);

  const fail = (e: unknown) => setError(handleServerError(form, e));
  const create = useMutation(
    trpc.client.create.mutationOptions({
      onSuccess: (created) => {
        void message.success(c("saved"));
        void onSaved();
        onClose();
        router.push(`/clients/${created.id}?tab=secrets`);
      },
      onError: fail,
    }),
  );
  const update = useMutation(
    trpc.client.update.mutationOptions({
      onSuccess: () => {
        void message.success(c("saved"));
        void onSaved();
        onClose();
      },
      onError: fail,
    }),
  );
  const saving = create.isPending || update.isPending;

  function submit(values: FormValues) {
    setError(null);
    const payload = { ...values, name: values.name ?? "", grantTypes: values.grantTypes ?? [], scopes: values.scopes ?? [], redirectUris: values.redirectUris ?? [], corsOrigins: values.corsOrigins ?? [] };
    if (existing) {
      const parsed = parseForm(form, clientUpdateInput, { ...payload, id: existing }, locale);
      if (parsed) update.mutate(parsed);
    } else {
      const parsed = parseForm(form, clientCreateInput, payload, locale);
      if (parsed) create.mutate(parsed);
    }
  }

  return (
    <Drawer
      open={id !== null}
      title={existing ? t("editTitle", { name: detail.data?.name ?? "" }) : t("new")}
      size={640}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{c("cancel")}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="client-save">
            {c("save")}
          </Button>
        </Space>
      }
    >
      {existing && detail.isLoading ? (
        <Skeleton active />
      ) : existing && detail.isError ? (
        <Alert type="error" showIcon title={handleServerError(null, detail.error)} />
      ) : (
        <Form<FormValues>
          form={form}
          layout="vertical"
          onFinish={submit}
          onValuesChange={(changed: Partial<FormValues>) => form.setFields((Object.keys(changed) as (keyof FormValues)[]).map((name) => ({ name, errors: [] })))}
          disabled={saving}
          initialValues={{ grantTypes: ["client_credentials"], scopes: [], redirectUris: [], corsOrigins: [], tokenLifetime: TOKEN_LIFETIME.default, enabled: true }}
        >
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
          <Form.Item name="name" label={t("name")} required>
            <Input maxLength={64} autoFocus />
          </Form.Item>
          <Form.Item name="description" label={t("description")}>
            <Input.TextArea rows={2} maxLength={500} showCount />
          </Form.Item>
          <Form.Item name="grantTypes" label={t("grantTypes")} required>
            <Select mode="multiple" options={GRANT_TYPES.map((g) => ({ value: g, label: t(`grantTypeNames.${g}`) }))} />
          </Form.Item>
          <Form.Item name="scopes" label={t("scopes")} extra={t("scopesHelp")}>
            <Select mode="multiple" allowClear showSearch={{ optionFilterProp: "label" }} options={options} aria-label={t("scopes")} data-testid="client-scopes" />
          </Form.Item>
          <Form.Item name="tokenLifetime" label={t("tokenLifetime")} extra={t("tokenLifetimeHelp")}>
            <InputNumber min={TOKEN_LIFETIME.min} max={TOKEN_LIFETIME.max} step={60} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="redirectUris" label={t("redirectUris")}>
            <Select mode="tags" tokenSeparators={[" ", ","]} placeholder="https://app.example.com/callback" open={false} suffixIcon={null} />
          </Form.Item>
          <Form.Item name="corsOrigins" label={t("corsOrigins")}>
            <Select mode="tags" tokenSeparators={[" ", ","]} placeholder="https://app.example.com" open={false} suffixIcon={null} />
          </Form.Item>
          <Form.Item name="enabled" label={t("enabled")} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      )}
    </Drawer>
  );
}
