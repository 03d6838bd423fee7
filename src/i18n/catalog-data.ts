/**
 * The catalog's texts on the server (and in tests and scripts): both languages' files, imported
 * statically. The browser build takes catalog-data.browser.ts instead (package.json "imports").
 */
import type { Locale } from "~/lib/errors";
import zhAppErrors from "~/i18n/messages/zh-CN/appErrors.json";
import enAppErrors from "~/i18n/messages/en/appErrors.json";
import zhPermissionNames from "~/i18n/messages/zh-CN/permissionNames.json";
import enPermissionNames from "~/i18n/messages/en/permissionNames.json";
import zhValidation from "~/i18n/messages/zh-CN/validation.json";
import enValidation from "~/i18n/messages/en/validation.json";
import zhServerText from "~/i18n/messages/zh-CN/serverText.json";
import enServerText from "~/i18n/messages/en/serverText.json";

export const SHARED_NAMESPACES = ["appErrors", "permissionNames", "validation", "serverText"] as const;
export type SharedNamespace = (typeof SHARED_NAMESPACES)[number];

export const CATALOG = {
  "zh-CN": { appErrors: zhAppErrors, permissionNames: zhPermissionNames, validation: zhValidation, serverText: zhServerText },
  en: { appErrors: enAppErrors, permissionNames: enPermissionNames, validation: enValidation, serverText: enServerText },
} as const satisfies Record<Locale, Record<SharedNamespace, unknown>>;
