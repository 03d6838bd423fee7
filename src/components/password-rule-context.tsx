"use client";

import { createContext, useContext, type ReactNode } from "react";
import { DEFAULT_PASSWORD_RULE, type PasswordRule } from "~/lib/password-rule";

const RuleContext = createContext<PasswordRule>(DEFAULT_PASSWORD_RULE);

/** The host's tenant's password rules for every form under it (set by the root layout; the meter is in password-strength.tsx). */
export const PasswordRuleProvider = ({ rule, children }: { rule: PasswordRule; children: ReactNode }) => (
  <RuleContext.Provider value={rule}>{children}</RuleContext.Provider>
);

export const usePasswordRule = () => useContext(RuleContext);
