"use client";

import { useFeedback } from "~/components/feedback";
import { Alert, Button, DatePicker, Form, Input, Modal, Select, Space } from "antd";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import dayjs from "dayjs";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { changePasswordInput, codeSchema, emailSchema, newPasswordSchema } from "~/lib/validators/auth";
import { phoneSchema } from "~/lib/validators/common";
import { CodeSender } from "~/components/code-sender";
import { clearErrorsOnChange, handleServerError, hasFieldErrors, parseForm, schemaRule } from "~/components/form-errors";
import { PASSWORD_MAX, PasswordStrength } from "~/components/password-strength";
import { GENDERS, NICKNAME_MAX } from "~/lib/validators/values";
import { profileInput, type ProfileInput } from "~/lib/validators/profile";
import { type Locale } from "~/lib/errors";
import type { Dayjs } from "dayjs";
import { useSeededText } from "~/components/use-seeded-text";

type ProfileValues = Omit<ProfileInput, "birthday"> & { birthday?: Dayjs | null };

/** Nickname, gender, birthday, address, about me: validated by the procedure's own schema. */
export function ProfileModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const seeded = useSeededText();
  const t = useTranslations("account");
  const locale = useLocale() as Locale;
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const [form] = Form.useForm<ProfileValues>();
  const [error, setError] = useState<string | null>(null);
  const profile = useQuery({ ...trpc.me.profile.queryOptions(), enabled: open });
  const save = useMutation(
    trpc.me.updateProfile.mutationOptions({
      onSuccess: (p) => {
        void message.success(t("profileSaved"));
        qc.setQueryData(trpc.me.profile.queryKey(), p);
        void qc.invalidateQueries(trpc.me.get.pathFilter());
        onClose();
      },
      onError: (e: unknown) => setError(handleServerError(form, e)),
    }),
  );
  const p = profile.data;
  return (
    <Modal
      open={open}
      title={t("editProfile")}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okButtonProps={{ disabled: !p }}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {p && (
        <Form
          form={form}
          layout="vertical"
          noValidate
          onValuesChange={clearErrorsOnChange(form)}
          initialValues={{ ...p, nickname: seeded.nickname(p.nickname), birthday: p.birthday ? dayjs(p.birthday) : null }}
          onFinish={(v) => {
            setError(null);
            const input = parseForm(form, profileInput, { ...v, birthday: v.birthday ? v.birthday.format("YYYY-MM-DD") : null }, locale);
            if (input) save.mutate(input);
          }}
        >
          <Form.Item name="nickname" label={t("nickname")}>
            <Input maxLength={NICKNAME_MAX} showCount autoFocus />
          </Form.Item>
          <Space size="large" wrap>
            <Form.Item name="gender" label={t("gender")}>
              <Select allowClear style={{ width: 160 }} options={GENDERS.map((g) => ({ value: g, label: t(g) }))} />
            </Form.Item>
            <Form.Item name="birthday" label={t("birthday")}>
              <DatePicker disabledDate={(d) => d.isAfter(dayjs())} />
            </Form.Item>
          </Space>
          <Form.Item name="address" label={t("address")}>
            <Input maxLength={200} showCount />
          </Form.Item>
          <Form.Item name="description" label={t("description")}>
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

/** Bind or change the phone or email: a `bind` code proves the new one. */
export function ContactModal({ kind, open, onClose }: { kind: "phone" | "email"; open: boolean; onClose: () => void }) {
  const t = useTranslations("account");
  const a = useTranslations("auth");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const [form] = Form.useForm<{ target: string; code: string }>();
  const [error, setError] = useState<string | null>(null);
  const done = {
    onSuccess: () => {
      void message.success(t("contactSaved"));
      void qc.invalidateQueries(trpc.me.get.pathFilter());
      form.resetFields();
      onClose();
    },
    onError: (e: unknown) => setError(handleServerError(form, e)),
  };
  const phone = useMutation(trpc.me.bindPhone.mutationOptions(done));
  const email = useMutation(trpc.me.bindEmail.mutationOptions(done));
  const schema = kind === "phone" ? phoneSchema : emailSchema;
  return (
    <Modal
      open={open}
      title={kind === "phone" ? t("changePhone") : t("changeEmail")}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={phone.isPending || email.isPending}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        noValidate
        validateTrigger="onBlur"
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(v) => {
          setError(null);
          if (kind === "phone") phone.mutate({ phone: v.target.trim(), code: v.code.trim() });
          else email.mutate({ email: v.target.trim(), code: v.code.trim() });
        }}
      >
        <Form.Item name="target" label={kind === "phone" ? a("phone") : t("email")} rules={[schemaRule(schema, locale, { required: true })]}>
          <Input placeholder={kind === "phone" ? "+86-15810419011" : "name@example.com"} />
        </Form.Item>
        <Form.Item>
          <CodeSender
            channel={kind === "phone" ? "sms" : "email"}
            purpose="bind"
            target={() => {
              const r = schema.safeParse(form.getFieldValue("target"));
              return r.success ? r.data : null;
            }}
          />
        </Form.Item>
        <Form.Item name="code" label={a("code")} rules={[schemaRule(codeSchema, locale, { required: true })]}>
          <Input inputMode="numeric" maxLength={6} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function PasswordForm({ afterChange }: { afterChange?: () => void } = {}) {
  const t = useTranslations("account");
  const a = useTranslations("auth");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const { message } = useFeedback();
  const [form] = Form.useForm<{ current: string; password: string }>();
  const password = Form.useWatch("password", form) ?? "";
  const [error, setError] = useState<string | null>(null);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        void message.success(t("changed"));
        form.resetFields();
        afterChange?.();
      },
      // A wrong current password (12001) is marked on its field; only what belongs to no field goes above the form.
      onError: (e) => {
        const text = handleServerError(form, e);
        setError(hasFieldErrors(e) ? null : text);
      },
    }),
  );
  return (
    <Form
      form={form}
      layout="vertical"
      noValidate
      style={{ maxWidth: 420 }}
      validateTrigger="onBlur"
      onValuesChange={clearErrorsOnChange(form)}
      disabled={change.isPending}
      onFinish={(v) => {
        setError(null);
        const parsed = parseForm(form, changePasswordInput, { current: v.current ?? "", password: v.password ?? "" }, locale);
        if (parsed) change.mutate(parsed);
      }}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form.Item name="current" label={t("current")} rules={[schemaRule(changePasswordInput.shape.current, locale, { required: true })]}>
        <Input.Password autoComplete="current-password" maxLength={128} data-testid="current-password" />
      </Form.Item>
      <Form.Item
        name="password"
        label={a("newPassword")}
        rules={[schemaRule(newPasswordSchema, locale, { required: true })]}
        extra={<PasswordStrength value={password} />}
      >
        <Input.Password autoComplete="new-password" maxLength={PASSWORD_MAX} showCount data-testid="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={change.isPending}>
        {t("change")}
      </Button>
    </Form>
  );
}
