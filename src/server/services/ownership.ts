/**
 * Who manages which records of a tenant: operators and administrators all of them, everyone
 * else (developers, a developer's client) only what they own. Kept free of server-only imports
 * so the seed script can load the services that use it.
 */
import type { Actor } from "~/server/services/session";

type Owner = Pick<Actor, "userId" | "isOperator" | "roles" | "client">;

export function managesAll(actor: Owner): boolean {
  if (actor.isOperator) return true;
  if (actor.client) return actor.client.ownerManagesAll;
  return actor.roles.includes("administrator");
}

/** Whose records a non-administrator manages: their own, or for a client token its owner's. */
export const ownerOf = (actor: Owner): string | null => (actor.client ? actor.client.ownerId : actor.userId);
