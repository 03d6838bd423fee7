/** SQL fragments shared by the hot raw queries (sign-in, the per-request session read). */
import { randomBytes } from "node:crypto";
import { Prisma } from "~/generated/prisma/client";

/** The roles a user holds as JSON `[{ name, permissions }]` (`[]` for none); `userId` is a column expression. */
export const userRolesJson = (userId: Prisma.Sql) =>
  Prisma.sql`COALESCE((SELECT json_agg(json_build_object('name', r."name", 'permissions', r."permissions"))
                       FROM "UserRole" ur JOIN "Role" r ON r."id" = ur."roleId" WHERE ur."userId" = ${userId}), '[]'::json)`;

export interface RoleJson {
  name: string;
  permissions: string[];
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A LIKE pattern for "starts with `p`", with LIKE's own wildcards in `p` escaped. */
export const likePrefix = (p: string) => `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Takes a PostgreSQL advisory lock for the rest of the transaction `tx` (named by a label, so
 * each use has its own): instances that do the same step at once do it one after the other.
 */
export async function advisoryXactLock(tx: { $queryRaw: Prisma.TransactionClient["$queryRaw"] }, label: string) {
  await tx.$queryRaw`SELECT 1 AS "ok" FROM (SELECT pg_advisory_xact_lock(hashtext(${label}))) l`;
}

/** A version 7 UUID (time-ordered), as Prisma's `uuid(7)` default makes (for rows inserted with raw SQL). */
export function uuid7(now: Date = new Date()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now.getTime(), 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
