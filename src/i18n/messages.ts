import type { Locale } from "~/lib/errors";
import { CATALOG } from "~/i18n/catalog";

/**
 * Messages: the shared namespaces in `messages/<locale>.json`, and one file per console resource
 * in `messages/<locale>/<namespace>.json` (so each resource's strings sit beside each other), and
 * the shared `appErrors`, `permissionNames` and `validation` namespaces that code outside React
 * reads synchronously through src/i18n/catalog.ts.
 */
export const RESOURCE_NAMESPACES = [
  "user",
  "team",
  "role",
  "client",
  "clientIntegration",
  "apiResource",
  "apiPublish",
  "apiProduct",
  "portal",
  "apiSubscriber",
  "apiPackage",
  "codegen",
  "apiScope",
  "identityResource",
  "audit",
  "export",
  "file",
  "messageTemplate",
  "job",
  "sdkRelease",
] as const;

export async function loadMessages(locale: Locale): Promise<Record<string, unknown>> {
  const base = ((await import(`./messages/${locale}.json`)) as { default: Record<string, unknown> }).default;
  const parts = await Promise.all(
    RESOURCE_NAMESPACES.map(async (ns) => [ns, ((await import(`./messages/${locale}/${ns}.json`)) as { default: unknown }).default] as const),
  );
  // Error names, permission names and field messages: the same files the API reads (src/i18n/catalog.ts).
  return { ...base, ...Object.fromEntries(parts), ...CATALOG[locale] };
}
