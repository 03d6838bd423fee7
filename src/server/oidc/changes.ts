/**
 * Tells this process's OpenID Providers that a tenant's identity resources changed, so the next
 * request makes its provider again at once (other instances notice within a minute: provider.ts
 * compares what it was made from). Kept on globalThis: the console's code and the provider's
 * handler may be separate module instances of one process.
 */
const KEY = Symbol.for("user-center.oidc.identityVersions");

const versions = (): Map<string, number> => ((globalThis as Record<symbol, unknown>)[KEY] ??= new Map<string, number>()) as Map<string, number>;

export const identityVersion = (tenantId: string): number => versions().get(tenantId) ?? 0;

export function identityResourcesChanged(tenantId: string): void {
  versions().set(tenantId, identityVersion(tenantId) + 1);
}
