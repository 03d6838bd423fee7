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
