"use client";

import { useFeedback } from "~/components/feedback";
import { Button, Space } from "antd";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { Captcha, type FormCaptcha } from "~/components/captcha";
import { handleServerError } from "~/components/form-errors";

/** Read in event handlers only (the countdown's state holds what renders show). */
const clock = () => Date.now();

interface Props {
  channel: "sms" | "email";
  purpose: "login" | "register" | "reset" | "bind";
  /** Reads the current target (phone or email) from the form; null when it is not valid yet. */
  target: () => string | null;
  /** The form's one captcha (useFormCaptcha), when the form needs it for more than this button; else the sender shows its own. */
  captcha?: Pick<FormCaptcha, "afs" | "consume">;
}

/**
 * Captcha, then "send code", then a countdown: what every code form needs. Forms that hold it
 * set `noValidate`: the widget's checkbox is `required` and would silently block their submit.
 */
export function CodeSender({ channel, purpose, target, captcha }: Props) {
  const t = useTranslations("auth");
  const trpc = useTRPC();
  const { message } = useFeedback();
  const [ownAfs, setAfs] = useState<string | null>(null);
  const [resetKey, setResetKey] = useState(0);
  const afs = captcha ? captcha.afs : ownAfs;
  const [until, setUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= now) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [until, now]);

  const send = useMutation(
    trpc.auth.sendCode.mutationOptions({
      onSuccess: (r) => {
        const sentAt = clock();
        setUntil(new Date(r.resendAfter).getTime());
        setNow(sentAt);
        void message.success(t("codeSent", { m: Math.round((new Date(r.expiresAt).getTime() - sentAt) / 60_000) }));
      },
      onError: (e) => void message.error(handleServerError(null, e)),
      // A solved challenge is single use: the next send needs a fresh one.
      onSettled: () => {
        if (captcha) return captcha.consume();
        setAfs(null);
        setResetKey((k) => k + 1);
      },
    }),
  );
  const wait = Math.max(0, Math.ceil((until - now) / 1000));
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      {wait === 0 && !captcha && <Captcha key={resetKey} resetKey={resetKey} onChange={setAfs} />}
      <Button
        block
        data-testid={`send-${channel}-code`}
        loading={send.isPending}
        disabled={wait > 0}
        onClick={() => {
          const to = target();
          if (!to) return;
          if (!afs) return void message.warning(t("solveCaptcha"));
          send.mutate({ channel, purpose, target: to, afs });
        }}
      >
        {wait > 0 ? t("resendIn", { s: wait }) : t("sendCode")}
      </Button>
    </Space>
  );
}
