"use client";

import { Checkbox, Form, Input, Select } from "antd";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { userCreateInput } from "~/lib/validators/user";
import { FormDrawer, useDrawerSave } from "~/components/form-drawer";
import { PASSWORD_MAX, PasswordStrength } from "~/components/password-strength";
import { ProfileFields, profilePayload, type ProfileValues } from "./user-form";
import { useSeededText } from "~/components/use-seeded-text";

type Values = ProfileValues & { password?: string; mustChangePassword?: boolean; roleIds?: string[] };

/** Create a user: profile, optional initial password, roles. Opens the new user's page after. */
export function UserDrawer({ onClose, onSaved }: { onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("user");
  const trpc = useTRPC();
  const seeded = useSeededText();
  const router = useRouter();
  const [form] = Form.useForm<Values>();
  const save = useDrawerSave(form, onSaved, onClose);
  const password = Form.useWatch("password", form) ?? "";
  const roles = useQuery(trpc.user.roleOptions.queryOptions());
  const create = useMutation(
    trpc.user.create.mutationOptions({
      onSuccess: (u) => {
        save.done();
        router.push(`/users/${u.id}`);
      },
      onError: save.fail,
    }),
  );

  function submit(values: Values) {
    save.submit(
      userCreateInput,
      { ...profilePayload(values), password: values.password ?? "", mustChangePassword: values.mustChangePassword ?? true, roleIds: values.roleIds ?? [] },
      create.mutate,
    );
  }

  return (
    <FormDrawer<Values>
      open
      title={t("new")}
      size={560}
      onClose={onClose}
      saveTestId="user-save"
      form={form}
      saving={create.isPending}
      error={save.error}
      onFinish={submit}
      initialValues={{ status: "active", roleIds: [], mustChangePassword: true }}
    >
      <ProfileFields />
      <Form.Item name="roleIds" label={t("roles")}>
        <Select mode="multiple" aria-label={t("roles")} options={(roles.data ?? []).map((r) => ({ value: r.id, label: seeded.roleLabel(r) }))} />
      </Form.Item>
      <Form.Item
        name="password"
        label={t("password")}
        extra={
          <>
            <div>{t("passwordHint")}</div>
            <PasswordStrength value={password} />
          </>
        }
      >
        <Input.Password autoComplete="new-password" maxLength={PASSWORD_MAX} showCount />
      </Form.Item>
      <Form.Item name="mustChangePassword" valuePropName="checked">
        <Checkbox>{t("mustChangePassword")}</Checkbox>
      </Form.Item>
    </FormDrawer>
  );
}
