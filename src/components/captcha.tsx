"use client";

import { createElement, useCallback, useEffect, useRef, useState } from "react";
import { useLocale } from "next-intl";

/**
 * ALTCHA's self-hosted proof-of-work widget (no third party, works in mainland China).
 * Reports the solved payload (our `afs` field), or null when it expires or is reset.
 */
export function Captcha({
  onChange,
  resetKey = 0,
  autoSolve = false,
}: {
  onChange: (payload: string | null) => void;
  resetKey?: number;
  /** Solve the challenge as soon as it loads (a form re-arming the check its person already did). */
  autoSolve?: boolean;
}) {
  const locale = useLocale();
  const [el, setEl] = useState<HTMLElement | null>(null);
  const [ready, setReady] = useState(false);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    let alive = true;
    // The widget registers a custom element and touches `window`: load it in the browser only.
    void Promise.all([import("altcha"), import("altcha/i18n/zh-cn"), import("altcha/i18n/en")]).then(() => alive && setReady(true));
    return () => {
      alive = false;
    };
  }, []);

  useEffect(() => {
    if (!el || !ready) return;
    const onState = (e: Event) => {
      const d = (e as CustomEvent<{ state: string; payload?: string }>).detail;
      onChangeRef.current(d.state === "verified" && d.payload ? d.payload : null);
    };
    el.addEventListener("statechange", onState);
    return () => el.removeEventListener("statechange", onState);
  }, [el, ready, resetKey]);

  return (
    <div data-testid="captcha" style={{ minHeight: 64 }}>
      {ready &&
        createElement("altcha-widget", {
          key: `${locale}-${resetKey}`,
          ref: setEl,
          challenge: "/api/auth/captcha",
          language: locale === "en" ? "en" : "zh-cn",
          ...(autoSolve ? { auto: "onload" } : {}),
          style: { "--altcha-max-width": "100%" },
        })}
    </div>
  );
}

/**
 * One human check for a whole form (register: the SMS code, the email code and the submit all
 * need a solved challenge, each single use). The person ticks it once; after each use it is
 * re-armed and solves itself, so the form shows one widget, never one per button.
 */
export function useFormCaptcha() {
  const [afs, setAfs] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const consume = useCallback(() => {
    setAfs(null);
    setRound((r) => r + 1);
  }, []);
  return {
    afs,
    consume,
    widget: <Captcha key={round} resetKey={round} onChange={setAfs} autoSolve={round > 0} />,
  };
}
export type FormCaptcha = ReturnType<typeof useFormCaptcha>;
