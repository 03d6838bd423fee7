import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

import { diffMigrationsToSchema, migrateDatabase } from "./migrate";

const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

/** The migration folders, in the order they are applied. */
function migrationNames(): string[] {
  return readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
}

/** What _prisma_migrations must hold after a full migration, as `prisma migrate deploy` writes it. */
function expectedRows(): { migration_name: string; checksum: string }[] {
  return migrationNames().map((name) => ({
    migration_name: name,
    checksum: createHash("sha256")
      .update(readFileSync(path.join(MIGRATIONS_DIR, name, "migration.sql")))
      .digest("hex"),
  }));
}

type MigrationRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
};

const ROWS_SQL = "SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count " + "FROM _prisma_migrations ORDER BY migration_name";

function expectRecorded(rows: MigrationRow[]): void {
  expect(rows.map(({ migration_name, checksum }) => ({ migration_name, checksum }))).toEqual(expectedRows());
  for (const row of rows) {
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.rolled_back_at).toBeNull();
    expect(row.applied_steps_count).toBe(1);
  }
}

describe("migrations", () => {
  it("reproduce prisma/schema.prisma (run `npm run db:new <name>` after editing the schema)", async () => {
    expect(await diffMigrationsToSchema()).toBe("");
  });

  it("include the initial migration", () => {
    expect(migrationNames()[0]).toMatch(/^\d{14}_init$/);
  });
});

describe("migrateDatabase on PGlite", () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "migrate-test-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("applies every migration to a fresh data dir, then nothing", async () => {
    // A missing parent directory is created too.
    const dataDir = path.join(tmp, "data", "pglite");
    expect(await migrateDatabase({ kind: "pglite", dataDir })).toEqual(migrationNames());
    expect(await migrateDatabase({ kind: "pglite", dataDir })).toEqual([]);

    // migrateDatabase closed the data dir, so it can be opened again here.
    const db = await PGlite.create(dataDir);
    try {
      expectRecorded((await db.query<MigrationRow>(ROWS_SQL)).rows);
      const tables = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'Tenant'");
      expect(tables.rows[0]?.n).toBe(1);
    } finally {
      await db.close();
    }
  });
});

describe("migrateDatabase on PostgreSQL", () => {
  const serverUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const dbName = `migrate_test_${process.pid}_${Date.now()}`;
  let admin: pg.Client | undefined;

  afterAll(async () => {
    if (!admin) return;
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  });

  it("applies every migration to a fresh database, then nothing", async (ctx) => {
    const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
    } catch (error) {
      console.warn(
        `Skipping the PostgreSQL migration test: no server reachable at ${new URL(serverUrl).host} ` +
          `(${error instanceof Error ? error.message : String(error)}). Set TEST_DATABASE_URL.`,
      );
      ctx.skip();
      return;
    }
    admin = client;
    await admin.query(`CREATE DATABASE "${dbName}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${dbName}`;
    const target = { kind: "postgresql", url: url.toString() } as const;

    expect(await migrateDatabase(target)).toEqual(migrationNames());
    expect(await migrateDatabase(target)).toEqual([]);

    const db = new pg.Client({ connectionString: target.url });
    await db.connect();
    try {
      expectRecorded((await db.query<MigrationRow>(ROWS_SQL)).rows);
    } finally {
      await db.end();
    }
  });
});
