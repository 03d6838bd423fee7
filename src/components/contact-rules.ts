"use client";

import type { FormRule } from "antd";
import { useTranslations } from "next-intl";
import { phoneSchema } from "~/lib/validators/common";
import { emailSchema } from "~/lib/validators/auth";

/**
 * The form rules of a phone or email field, with the shared schema's own test: a missing value
 * and a malformed one each say so in words (the placeholder shows an example, it is no message).
 */
export function useContactRules(kind: "phone" | "email", required = true): FormRule[] {
  const t = useTranslations("auth");
  const schema = kind === "phone" ? phoneSchema : emailSchema;
  return [
    { required, whitespace: true, message: t(kind === "phone" ? "phoneRequired" : "emailRequired") },
    {
      validator: (_rule, value: unknown) =>
        typeof value !== "string" || !value.trim() || schema.safeParse(value).success
          ? Promise.resolve()
          : Promise.reject(new Error(t(kind === "phone" ? "phoneInvalid" : "emailInvalid"))),
    },
  ];
}
