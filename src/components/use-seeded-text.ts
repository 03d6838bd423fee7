"use client";

import { useLocale } from "next-intl";
import { useMemo } from "react";
import type { Locale } from "~/lib/errors";
import { identityText, roleDescription, roleLabel, seededNickname, tenantDescription } from "~/lib/seeded-text";

/** The seeded display texts (src/lib/seeded-text.ts) in the console's language. */
export function useSeededText() {
  const locale = useLocale() as Locale;
  return useMemo(
    () => ({
      roleLabel: (r: { name: string }) => roleLabel(r, locale),
      roleDescription: <T extends string | null | undefined>(r: { name: string; description: T }) => roleDescription(r, locale),
      identityText: <T extends string | null | undefined>(r: { name: string; standard?: boolean }, field: "displayName" | "description", value: T) =>
        identityText(r, field, value, locale),
      /** A copy of an identity resource with its seeded texts in the console's language. */
      identity: <T extends { name: string; standard?: boolean; displayName: string | null; description: string | null }>(r: T): T =>
        ({
          ...r,
          displayName: identityText(r, "displayName", r.displayName, locale),
          description: identityText(r, "description", r.description, locale),
        }) as T,
      tenantDescription: <T extends string | null | undefined>(t: { isDefault?: boolean; description: T }) => tenantDescription(t, locale),
      nickname: <T extends string | null | undefined>(n: T) => seededNickname(n, locale),
    }),
    [locale],
  );
}
