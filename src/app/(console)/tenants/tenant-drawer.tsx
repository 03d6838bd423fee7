"use client";

import { Alert, App, Button, Checkbox, Divider, Drawer, Form, Input, Select, Skeleton, Space, Typography } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { TENANT_STATUSES, tenantCreateInput, tenantUpdateInput, type TenantDetail } from "~/lib/validators/tenant";
import { handleServerError, parseForm } from "~/components/form-errors";

interface FormValues {
  name: string;
  status: (typeof TENANT_STATUSES)[number];
  description?: string;
  logo?: string;
  theme?: string;
  hosts: string[];
  claims: { type: string; value: string; isPublic: boolean }[];
  properties: { key: string; value?: string; secret: boolean; isSet?: boolean }[];
}

const toForm = (d: TenantDetail): FormValues => ({
  name: d.name,
  status: d.status,
  description: d.description ?? "",
  logo: d.logo ?? "",
  theme: d.theme ?? "",
  hosts: d.hosts,
  claims: d.claims,
  properties: d.properties.map((p) => ({ key: p.key, value: p.value ?? "", secret: p.secret, isSet: p.isSet })),
});

/** A secret left blank keeps its stored value (sent as null); the server never sends it back. */
const fromForm = (v: FormValues) => ({
  ...v,
  hosts: v.hosts ?? [],
  claims: v.claims ?? [],
  properties: (v.properties ?? []).map(({ isSet, ...p }) => ({ ...p, value: p.secret && isSet && !p.value ? null : (p.value ?? "") })),
});

export function TenantDrawer({ id, onClose, onSaved }: { id: string | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("tenant");
  const c = useTranslations("common");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [error, setError] = useState<string | null>(null);
  const existing = typeof id === "string" && id !== "new" ? id : null;

  const detail = useQuery({ ...trpc.tenant.detail.queryOptions({ id: existing ?? "" }), enabled: !!existing });
  useEffect(() => {
    if (detail.data) form.setFieldsValue(toForm(detail.data));
  }, [detail.data, form]);

  const done = () => {
    void message.success(c("saved"));
    void onSaved();
    onClose();
  };
  const fail = (e: unknown) => setError(handleServerError(form, e));
  const create = useMutation(trpc.tenant.create.mutationOptions({ onSuccess: done, onError: fail }));
  const update = useMutation(trpc.tenant.update.mutationOptions({ onSuccess: done, onError: fail }));
  const saving = create.isPending || update.isPending;

  function submit(values: FormValues) {
    setError(null);
    const payload = fromForm(values);
    if (existing) {
      const parsed = parseForm(form, tenantUpdateInput, { ...payload, id: existing }, locale);
      if (parsed) update.mutate(parsed);
    } else {
      const parsed = parseForm(form, tenantCreateInput, payload, locale);
      if (parsed) create.mutate(parsed);
    }
  }

  const title = existing ? t("editTitle", { name: detail.data?.name ?? "" }) : t("new");
  return (
    <Drawer
      open={id !== null}
      title={title}
      size={640}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{c("cancel")}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="tenant-save">
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
          disabled={saving}
          initialValues={{ status: "enabled", hosts: [""], claims: [], properties: [] }}
        >
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
          <Form.Item name="name" label={t("name")} required>
            <Input maxLength={64} autoFocus />
          </Form.Item>
          <Form.Item name="status" label={t("status")}>
            <Select
              disabled={detail.data?.isDefault}
              options={TENANT_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
            />
          </Form.Item>
          <Form.Item name="description" label={t("description")}>
            <Input.TextArea rows={2} maxLength={500} showCount />
          </Form.Item>
          <Space.Compact block>
            <Form.Item name="logo" label={t("logo")} style={{ flex: 2, marginRight: 12 }}>
              <Input placeholder="https://…" />
            </Form.Item>
            <Form.Item name="theme" label={t("theme")} style={{ flex: 1 }}>
              <Input placeholder="#1d4ed8" maxLength={32} />
            </Form.Item>
          </Space.Compact>

          <Divider titlePlacement="start">{t("hosts")}</Divider>
          <Typography.Paragraph type="secondary">{t("hostsHelp")}</Typography.Paragraph>
          <Form.List name="hosts">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" style={{ display: "flex" }}>
                    <Form.Item name={f.name} style={{ width: 420 }}>
                      <Input placeholder="app.example.com" aria-label={t("hosts")} />
                    </Form.Item>
                    <MinusCircleOutlined aria-label={c("remove")} onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add("")}>
                  {c("add")}
                </Button>
              </>
            )}
          </Form.List>

          <Divider titlePlacement="start">{t("claims")}</Divider>
          <Form.List name="claims">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" style={{ display: "flex" }}>
                    <Form.Item name={[f.name, "type"]}>
                      <Input placeholder={t("claimType")} aria-label={t("claimType")} />
                    </Form.Item>
                    <Form.Item name={[f.name, "value"]}>
                      <Input placeholder={t("claimValue")} aria-label={t("claimValue")} />
                    </Form.Item>
                    <Form.Item name={[f.name, "isPublic"]} valuePropName="checked">
                      <Checkbox>{t("claimPublic")}</Checkbox>
                    </Form.Item>
                    <MinusCircleOutlined aria-label={c("remove")} onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ type: "", value: "", isPublic: true })}>
                  {c("add")}
                </Button>
              </>
            )}
          </Form.List>

          <Divider titlePlacement="start">{t("properties")}</Divider>
          <Form.List name="properties">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Form.Item key={f.key} noStyle shouldUpdate>
                    {() => {
                      const p = form.getFieldValue(["properties", f.name]) as FormValues["properties"][number] | undefined;
                      return (
                        <Space align="baseline" style={{ display: "flex" }}>
                          <Form.Item name={[f.name, "key"]}>
                            <Input placeholder={t("propertyKey")} aria-label={t("propertyKey")} />
                          </Form.Item>
                          <Form.Item name={[f.name, "value"]}>
                            {p?.secret ? (
                              <Input.Password
                                placeholder={p.isSet ? t("secretKept") : t("secretNotSet")}
                                aria-label={t("propertyValue")}
                                autoComplete="new-password"
                                visibilityToggle={false}
                              />
                            ) : (
                              <Input placeholder={t("propertyValue")} aria-label={t("propertyValue")} />
                            )}
                          </Form.Item>
                          <Form.Item name={[f.name, "secret"]} valuePropName="checked">
                            <Checkbox>{t("propertySecret")}</Checkbox>
                          </Form.Item>
                          <MinusCircleOutlined aria-label={c("remove")} onClick={() => remove(f.name)} />
                        </Space>
                      );
                    }}
                  </Form.Item>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ key: "", value: "", secret: false })}>
                  {c("add")}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      )}
    </Drawer>
  );
}
