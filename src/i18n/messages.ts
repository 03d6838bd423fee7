import type { Locale } from "~/lib/errors";

/**
 * Messages: the shared namespaces in `messages/<locale>.json`, and one file per console resource
 * in `messages/<locale>/<namespace>.json` (so each resource's strings sit beside each other).
 */
export const RESOURCE_NAMESPACES = ["user", "team", "role", "client", "apiResource", "apiScope", "identityResource", "audit", "export", "file"] as const;

export async function loadMessages(locale: Locale): Promise<Record<string, unknown>> {
  const base = ((await import(`./messages/${locale}.json`)) as { default: Record<string, unknown> }).default;
  const parts = await Promise.all(
    RESOURCE_NAMESPACES.map(async (ns) => [ns, ((await import(`./messages/${locale}/${ns}.json`)) as { default: unknown }).default] as const),
  );
  return { ...base, ...Object.fromEntries(parts) };
}
