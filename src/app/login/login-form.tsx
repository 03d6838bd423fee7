"use client";

import { Alert, Button, Form, Input, Space, Tabs, Typography } from "antd";
import { Card } from "~/components/card";
import { LockOutlined, MobileOutlined, UserOutlined, WechatOutlined } from "@ant-design/icons";
import Link from "~/components/app-link";
import { signIn } from "next-auth/react";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { describeError } from "~/lib/errors";
import { phoneSchema } from "~/lib/validators/common";
import { codeSchema } from "~/lib/validators/auth";
import { clearErrorsOnChange, schemaRule } from "~/components/form-errors";
import { LanguageSwitch } from "~/components/language-switch";
import { Captcha } from "~/components/captcha";
import { CodeSender } from "~/components/code-sender";
import { safeRedirectTarget } from "~/lib/safe-redirect";
import type { SessionEndReason } from "~/lib/validators/session";
import { BrandMark, useBrand } from "~/components/brand";
import { backgroundCss } from "~/lib/branding";

interface PasswordValues {
  ustr: string;
  pwd: string;
}
interface SmsValues {
  phone: string;
  code: string;
}

/** The frame of every sign-in page: the tenant's background, logo and name around the form. */
export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: string; children: React.ReactNode }) {
  const brand = useBrand();
  return (
    <main style={{ minHeight: "100vh", display: "grid", placeItems: "center", padding: 16, background: backgroundCss(brand?.background ?? null) }}>
      <div style={{ position: "absolute", top: 16, right: 16 }}>
        <LanguageSwitch signedIn={false} />
      </div>
      <Card style={{ width: 420, maxWidth: "100%" }}>
        {brand && (
          <div style={{ marginBottom: 12 }}>
            <BrandMark brand={brand} size={40} />
          </div>
        )}
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {title}
        </Typography.Title>
        {subtitle && <Typography.Paragraph type="secondary">{subtitle}</Typography.Paragraph>}
        {children}
      </Card>
    </main>
  );
}

interface LoginFormProps {
  tenantName: string;
  subtitle: string;
  callbackUrl: string;
  /** The tenant has a WeChat Open Platform app configured. */
  wechat: boolean;
  /** An error code handed back by a redirect (e.g. from the WeChat round trip). */
  initialError: number | null;
  /** The previous session of this browser is over, and why (frozen, forced offline, …). */
  ended: SessionEndReason | null;
  /** What the account field starts with (an app's login_hint). */
  loginHint?: string;
}

export function LoginForm({ subtitle, callbackUrl, wechat, initialError, ended, loginHint }: LoginFormProps) {
  const t = useTranslations("login");
  const a = useTranslations("auth");
  const app = useTranslations("app");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const [error, setError] = useState<string | null>(initialError ? describeError(initialError, locale).description : null);
  const [busy, setBusy] = useState(false);
  const [needCaptcha, setNeedCaptcha] = useState(false);
  const [afs, setAfs] = useState<string | null>(null);
  const [captchaKey, setCaptchaKey] = useState(0);
  const [smsForm] = Form.useForm<SmsValues>();

  async function finish(provider: "password" | "sms-code", credentials: Record<string, string>) {
    setBusy(true);
    setError(null);
    const res = await signIn(provider, { ...credentials, redirect: false, callbackUrl });
    if (res?.ok && !res.error) return window.location.assign(safeRedirectTarget(callbackUrl, window.location.origin));
    setBusy(false);
    const code = Number(res?.error) || 12001;
    if (code === 14004) setNeedCaptcha(true);
    setAfs(null);
    setCaptchaKey((k) => k + 1);
    setError(code === 14004 ? a("captchaNeeded") : describeError(code, locale).description);
  }

  const passwordTab = (
    <Form<PasswordValues>
      layout="vertical"
      noValidate
      requiredMark={false}
      disabled={busy}
      initialValues={loginHint ? { ustr: loginHint } : undefined}
      onFinish={(v) => finish("password", { ustr: v.ustr, pwd: v.pwd, ...(afs ? { afs } : {}) })}
    >
      <Form.Item name="ustr" label={t("ustr")} extra={t("ustrHint")} rules={[{ required: true, whitespace: true, message: t("required") }]}>
        <Input prefix={<UserOutlined />} autoComplete="username" autoFocus maxLength={254} />
      </Form.Item>
      <Form.Item name="pwd" label={t("pwd")} rules={[{ required: true, message: t("required") }]}>
        <Input.Password prefix={<LockOutlined />} autoComplete="current-password" maxLength={128} />
      </Form.Item>
      {needCaptcha && (
        <Form.Item>
          <Captcha key={captchaKey} resetKey={captchaKey} onChange={setAfs} />
        </Form.Item>
      )}
      <Button type="primary" htmlType="submit" block loading={busy} disabled={needCaptcha && !afs}>
        {busy ? t("submitting") : t("submit")}
      </Button>
    </Form>
  );

  const smsTab = (
    <Form<SmsValues>
      form={smsForm}
      layout="vertical"
      noValidate
      requiredMark={false}
      validateTrigger="onBlur"
      onValuesChange={clearErrorsOnChange(smsForm)}
      disabled={busy}
      onFinish={(v) => finish("sms-code", { phone: v.phone.trim(), code: v.code.trim() })}
    >
      <Form.Item name="phone" label={a("phone")} extra={a("smsSignupNote")} rules={[schemaRule(phoneSchema, locale, { required: true })]}>
        <Input prefix={<MobileOutlined />} placeholder="+86-15810419011" autoComplete="tel" />
      </Form.Item>
      <Form.Item>
        <CodeSender
          channel="sms"
          purpose="login"
          target={() => {
            const r = phoneSchema.safeParse(smsForm.getFieldValue("phone"));
            if (!r.success) void smsForm.validateFields(["phone"]);
            return r.success ? r.data : null;
          }}
        />
      </Form.Item>
      <Form.Item name="code" label={a("code")} rules={[schemaRule(codeSchema, locale, { required: true })]}>
        <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" />
      </Form.Item>
      <Button type="primary" htmlType="submit" block loading={busy}>
        {busy ? t("submitting") : t("submit")}
      </Button>
    </Form>
  );

  return (
    <AuthCard title={app("name")} subtitle={subtitle}>
      {ended && !error && <Alert type="warning" showIcon title={t(`ended.${ended}`)} style={{ marginBottom: 16 }} role="status" data-testid="session-ended" />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Tabs
        items={[
          { key: "password", label: a("passwordTab"), children: passwordTab },
          { key: "sms", label: a("smsTab"), children: smsTab },
          ...(wechat
            ? [
                {
                  key: "wechat",
                  label: a("wechatTab"),
                  children: (
                    <Space orientation="vertical" style={{ width: "100%" }}>
                      <Typography.Paragraph type="secondary">{a("wechatHint")}</Typography.Paragraph>
                      <Button
                        block
                        icon={<WechatOutlined />}
                        href={`/api/auth/wechat/start?callbackUrl=${encodeURIComponent(callbackUrl)}`}
                        data-testid="wechat-login"
                      >
                        {a("wechatButton")}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
        onChange={() => setError(null)}
      />
      <Space style={{ width: "100%", justifyContent: "space-between", marginTop: 12 }}>
        <Link href="/register">{a("register")}</Link>
        <Link href="/forgot-password">{a("forgot")}</Link>
      </Space>
    </AuthCard>
  );
}
