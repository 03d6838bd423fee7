"use client";

import { Button, Result, Spin } from "antd";
import Link from "~/components/app-link";
import { signIn } from "next-auth/react";
import { useMutation } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { describeError } from "~/lib/errors";
import { handleServerError } from "~/components/form-errors";
import { AuthCard } from "~/app/login/login-form";

export function WechatCallback({ code, state, mode, callbackUrl }: { code: string | null; state: string; mode: "login" | "bind"; callbackUrl: string }) {
  const t = useTranslations("auth");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(code ? null : t("wechatDenied"));
  const started = useRef(false);
  const bind = useMutation(
    trpc.me.bindWechat.mutationOptions({ onSuccess: () => window.location.assign(callbackUrl), onError: (e) => setError(handleServerError(null, e)) }),
  );

  useEffect(() => {
    if (!code || started.current) return;
    started.current = true; // a code is single use: never send it twice
    if (mode === "bind") bind.mutate({ code, state });
    else
      void signIn("wechat", { code, state, redirect: false }).then((res) => {
        if (res?.ok && !res.error) window.location.assign(callbackUrl);
        else setError(describeError(Number(res?.error) || 12001, locale).description);
      });
  }, [code, state, mode, callbackUrl, bind, locale]);

  return (
    <AuthCard title={t("wechatTitle")}>
      {error ? (
        <Result
          status="warning"
          title={error}
          extra={
            <Link href={mode === "bind" ? "/account" : "/login"}>
              <Button>{t("backToLogin")}</Button>
            </Link>
          }
        />
      ) : (
        <div style={{ textAlign: "center", padding: 32 }}>
          <Spin size="large" />
          <p>{t("wechatWorking")}</p>
        </div>
      )}
    </AuthCard>
  );
}
