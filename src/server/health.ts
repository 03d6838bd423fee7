import { Prisma, type PrismaClient } from "~/generated/prisma/client";
import { readRows } from "~/server/db/fast-read";
import pkg from "../../package.json" with { type: "json" };

export interface Health {
  status: "ok" | "error";
  db: "postgresql" | "pglite";
  version: string;
  error?: string;
}

/** `ok` when the database answers within `timeoutMs`; the route answers 503 otherwise. */
export async function checkHealth(db: PrismaClient, kind: Health["db"], timeoutMs = 3000): Promise<Health> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("database timeout")), timeoutMs);
  });
  try {
    // On the pool itself (see fast-read.ts): the check needs the database, not the query compiler.
    await Promise.race([readRows(db, Prisma.sql`SELECT 1`), timeout]);
    return { status: "ok", db: kind, version: pkg.version };
  } catch (e) {
    return { status: "error", db: kind, version: pkg.version, error: e instanceof Error ? e.message.split("\n")[0] : "unreachable" };
  } finally {
    clearTimeout(timer);
  }
}
