/**
 * Builds a Prisma client on the right driver adapter. Free of `server-only` so that scripts
 * (migrate, seed, manifest), tests and benchmarks share it with the app.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "~/generated/prisma/client";
import { enableFastReads } from "~/server/db/fast-read";

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
    // One pool: Prisma's adapter runs on it, and so do the hot reads of ~/server/db/fast-read.
    const pool = new pg.Pool({ connectionString: target.databaseUrl, max: 10 });
    // An idle connection the server ended (restart, pg_terminate_backend) leaves the pool by
    // itself; without a listener the pool would throw its 'error' event at the process.
    pool.on("error", () => {});
    const db = new PrismaClient({ adapter: new PrismaPg(pool) });
    enableFastReads(db, pool);
    return {
      kind: "postgresql",
      db,
      close: async () => {
        await db.$disconnect();
        await pool.end();
      },
    };
  }
  const dir = pgliteDirOf(target.dataDir);
  mkdirSync(dir, { recursive: true });
  const embedded = lazyPGlite(dir);
  const db = new PrismaClient({ adapter: embedded.adapter });
  return {
    kind: "pglite",
    db,
    close: async () => {
      await db.$disconnect();
      await embedded.close();
    },
  };
}

/**
 * PGlite and its Prisma adapter, loaded and opened with the first query: a PostgreSQL instance
 * never loads them (~15 MB of memory and 50 ms of start-up), and a PGlite one opens its database
 * when Prisma first connects, as it would have.
 */
function lazyPGlite(dir: string): { adapter: SqlMigrationAwareDriverAdapterFactory; close: () => Promise<void> } {
  let opened: Promise<{ client: PGlite; adapter: SqlMigrationAwareDriverAdapterFactory }> | undefined;
  const open = () =>
    (opened ??= Promise.all([import("@electric-sql/pglite"), import("pglite-prisma-adapter")]).then(([{ PGlite }, { PrismaPGlite }]) => {
      const client = new PGlite(dir);
      return { client, adapter: new PrismaPGlite(client) };
    }));
  return {
    adapter: {
      provider: "postgres",
      adapterName: "pglite-prisma-adapter",
      connect: async () => (await open()).adapter.connect(),
      connectToShadowDb: async () => (await open()).adapter.connectToShadowDb(),
    },
    close: async () => {
      if (opened) await (await opened).client.close();
    },
  };
}
