/**
 * The catalog's texts in the browser. Permission names come in both languages (the role editor
 * shows and searches both; they are small); the rest is empty until provideCatalog (catalog.ts)
 * fills in the page's language from its next-intl messages, which hold the same files
 * (src/i18n/messages.ts). Same exports and types as catalog-data.ts, which the server uses.
 */
import type { CATALOG as Files, SHARED_NAMESPACES as Namespaces } from "./catalog-data";
import zhPermissionNames from "~/i18n/messages/zh-CN/permissionNames.json";
import enPermissionNames from "~/i18n/messages/en/permissionNames.json";

export const SHARED_NAMESPACES = ["appErrors", "permissionNames", "validation", "serverText"] as const satisfies typeof Namespaces;
export type SharedNamespace = (typeof SHARED_NAMESPACES)[number];

export const CATALOG = { "zh-CN": { permissionNames: zhPermissionNames }, en: { permissionNames: enPermissionNames } } as unknown as typeof Files;
