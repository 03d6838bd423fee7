"use client";

import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { signIn } from "next-auth/react";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { describeError } from "~/lib/errors";
import { LanguageSwitch } from "~/components/language-switch";

interface Values {
  ustr: string;
  pwd: string;
}

export function LoginForm({ subtitle, callbackUrl }: { tenantName: string; subtitle: string; callbackUrl: string }) {
  const t = useTranslations("login");
  const app = useTranslations("app");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onFinish(values: Values) {
    setBusy(true);
    setError(null);
    const res = await signIn("password", { ustr: values.ustr, pwd: values.pwd, redirect: false, callbackUrl });
    if (res?.ok && !res.error) {
      window.location.assign(callbackUrl);
      return;
    }
    setBusy(false);
    setError(describeError(Number(res?.error) || 12001, locale).description);
  }

  return (
    <main style={{ minHeight: "100vh", display: "grid", placeItems: "center", padding: 16 }}>
      <div style={{ position: "absolute", top: 16, right: 16 }}>
        <LanguageSwitch signedIn={false} />
      </div>
      <Card style={{ width: 400, maxWidth: "100%" }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {app("name")}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{subtitle}</Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form<Values> layout="vertical" onFinish={onFinish} requiredMark={false} disabled={busy}>
          <Form.Item name="ustr" label={t("ustr")} extra={t("ustrHint")} rules={[{ required: true, whitespace: true, message: t("required") }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus maxLength={254} />
          </Form.Item>
          <Form.Item name="pwd" label={t("pwd")} rules={[{ required: true, message: t("required") }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" maxLength={128} />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {busy ? t("submitting") : t("submit")}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
