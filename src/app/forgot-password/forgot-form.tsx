"use client";

import { Alert, Button, Form, Input, Result, Segmented } from "antd";
import Link from "~/components/app-link";
import { useMutation } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { codeSchema, emailSchema, newPasswordSchema, resetPasswordInput } from "~/lib/validators/auth";
import { phoneSchema } from "~/lib/validators/common";
import { clearErrorsOnChange, handleServerError, parseForm, schemaRule } from "~/components/form-errors";
import { CodeSender } from "~/components/code-sender";
import { PASSWORD_MAX, PasswordStrength } from "~/components/password-strength";
import { AuthCard } from "~/app/login/login-form";

interface Values {
  target: string;
  code: string;
  password: string;
}

export function ForgotForm({ tenantName }: { tenantName: string }) {
  const t = useTranslations("auth");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const [form] = Form.useForm<Values>();
  const [channel, setChannel] = useState<"sms" | "email">("sms");
  const password = Form.useWatch("password", form) ?? "";
  const [error, setError] = useState<string | null>(null);
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions({ onError: (e) => setError(handleServerError(form, e)) }));

  if (reset.isSuccess) {
    return (
      <AuthCard title={t("forgotTitle")} subtitle={tenantName}>
        <Result status="success" title={t("resetDone")} extra={<Link href="/login">{t("backToLogin")}</Link>} />
      </AuthCard>
    );
  }
  const schema = channel === "sms" ? phoneSchema : emailSchema;
  return (
    <AuthCard title={t("forgotTitle")} subtitle={tenantName}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Segmented
        block
        value={channel}
        onChange={(v) => {
          setChannel(v as "sms" | "email");
          form.resetFields(["target"]);
        }}
        options={[
          { value: "sms", label: t("byPhone") },
          { value: "email", label: t("byEmail") },
        ]}
        style={{ marginBottom: 16 }}
      />
      <Form<Values>
        form={form}
        layout="vertical"
        noValidate
        requiredMark={false}
        validateTrigger="onBlur"
        onValuesChange={clearErrorsOnChange(form)}
        disabled={reset.isPending}
        onFinish={(v) => {
          setError(null);
          const parsed = parseForm(form, resetPasswordInput, { ...v, password: v.password ?? "", channel }, locale);
          if (parsed) reset.mutate(parsed);
        }}
      >
        <Form.Item name="target" label={channel === "sms" ? t("phone") : t("byEmail")} rules={[schemaRule(schema, locale, { required: true })]}>
          <Input placeholder={channel === "sms" ? "+86-15810419011" : "name@example.com"} autoFocus />
        </Form.Item>
        <Form.Item>
          <CodeSender
            key={channel}
            channel={channel}
            purpose="reset"
            target={() => {
              const r = schema.safeParse(form.getFieldValue("target"));
              if (!r.success) void form.validateFields(["target"]);
              return r.success ? r.data : null;
            }}
          />
        </Form.Item>
        <Form.Item name="code" label={t("code")} rules={[schemaRule(codeSchema, locale, { required: true })]}>
          <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t("newPassword")}
          rules={[schemaRule(newPasswordSchema, locale, { required: true })]}
          extra={<PasswordStrength value={password} />}
        >
          <Input.Password autoComplete="new-password" maxLength={PASSWORD_MAX} showCount />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={reset.isPending} data-testid="reset-submit">
          {t("submitReset")}
        </Button>
      </Form>
      <div style={{ marginTop: 12 }}>
        <Link href="/login">{t("backToLogin")}</Link>
      </div>
    </AuthCard>
  );
}
