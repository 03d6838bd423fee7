// Prisma migrations without the native schema engine (it cannot be downloaded here).
//
// The Wasm build of the same engine (@prisma/schema-engine-wasm) talks to the database through
// a driver adapter: @prisma/adapter-pg for PostgreSQL, pglite-prisma-adapter for embedded PGlite.
// Migrations live in prisma/migrations in Prisma's own layout and are recorded in
// _prisma_migrations exactly like `prisma migrate deploy` does, so the official CLI agrees.
//
// Plain module (no "server-only"): used by scripts/db.ts, tests and the server.

import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import * as engineBindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationDirectory, MigrationList, SchemaEngine, SchemaFilter, SchemasContainer } from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

export type DbTarget = { kind: "postgresql"; url: string } | { kind: "pglite"; dataDir: string };

type Log = (msg: string) => void;

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };
const LOCKFILE_NAME = "migration_lock.toml";
const MIGRATION_FILE_NAME = "migration.sql";

// Scripts, tests and the server are always started from the project root.
const projectRoot = (): string => process.cwd();
const schemaPath = (): string => path.join(projectRoot(), "prisma", "schema.prisma");
const migrationsDir = (): string => path.join(projectRoot(), "prisma", "migrations");

// ---------------------------------------------------------------------------------------------
// Wasm engine

let bindingsPromise: Promise<typeof engineBindings> | undefined;

/**
 * Timers the engine starts. It never clears them (e.g. a 10 s timeout around the advisory lock
 * stays armed after the lock is taken), which would keep a finished script alive for 10 s; they
 * are cleared once no engine is running.
 */
const engineTimers = new Set<ReturnType<typeof setTimeout>>();
let runningEngines = 0;

/**
 * The package entry imports the .wasm file directly, which Node refuses, so instantiate the
 * module by hand (once per process: wasm-bindgen keeps the instance in module state anyway).
 */
function loadEngineBindings(): Promise<typeof engineBindings> {
  bindingsPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    // The .wasm file is not in the package's "exports"; it sits next to the JS glue.
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const glue: WebAssembly.ModuleImports = { ...engineBindings };
    for (const name of Object.keys(glue)) {
      // wasm-bindgen names imports `__wbg_setTimeout_<hash>`; the hash changes between builds.
      if (!name.startsWith("__wbg_setTimeout_")) continue;
      glue[name] = (callback: () => void, ms: number) => {
        const timer = setTimeout(() => {
          engineTimers.delete(timer);
          callback();
        }, ms >>> 0);
        engineTimers.add(timer);
        return timer;
      };
    }
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue });
    engineBindings.__wbg_set_wasm(instance.exports);
    // WebAssembly.Exports is untyped; wasm-bindgen's start function takes no arguments.
    (instance.exports.__wbindgen_start as () => void)();
    return engineBindings;
  })().catch((error: unknown) => {
    bindingsPromise = undefined;
    throw error;
  });
  return bindingsPromise;
}

