// Database migrations through the Wasm schema engine (the native `prisma migrate` cannot run
// offline). Run from the project root:
//
//   tsx scripts/db.ts migrate       apply pending migrations to DATABASE_URL, or else to the
//                                   embedded PGlite database in ${DATA_DIR:-./.data}/pglite
//   tsx scripts/db.ts new <name>    write a migration for the changes in prisma/schema.prisma
//   tsx scripts/db.ts check         exit 1 (printing the SQL) if the migrations lag the schema

import { mkdir } from "node:fs/promises";
import path from "node:path";

import { createMigration, diffMigrationsToSchema, migrateDatabase, type DbTarget } from "../src/server/db/migrate";

const USAGE = "Usage: tsx scripts/db.ts migrate | new <name> | check";

/** Shows where a database is without printing its password. */
function describeTarget(target: DbTarget): string {
  if (target.kind === "pglite") return `PGlite database in ${target.dataDir}`;
  try {
    const url = new URL(target.url);
    if (url.password) url.password = "***";
    return `PostgreSQL database ${url.toString()}`;
  } catch {
    return "PostgreSQL database from DATABASE_URL";
  }
}

async function migrate(): Promise<void> {
  const url = process.env.DATABASE_URL;
  let target: DbTarget;
  if (url) {
    target = { kind: "postgresql", url };
  } else {
    const dataDir = path.resolve(process.env.DATA_DIR ?? "./.data", "pglite");
    await mkdir(dataDir, { recursive: true });
    target = { kind: "pglite", dataDir };
  }
  console.log(`Migrating the ${describeTarget(target)}`);
  const applied = await migrateDatabase(target);
  if (applied.length === 0) {
    console.log("No pending migrations.");
    return;
  }
  console.log(`Applied ${applied.length} migration(s):`);
  for (const name of applied) console.log(`  ${name}`);
}

async function newMigration(name: string | undefined): Promise<void> {
  if (!name) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const dir = await createMigration(name);
  if (dir === null) {
    console.log("prisma/schema.prisma matches the migrations: nothing to write.");
    return;
  }
  console.log(`Created ${path.relative(process.cwd(), path.join(dir, "migration.sql"))}`);
}

async function check(): Promise<void> {
  const sql = await diffMigrationsToSchema();
  if (sql === "") {
    console.log("The migrations reproduce prisma/schema.prisma.");
    return;
  }
  console.error("prisma/schema.prisma has changes without a migration (run `npm run db:new <name>`).");
  console.error("SQL that the migrations are missing:\n");
  console.error(sql);
  process.exitCode = 1;
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case "migrate":
      return migrate();
    case "new":
      return newMigration(args[0]);
    case "check":
      return check();
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
