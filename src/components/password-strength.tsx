"use client";

import { Progress, Typography } from "antd";
import { useTranslations } from "next-intl";
import { DEFAULT_PASSWORD_RULE, describePasswordRule } from "~/lib/password-rule";

import { usePasswordRule } from "~/components/password-rule-context";

/**
 * A rough guide, not a rule: length matters most, variety a little. The server's policy
 * (the tenant's minimum to 128 characters, common passwords refused) is what decides.
 */
export function strengthOf(pwd: string, minLength = DEFAULT_PASSWORD_RULE.minLength): 0 | 1 | 2 | 3 {
  if ([...pwd].length < minLength) return 0;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(pwd)).length;
  const score = (pwd.length >= 16 ? 2 : pwd.length >= 12 ? 1 : 0) + (classes >= 3 ? 1 : 0);
  return Math.min(3, Math.max(1, score)) as 1 | 2 | 3;
}

/**
 * Under every new-password field (register, reset, change, an administrator's set or reset):
 * the one wording of the rules, the same the server's policy check uses, then a strength guide
 * while typing.
 */
export function PasswordStrength({ value }: { value: string }) {
  const t = useTranslations("auth");
  const v = useTranslations("validation");
  const rule = usePasswordRule();
  const s = value ? strengthOf(value, rule.minLength) : 0;
  const labels = [t("weak"), t("fair"), t("good"), t("strong")];
  const colors = ["#ef4444", "#f59e0b", "#3b82f6", "#16a34a"];
  return (
    <div aria-live="polite" data-testid="password-strength">
      <Typography.Text type="secondary" data-testid="password-rule">
        {describePasswordRule(rule, v)}
      </Typography.Text>
      {value && (
        <div>
          <Progress percent={(s + 1) * 25} steps={4} showInfo={false} strokeColor={colors[s]} size="small" />
          <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
            {`${t("strength")}: ${labels[s]}`}
          </Typography.Text>
        </div>
      )}
    </div>
  );
}

/** The longest password the policy takes: new-password inputs stop there and count (`showCount`). */
export const PASSWORD_MAX = 128;