/** Runs `fn` with a schema engine on `adapterFactory`, freeing the engine afterwards. */
async function withEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  log: Log | undefined,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadEngineBindings();
  const onLog = (line: unknown): void => {
    if (log) log(String(line).trimEnd());
  };
  runningEngines++;
  try {
    const engine = await SchemaEngine.new({ datamodels: undefined }, onLog, bindMigrationAwareSqlAdapterFactory(adapterFactory));
    try {
      return await fn(engine);
    } finally {
      engine.free();
    }
  } finally {
    if (--runningEngines === 0) {
      for (const timer of engineTimers) clearTimeout(timer);
      engineTimers.clear();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Driver adapters

/** Re-throws a PostgreSQL error (pg or PGlite) as the driver adapter error the engine reports. */
function rethrowAsDriverError(error: unknown): never {
  if (error instanceof Error && "code" in error && typeof error.code === "string") {
    const field = (name: string): string | undefined => {
      const value: unknown = (error as unknown as Record<string, unknown>)[name];
      return typeof value === "string" ? value : undefined;
    };
    throw new DriverAdapterError({
      kind: "postgres",
      code: error.code,
      severity: field("severity") ?? "ERROR",
      message: error.message,
      detail: field("detail"),
      column: field("column"),
      hint: field("hint"),
    });
  }
  throw error;
}

/**
 * Sends migration scripts to the server in one simple-protocol query, as the native engine does:
 * the statements run in one implicit transaction. This replaces two adapter behaviours that are
 * wrong for migrations: adapter-pg splits the script on every ";" (breaks `$$` bodies and string
 * literals) and runs the parts separately; pglite-prisma-adapter 0.7 does not await `exec`, so a
 * failing migration is recorded as applied and its error becomes an unhandled rejection.
 */
function withWholeScripts(adapter: SqlDriverAdapter, exec: (script: string) => Promise<unknown>): SqlDriverAdapter {
  adapter.executeScript = async (script: string): Promise<void> => {
    try {
      await exec(script);
    } catch (error) {
      rethrowAsDriverError(error);
    }
  };
  return adapter;
}

/**
 * PGlite adapter factory. The shadow database is `shadowDb` when given, else a fresh in-memory
 * PGlite per request (the adapter's own never gets closed); both are closed by `close()`.
 */
class PGliteAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName = "pglite-prisma-adapter";
  private readonly owned: PGlite[];

  constructor(
    private readonly db: PGlite,
    private readonly shadowDb?: PGlite,
  ) {
    this.owned = [db];
  }

  async connect(): Promise<SqlDriverAdapter> {
    return PGliteAdapterFactory.adapterFor(this.db);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    let shadow = this.shadowDb;
    if (!shadow) {
      shadow = await PGlite.create();
      this.owned.push(shadow);
    }
    return PGliteAdapterFactory.adapterFor(shadow);
  }

  async close(): Promise<void> {
    await Promise.all(this.owned.splice(0).map((db) => db.close()));
  }

  private static async adapterFor(db: PGlite): Promise<SqlDriverAdapter> {
    const adapter = await new PrismaPGlite(db).connect();
    return withWholeScripts(adapter, (script) => db.exec(script));
  }
}

/** Runs `fn` with an adapter factory for `target`, releasing every connection afterwards. */
async function withTargetAdapter<T>(target: DbTarget, fn: (factory: SqlMigrationAwareDriverAdapterFactory) => Promise<T>): Promise<T> {
  if (target.kind === "postgresql") {
    // Our own pool, so that we can end it: the engine never disposes the adapters it opens.
    const pool = new pg.Pool({ connectionString: target.url });
    const base = new PrismaPg(pool);
    const factory: SqlMigrationAwareDriverAdapterFactory = {
      provider: base.provider,
      adapterName: base.adapterName,
      connect: async () => withWholeScripts(await base.connect(), (script) => pool.query(script)),
      connectToShadowDb: () => base.connectToShadowDb(),
    };
    try {
      return await fn(factory);
    } finally {
      await pool.end();
    }
  }
  // PGlite creates its data directory, but not the missing parents.
  if (!target.dataDir.includes("://")) await mkdir(target.dataDir, { recursive: true });
  const factory = new PGliteAdapterFactory(await PGlite.create(target.dataDir));
  try {
    return await fn(factory);
  } finally {
    await factory.close();
  }
}

/**
 * An engine on a throwaway in-memory PGlite that is also its own shadow database: a diff only
 * asks the main database for its version, and every PGlite instance takes seconds to start.
 */
async function withScratchEngine<T>(fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const db = await PGlite.create();
  const factory = new PGliteAdapterFactory(db, db);
  try {
    return await withEngine(factory, undefined, fn);
  } finally {
    await factory.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Files

/** The migrations folder as the Prisma CLI reads it (same sorting, same error handling). */
async function readMigrationsList(): Promise<MigrationList> {
  const baseDir = migrationsDir();
  const lockContent = await readFile(path.join(baseDir, LOCKFILE_NAME), "utf8").catch(() => null);
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories: MigrationDirectory[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const sqlPath = path.join(baseDir, entry.name, MIGRATION_FILE_NAME);
    const content = await readFile(sqlPath, "utf8").then(
      (value) => ({ tag: "ok" as const, value }),
      (error: unknown) => ({ tag: "error" as const, value: (error as Error).message }),
    );
    migrationDirectories.push({
      path: entry.name,
      migrationFile: { path: MIGRATION_FILE_NAME, content },
    });
  }
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir,
    lockfile: { path: LOCKFILE_NAME, content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

async function readSchema(): Promise<SchemasContainer> {
  const file = schemaPath();
  return { files: [{ path: file, content: await readFile(file, "utf8") }] };
}

/** True when `sql` holds nothing but whitespace and `--` comments. */
function isEmptySql(sql: string): boolean {
  return sql.split("\n").every((line) => line.trim() === "" || line.trim().startsWith("--"));
}

// ---------------------------------------------------------------------------------------------
// API

/**
 * Applies the pending migrations of prisma/migrations to `target` (what `prisma migrate deploy`
 * does) and returns the names of those applied; empty when the database is up to date.
 * `log` receives the schema engine's log lines.
 */
export async function migrateDatabase(target: DbTarget, log?: Log): Promise<string[]> {
  const migrationsList = await readMigrationsList();
  return withTargetAdapter(target, (factory) =>
    withEngine(factory, log, async (engine) => {
      const { appliedMigrationNames } = await engine.applyMigrations({
        migrationsList,
        filters: NO_FILTERS,
      });
      return appliedMigrationNames;
    }),
  );
}

/** What `engine.diff` prints for a migrations folder and a schema, before trimming. */
async function diffScript(): Promise<string> {
  const [migrationsList, schema] = await Promise.all([readMigrationsList(), readSchema()]);
  // The engine learns the connector from the lockfile; before the first migration there is none.
  migrationsList.lockfile.content ??= lockfileContent("postgresql");
  const result = await withScratchEngine((engine) =>
    engine.diff({
      from: { tag: "migrations", ...migrationsList },
      to: { tag: "schemaDatamodel", ...schema },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    }),
  );
  return result.stdout ?? "";
}

/** The lockfile text the Prisma CLI writes. */
function lockfileContent(provider: string): string {
  return "# Please do not edit this file manually\n" + "# It should be added in your version-control system (e.g., Git)\n" + `provider = "${provider}"\n`;
}

/** `yyyyMMddHHmmss` in UTC, the prefix of Prisma's migration directory names. */
function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** The CLI's slug of a migration name: lower case, runs of other characters become "_". */
function migrationSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 200);
}

/**
 * The SQL that takes a database from the migrations folder to prisma/schema.prisma;
 * "" when they are in sync. Needs no server: the shadow database is an in-memory PGlite.
 */
export async function diffMigrationsToSchema(): Promise<string> {
  const sql = await diffScript();
  return isEmptySql(sql) ? "" : sql;
}

/**
 * Writes prisma/migrations/<yyyyMMddHHmmss>_<name>/migration.sql (and migration_lock.toml) for
 * the changes between the migrations folder and prisma/schema.prisma, like `prisma migrate dev
 * --create-only`. Returns the new folder's path, or null when there is nothing to migrate.
 *
 * The Wasm engine's own `createMigration` cannot use a driver adapter's shadow database
 * ("PostgreSQL shadow DB must be provided through an external factory"), so this is `diff`
 * plus the CLI's file layout.
 */
export async function createMigration(name: string): Promise<string | null> {
  const slug = migrationSlug(name);
  if (slug === "") throw new Error(`Invalid migration name: ${JSON.stringify(name)}`);
  const sql = await diffScript();
  if (isEmptySql(sql)) return null;

  const baseDir = migrationsDir();
  const dir = path.join(baseDir, `${migrationTimestamp(new Date())}_${slug}`);
  if (existsSync(dir)) throw new Error(`The migration directory already exists at ${dir}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, MIGRATION_FILE_NAME), sql, "utf8");
  await writeFile(path.join(baseDir, LOCKFILE_NAME), lockfileContent("postgresql"), "utf8");
  return dir;
}
