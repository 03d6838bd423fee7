"use client";

import { Alert, App, Button, Drawer, Form, Input, Select, Space } from "antd";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { userCreateInput } from "~/lib/validators/user";
import { handleServerError, parseForm } from "~/components/form-errors";
import { ProfileFields, profilePayload, type ProfileValues } from "./user-form";

type Values = ProfileValues & { password?: string; roleIds?: string[] };

/** Create a user: profile, optional initial password, roles. Opens the new user's page after. */
export function UserDrawer({ onClose, onSaved }: { onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("user");
  const c = useTranslations("common");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const router = useRouter();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const roles = useQuery(trpc.user.roleOptions.queryOptions());
  const create = useMutation(
    trpc.user.create.mutationOptions({
      onSuccess: (u) => {
        void message.success(c("saved"));
        void onSaved();
        onClose();
        router.push(`/users/${u.id}`);
      },
      onError: (e) => setError(handleServerError(form, e)),
    }),
  );

  function submit(values: Values) {
    setError(null);
    const parsed = parseForm(form, userCreateInput, { ...profilePayload(values), password: values.password ?? "", roleIds: values.roleIds ?? [] }, locale);
    if (parsed) create.mutate(parsed);
  }

  return (
    <Drawer
      open
      title={t("new")}
      size={560}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{c("cancel")}</Button>
          <Button type="primary" loading={create.isPending} onClick={() => form.submit()} data-testid="user-save">
            {c("save")}
          </Button>
        </Space>
      }
    >
      <Form<Values> form={form} layout="vertical" onFinish={submit} disabled={create.isPending} initialValues={{ status: "active", roleIds: [] }}>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <ProfileFields />
        <Form.Item name="roleIds" label={t("roles")}>
          <Select mode="multiple" aria-label={t("roles")} options={(roles.data ?? []).map((r) => ({ value: r.id, label: r.name }))} />
        </Form.Item>
        <Form.Item name="password" label={t("password")} extra={t("passwordHint")}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
