"use client";

import { Alert, Form, Input, Typography } from "antd";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useCallback } from "react";
import { useTRPC } from "~/trpc/react";
import { roleCreateInput, roleUpdateInput, type RoleDetail } from "~/lib/validators/role";
import { FormDrawer, FormRows, editedId, useDrawerSave, useFillForm } from "~/components/form-drawer";
import { useSeededText } from "~/components/use-seeded-text";
import { PermissionPicker } from "./permission-picker";

interface FormValues {
  name: string;
  description?: string;
  permissions: string[];
  claims: { type: string; value: string }[];
}

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
  const trpc = useTRPC();
  const [form] = Form.useForm<FormValues>();
  const save = useDrawerSave(form, onSaved, onClose);
  const existing = editedId(id);

  const detail = useQuery({ ...trpc.role.detail.queryOptions({ id: existing ?? "" }), enabled: !!existing });
  const seeded = useSeededText();
  // A built-in role's seeded description is shown (and saved, if untouched) in the console's language.
  const toForm = useCallback(
    (d: RoleDetail): FormValues => ({ name: d.name, description: seeded.roleDescription(d) ?? "", permissions: d.permissions, claims: d.claims }),
    [seeded],
  );
  useFillForm(form, detail.data, toForm);
  const builtIn = detail.data?.builtIn ?? false;

  const create = useMutation(trpc.role.create.mutationOptions(save.mutation));
  const update = useMutation(trpc.role.update.mutationOptions(save.mutation));

  function submit(values: FormValues) {
    const payload = { ...values, permissions: values.permissions ?? [], claims: values.claims ?? [] };
    if (existing) save.submit(roleUpdateInput, { ...payload, id: existing }, update.mutate);
    else save.submit(roleCreateInput, payload, create.mutate);
  }

  return (
    <FormDrawer<FormValues>
      open={id !== null}
      title={existing ? t("editTitle", { name: detail.data ? seeded.roleLabel(detail.data) : "" }) : t("new")}
      size={760}
      onClose={onClose}
      saveTestId="role-save"
      form={form}
      saving={create.isPending || update.isPending}
      error={save.error}
      loading={existing ? detail : undefined}
      onFinish={submit}
      initialValues={{ permissions: [], claims: [] }}
    >
      {builtIn && <Alert type="info" showIcon title={t("builtInLocked")} style={{ marginBottom: 16 }} />}
      <Form.Item name="name" label={t("name")} required>
        <Input maxLength={64} showCount autoFocus disabled={builtIn} />
      </Form.Item>
      <Form.Item name="description" label={t("description")}>
        <Input.TextArea rows={2} maxLength={500} showCount />
      </Form.Item>
      <Form.Item name="permissions" label={t("permissions")}>
        <PermissionPicker isOperator={isOperator} disabled={builtIn} />
      </Form.Item>
      <Typography.Text strong>{t("claims")}</Typography.Text>
      <FormRows name="claims" newRow={{ type: "", value: "" }} addLabel={t("addClaim")} style={{ marginTop: 8 }}>
        {(f) => (
          <>
            <Form.Item name={[f.name, "type"]} rules={[{ required: true, message: " " }]}>
              <Input placeholder={t("claimType")} aria-label={t("claimType")} maxLength={100} showCount />
            </Form.Item>
            <Form.Item name={[f.name, "value"]}>
              <Input placeholder={t("claimValue")} aria-label={t("claimValue")} maxLength={1000} showCount style={{ width: 280 }} />
            </Form.Item>
          </>
        )}
      </FormRows>
    </FormDrawer>
  );
}
