import type { Db } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import { BUILT_IN_ROLES } from "~/lib/permissions";

/** Every tenant has the built-in roles, with the registry's current permissions. */
export async function ensureBuiltInRoles(db: Db | Prisma.TransactionClient, tenantId: string) {
  for (const [name, role] of Object.entries(BUILT_IN_ROLES)) {
    await db.role.upsert({
      where: { tenantId_name: { tenantId, name } },
      create: { tenantId, name, description: role.description, builtIn: true, permissions: [...role.permissions] },
      update: { builtIn: true, permissions: [...role.permissions] },
    });
  }
}
