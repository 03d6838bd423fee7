/**
 * What a tenant administrator may grant. The rule: a code (or wildcard) is within the tenant
 * scope when every registry code it covers is covered by the built-in `administrator` role's
 * grants — the most a tenant can hold. Everything else (`uc.all`, `uc.tenant.post`,
 * `uc.tenant.all`, `uc.outbox.get`...) is platform-only: only operators grant it.
 * Shared by the roles service (which enforces it) and the permission picker (which hides it).
 */
import { BUILT_IN_ROLES, PERMISSIONS, PERMISSION_PREFIX, hasPermission, isGrantable, type PermissionCode } from "~/lib/permissions";

const TENANT_GRANTS: readonly string[] = BUILT_IN_ROLES.administrator.permissions;

/** The registry codes a grantable code stands for (itself, or all codes under a wildcard). */
export function expandCode(code: string): PermissionCode[] {
  if (code === `${PERMISSION_PREFIX}.all`) return PERMISSIONS.map((p) => p.code);
  const m = new RegExp(`^${PERMISSION_PREFIX}\\.([a-z]+)\\.all$`).exec(code);
  if (m) return PERMISSIONS.filter((p) => p.resource === m[1]).map((p) => p.code);
  return PERMISSIONS.some((p) => p.code === code) ? [code as PermissionCode] : [];
}

export function isTenantGrantable(code: string): boolean {
  if (!isGrantable(code)) return false;
  const covered = expandCode(code);
  return covered.length > 0 && covered.every((c) => hasPermission(TENANT_GRANTS, c));
}

/** Resources a tenant administrator can grant anything of (for the picker). */
export const TENANT_RESOURCES = new Set(PERMISSIONS.filter((p) => isTenantGrantable(p.code)).map((p) => p.resource));

const RESOURCE_LIST = [...new Set(PERMISSIONS.map((p) => p.resource))];

/** `code` as the grants that both `a` and `b` cover: itself if `b` covers it, else its covered parts. */
function narrow(code: string, b: readonly string[]): string[] {
  if (!isGrantable(code)) return [];
  if (hasPermission(b, code as PermissionCode)) return [code];
  if (code === `${PERMISSION_PREFIX}.all`) return RESOURCE_LIST.flatMap((r) => narrow(`${PERMISSION_PREFIX}.${r}.all`, b));
  return code.endsWith(".all") ? expandCode(code).filter((c) => hasPermission(b, c)) : [];
}

/**
 * The grants held by both lists, wildcards understood: a registry code passes `hasPermission` on
 * the result exactly when it passes on `a` and on `b`. Wildcards of `a` that `b` covers stay
 * wildcards; others are cut to the codes `b` holds (`uc.all` ∩ `[uc.user.get]` is `[uc.user.get]`).
 */
export function intersectGrants(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set(a.flatMap((code) => narrow(code, b)))];
}
