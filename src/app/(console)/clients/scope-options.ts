import { PERMISSIONS, PERMISSION_PREFIX, RESOURCE_NAMES, type PermissionResource } from "~/lib/permissions";

/** Every grantable scope for the scope pickers: the global wildcard, per-resource wildcards, then each code. */
export function scopeOptions(locale: string) {
  const zh = locale !== "en";
  const resources = Object.keys(RESOURCE_NAMES) as PermissionResource[];
  return [
    { value: `${PERMISSION_PREFIX}.all`, label: `${PERMISSION_PREFIX}.all — ${zh ? "全部权限" : "Everything"}` },
    ...resources.map((r) => ({
      value: `${PERMISSION_PREFIX}.${r}.all`,
      label: `${PERMISSION_PREFIX}.${r}.all — ${zh ? RESOURCE_NAMES[r].zh + "（全部）" : RESOURCE_NAMES[r].en + " (all)"}`,
    })),
    ...PERMISSIONS.map((p) => ({ value: p.code, label: `${p.code} — ${zh ? p.nameZh : p.nameEn}` })),
  ];
}

/** Group titles of the client scope picker, in the page's language. */
export interface ScopeGroupTitles {
  identity: string;
  api: string;
  offline: string;
  permissions: string;
  offlineLabel: string;
}

/**
 * A client's scope picker: the tenant's identity resources (openid, profile, … and custom ones),
 * its API scopes, offline_access (refresh tokens), then our permission codes and wildcards.
 */
export function clientScopeOptions(locale: string, titles: ScopeGroupTitles, choices?: { identity: Named[]; api: Named[] }) {
  const named = (r: Named) => ({ value: r.name, label: r.displayName && r.displayName !== r.name ? `${r.name} — ${r.displayName}` : r.name });
  return [
    { label: titles.identity, title: titles.identity, options: (choices?.identity ?? []).map(named) },
    { label: titles.api, title: titles.api, options: (choices?.api ?? []).map(named) },
    { label: titles.offline, title: titles.offline, options: [{ value: "offline_access", label: `offline_access — ${titles.offlineLabel}` }] },
    { label: titles.permissions, title: titles.permissions, options: scopeOptions(locale) },
  ].filter((g) => g.options.length);
}
interface Named {
  name: string;
  displayName: string | null;
}
