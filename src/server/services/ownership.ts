/**
 * Who manages which records of a tenant: operators and administrators all of them, everyone
 * else (developers, a developer's client) only what they own. Kept free of server-only imports
 * so the seed script can load the services that use it.
 */
import type { Actor } from "~/server/services/session";

export type Who = Pick<Actor, "userId" | "tenantId" | "isOperator" | "roles" | "permissions" | "client"> & { ip?: string | null };

export function managesAll(who: Who): boolean {
  if (who.isOperator) return true;
  if (who.client) return who.client.ownerManagesAll;
  return who.roles.includes("administrator");
}

/** Whose records a non-administrator manages: their own, or for a client token its owner's. */
export const ownerOf = (who: Who): string | null => (who.client ? who.client.ownerId : who.userId);
