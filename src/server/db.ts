import "server-only";
import { env } from "~/env";
import { createPrismaClient } from "~/server/db-client";
import type { Prisma, PrismaClient } from "~/generated/prisma/client";

export type Db = PrismaClient;
/** What a query runs on: the client itself or the transaction an interactive `$transaction` hands over. */
export type DbClient = Db | Prisma.TransactionClient;
export type { DbKind } from "~/server/db-client";

const globalForDb = globalThis as unknown as { __ucDb?: ReturnType<typeof createPrismaClient> };
const client = (globalForDb.__ucDb ??= createPrismaClient({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR }));

/** PostgreSQL when DATABASE_URL is set; otherwise the embedded PGlite under DATA_DIR. */
export const db: Db = client.db;
export const dbKind = client.kind;
