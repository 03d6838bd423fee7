"use client";

import { useFeedback } from "~/components/feedback";
import { Alert, Button, Checkbox, Form, Input } from "antd";
import Link from "~/components/app-link";
import { signIn } from "next-auth/react";
import { useMutation } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { TERMS_VERSION, codeSchema, emailSchema, newPasswordSchema, registerInput } from "~/lib/validators/auth";
import { phoneSchema, userNameSchema } from "~/lib/validators/common";
import { clearErrorsOnChange, handleServerError, parseForm, schemaRule } from "~/components/form-errors";
import { CodeSender } from "~/components/code-sender";
import { useFormCaptcha } from "~/components/captcha";
import { PASSWORD_MAX, PasswordStrength } from "~/components/password-strength";
import { AuthCard } from "~/app/login/login-form";

interface Values {
  phone: string;
  phoneCode: string;
  email?: string;
  emailCode?: string;
  userName?: string;
  password: string;
  acceptTerms?: boolean;
}

export function RegisterForm({ tenantName }: { tenantName: string }) {
  const t = useTranslations("auth");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const { message } = useFeedback();
  const [form] = Form.useForm<Values>();
  const password = Form.useWatch("password", form) ?? "";
  const email = Form.useWatch("email", form) ?? "";
  // One human check for the whole form: the phone code, the email code and the submit each use it up.
  const captcha = useFormCaptcha();
  const [error, setError] = useState<string | null>(null);

  const register = useMutation(
    trpc.auth.register.mutationOptions({
      onSuccess: async (_r, input) => {
        void message.success(t("registered"));
        const res = await signIn("password", { ustr: input.phone, pwd: input.password, redirect: false });
        window.location.assign(res?.ok ? "/" : "/login");
      },
      onError: (e) => {
        setError(handleServerError(form, e));
        captcha.consume();
      },
    }),
  );

  function submit(v: Values) {
    setError(null);
    if (!captcha.afs) return void message.warning(t("solveCaptcha"));
    const parsed = parseForm(form, registerInput, { ...v, password: v.password ?? "", acceptTerms: v.acceptTerms === true, afs: captcha.afs }, locale);
    if (parsed) register.mutate(parsed);
  }

  const valid = (schema: typeof phoneSchema | typeof emailSchema, field: "phone" | "email") => () => {
    const r = schema.safeParse(form.getFieldValue(field));
    if (!r.success) void form.validateFields([field]);
    return r.success ? r.data : null;
  };

  return (
    <AuthCard title={t("registerTitle")} subtitle={tenantName}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form<Values>
        form={form}
        layout="vertical"
        noValidate
        requiredMark={false}
        validateTrigger="onBlur"
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={submit}
        disabled={register.isPending}
      >
        <Form.Item name="phone" label={t("phone")} rules={[schemaRule(phoneSchema, locale, { required: true })]}>
          <Input placeholder="+86-15810419011" autoComplete="tel" autoFocus />
        </Form.Item>
        <Form.Item>{captcha.widget}</Form.Item>
        <Form.Item>
          <CodeSender channel="sms" purpose="register" target={valid(phoneSchema, "phone")} captcha={captcha} />
        </Form.Item>
        <Form.Item name="phoneCode" label={t("code")} rules={[schemaRule(codeSchema, locale, { required: true })]}>
          <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" />
        </Form.Item>
        <Form.Item name="email" label={t("email")} rules={[schemaRule(emailSchema, locale)]}>
          <Input autoComplete="email" maxLength={254} showCount />
        </Form.Item>
        {email && (
          <>
            <Form.Item>
              <CodeSender channel="email" purpose="register" target={valid(emailSchema, "email")} captcha={captcha} />
            </Form.Item>
            <Form.Item name="emailCode" label={t("emailCode")} rules={[schemaRule(codeSchema, locale, { required: true })]}>
              <Input inputMode="numeric" maxLength={6} />
            </Form.Item>
          </>
        )}
        <Form.Item name="userName" label={t("userName")} rules={[schemaRule(userNameSchema, locale)]}>
          <Input autoComplete="username" maxLength={32} showCount />
        </Form.Item>
        <Form.Item
          name="password"
          label={t("password")}
          rules={[schemaRule(newPasswordSchema, locale, { required: true })]}
          extra={<PasswordStrength value={password} />}
        >
          <Input.Password autoComplete="new-password" maxLength={PASSWORD_MAX} showCount />
        </Form.Item>
        <Form.Item name="acceptTerms" valuePropName="checked">
          <Checkbox>{t("acceptTerms", { v: TERMS_VERSION })}</Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={register.isPending} data-testid="register-submit">
          {t("submitRegister")}
        </Button>
      </Form>
      <div style={{ marginTop: 12 }}>
        <Link href="/login">{t("haveAccount")}</Link>
      </div>
    </AuthCard>
  );
}
