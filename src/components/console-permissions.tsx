"use client";

import { createContext, useContext, type ReactNode } from "react";
import { hasPermission, type PermissionCode } from "~/lib/permissions";

/**
 * The signed-in console user's permission codes, for hiding what the server would refuse anyway
 * (the server still checks every call). Outside the console shell: unknown (undefined).
 */
const PermissionsContext = createContext<{ permissions: readonly string[]; tenantId: string } | undefined>(undefined);

export function ConsolePermissionsProvider({ permissions, tenantId, children }: { permissions: readonly string[]; tenantId: string; children: ReactNode }) {
  return <PermissionsContext.Provider value={{ permissions, tenantId }}>{children}</PermissionsContext.Provider>;
}

/** The tenant the console is open on (operators' lists span tenants unless told which). */
export function useConsoleTenantId(): string | undefined {
  return useContext(PermissionsContext)?.tenantId;
}

/** true/false when the console knows the caller's permissions; undefined when it does not (then try, and handle a 403). */
export function useCan(code: PermissionCode): boolean | undefined {
  const granted = useContext(PermissionsContext)?.permissions;
  return granted === undefined ? undefined : hasPermission(granted, code);
}
