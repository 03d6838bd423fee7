/**
 * Builds a Prisma client on the right driver adapter. Free of `server-only` so that scripts
 * (migrate, seed, manifest), tests and benchmarks share it with the app.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "~/generated/prisma/client";

export type DbKind = "postgresql" | "pglite";

export interface ClientTarget {
  databaseUrl?: string;
  dataDir: string;
}

export const pgliteDirOf = (dataDir: string) => path.resolve(dataDir, "pglite");

export interface DbHandle {
  db: PrismaClient;
  kind: DbKind;
  /** Disconnects, and for PGlite closes the embedded database so the process can exit. */
  close: () => Promise<void>;
}

export function createPrismaClient(target: ClientTarget): DbHandle {
  if (target.databaseUrl) {
    const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: target.databaseUrl, max: 10 }) });
    return { kind: "postgresql", db, close: () => db.$disconnect() };
  }
  const dir = pgliteDirOf(target.dataDir);
  mkdirSync(dir, { recursive: true });
  const pglite = new PGlite(dir);
  const db = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    kind: "pglite",
    db,
    close: async () => {
      await db.$disconnect();
      await pglite.close();
    },
  };
}
