"use client";

import { Alert, App, Button, Drawer, Form, Input, Skeleton, Space, Typography } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { roleCreateInput, roleUpdateInput, type RoleDetail } from "~/lib/validators/role";
import { handleServerError, parseForm } from "~/components/form-errors";
import { PermissionPicker } from "./permission-picker";

interface FormValues {
  name: string;
  description?: string;
  permissions: string[];
  claims: { type: string; value: string }[];
}

const toForm = (d: RoleDetail): FormValues => ({ name: d.name, description: d.description ?? "", permissions: d.permissions, claims: d.claims });

export function RoleDrawer({
  id,
  isOperator,
  onClose,
  onSaved,
}: {
  id: string | "new" | null;
  isOperator: boolean;
  onClose: () => void;
  onSaved: () => unknown;
}) {
  const t = useTranslations("role");
  const c = useTranslations("common");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [error, setError] = useState<string | null>(null);
  const existing = typeof id === "string" && id !== "new" ? id : null;

  const detail = useQuery({ ...trpc.role.detail.queryOptions({ id: existing ?? "" }), enabled: !!existing });
  useEffect(() => {
    if (detail.data) form.setFieldsValue(toForm(detail.data));
  }, [detail.data, form]);
  const builtIn = detail.data?.builtIn ?? false;

  const done = () => {
    void message.success(c("saved"));
    void onSaved();
    onClose();
  };
  const fail = (e: unknown) => setError(handleServerError(form, e));
  const create = useMutation(trpc.role.create.mutationOptions({ onSuccess: done, onError: fail }));
  const update = useMutation(trpc.role.update.mutationOptions({ onSuccess: done, onError: fail }));
  const saving = create.isPending || update.isPending;

  function submit(values: FormValues) {
    setError(null);
    const payload = { ...values, permissions: values.permissions ?? [], claims: values.claims ?? [] };
    if (existing) {
      const parsed = parseForm(form, roleUpdateInput, { ...payload, id: existing }, locale);
      if (parsed) update.mutate(parsed);
    } else {
      const parsed = parseForm(form, roleCreateInput, payload, locale);
      if (parsed) create.mutate(parsed);
    }
  }

  return (
    <Drawer
      open={id !== null}
      title={existing ? t("editTitle", { name: detail.data?.name ?? "" }) : t("new")}
      size={760}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{c("cancel")}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="role-save">
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
        <Form<FormValues> form={form} layout="vertical" onFinish={submit} disabled={saving} initialValues={{ permissions: [], claims: [] }}>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
          {builtIn && <Alert type="info" showIcon title={t("builtInLocked")} style={{ marginBottom: 16 }} />}
          <Form.Item name="name" label={t("name")} required>
            <Input maxLength={64} autoFocus disabled={builtIn} />
          </Form.Item>
          <Form.Item name="description" label={t("description")}>
            <Input.TextArea rows={2} maxLength={500} showCount />
          </Form.Item>
          <Form.Item name="permissions" label={t("permissions")}>
            <PermissionPicker isOperator={isOperator} disabled={builtIn} />
          </Form.Item>
          <Typography.Text strong>{t("claims")}</Typography.Text>
          <Form.List name="claims">
            {(fields, { add, remove }) => (
              <div style={{ marginTop: 8 }}>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" style={{ display: "flex" }}>
                    <Form.Item name={[f.name, "type"]} rules={[{ required: true, message: " " }]}>
                      <Input placeholder={t("claimType")} aria-label={t("claimType")} maxLength={100} />
                    </Form.Item>
                    <Form.Item name={[f.name, "value"]}>
                      <Input placeholder={t("claimValue")} aria-label={t("claimValue")} maxLength={1000} style={{ width: 280 }} />
                    </Form.Item>
                    <MinusCircleOutlined aria-label={c("remove")} onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ type: "", value: "" })}>
                  {t("addClaim")}
                </Button>
              </div>
            )}
          </Form.List>
        </Form>
      )}
    </Drawer>
  );
}
