/** What a form needs to word a tenant's password rules (the server's PasswordPolicy has this shape). */
export interface PasswordRule {
  minLength: number;
  blockCommon: boolean;
  historyCount: number;
}

/** The 8-character default every tenant starts with (the server's DEFAULT_PASSWORD_POLICY). */
export const DEFAULT_PASSWORD_RULE: PasswordRule = { minLength: 8, blockCommon: true, historyCount: 0 };

type Translate = (key: string, values?: Record<string, number>) => string;

/**
 * The rule in words, the same under every new-password field and in the server's refusal:
 * "Use 10 to 128 characters, and not a common password". `t` reads the `validation` namespace.
 */
export function describePasswordRule(rule: PasswordRule, t: Translate): string {
  const parts = [t("passwordLength", { min: rule.minLength })];
  if (rule.blockCommon) parts.push(t("passwordNotCommon"));
  if (rule.historyCount > 0) parts.push(t("passwordNotReused", { n: rule.historyCount }));
  return parts.join(t("passwordRuleJoin"));
}
