/**
 * A database of its own for each test file: a new PostgreSQL database on TEST_DATABASE_URL's
 * server (migrated, dropped afterwards), or a fresh PGlite directory when TEST_DB=pglite.
 * Refuses anything but a local server, so a test can never touch a real deployment.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { createPrismaClient } from "~/server/db-client";
import { migrateDatabase } from "~/server/db/migrate";
import type { PrismaClient } from "~/generated/prisma/client";

const LOCAL = new Set(["127.0.0.1", "localhost", "::1", "[::1]", ""]);

export function testServerUrl(): string | null {
  if (process.env.TEST_DB === "pglite") return null;
  const url = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const host = new URL(url).hostname;
  if (!LOCAL.has(host)) throw new Error(`Refusing to run tests against non-local database host ${host}`);
  return url;
}

export async function createTestDb(): Promise<{ db: PrismaClient; kind: "postgresql" | "pglite"; url?: string; cleanup: () => Promise<void> }> {
  const server = testServerUrl();
  if (!server) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "uc-test-"));
    await migrateDatabase({ kind: "pglite", dataDir: path.join(dataDir, "pglite") });
    const { db, close } = createPrismaClient({ dataDir });
    return {
      db,
      kind: "pglite",
      cleanup: async () => {
        await close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = `uc_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const url = await createScratchDatabase(server, name);
  await migrateDatabase({ kind: "postgresql", url });
  const { db, close } = createPrismaClient({ databaseUrl: url, dataDir: ".data/test" });
  return {
    db,
    kind: "postgresql",
    url,
    cleanup: async () => {
      await close();
      await dropScratchDatabase(server, name);
    },
  };
}
