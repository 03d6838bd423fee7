"use client";

import { useFeedback } from "~/components/feedback";
import { CheckOutlined, CopyOutlined } from "@ant-design/icons";
import { Button } from "antd";
import { useTranslations } from "next-intl";
import { useEffect, useState, type CSSProperties, type ReactNode } from "react";

/**
 * Copies `text` and says so in the page's language: "Copied", or what to do when the browser
 * refuses. Every copy control of the console goes through it.
 */
export function useCopy() {
  const c = useTranslations("common");
  const { message } = useFeedback();
  return (text: string): Promise<boolean> =>
    navigator.clipboard.writeText(text).then(
      () => {
        void message.success(c("copied"));
        return true;
      },
      () => {
        void message.error(c("copyFailed"));
        return false;
      },
    );
}

/** A "Copy" button for a value shown beside it (a client id, a secret, a snippet). */
export function CopyButton({ text, testId, size }: { text: string; testId?: string; size?: "small" }) {
  const c = useTranslations("common");
  const copy = useCopy();
  return (
    <Button size={size} icon={<CopyOutlined />} data-testid={testId} onClick={() => void copy(text)}>
      {c("copy")}
    </Button>
  );
}

/**
 * A value with a copy button, for list rows: the look of antd's `<Typography.Text copyable>`
 * (its own classes, from the prebuilt stylesheet) without its per-row machinery (a tooltip with
 * its trigger and placements, an ellipsis measurer, a resize observer), which on a page of 130
 * permission codes was a third of the server's render. The button says what it does to a screen
 * reader and as a title; a copy shows a tick and a "Copied" toast, a refusal says what to do.
 */
export function CopyText({
  text,
  code,
  secondary,
  children,
  style,
}: {
  text: string;
  code?: boolean;
  secondary?: boolean;
  children?: ReactNode;
  style?: CSSProperties;
}) {
  const c = useTranslations("common");
  const copy = useCopy();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 3000);
    return () => clearTimeout(timer);
  }, [copied]);
  const shown = children ?? text;
  return (
    <span className={`ant-typography${secondary ? " ant-typography-secondary" : ""}`} style={style}>
      {code ? <code>{shown}</code> : shown}
      <button
        type="button"
        className={`ant-typography-copy${copied ? " ant-typography-copy-success" : ""}`}
        aria-label={copied ? c("copied") : c("copy")}
        title={copied ? c("copied") : c("copy")}
        onClick={() => void copy(text).then(setCopied)}
      >
        {copied ? <CheckOutlined /> : <CopyOutlined />}
      </button>
    </span>
  );
}
