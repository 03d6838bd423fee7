/**
 * The whole suite, as CI runs it: typecheck, unit + router tests (vitest) on a real database,
 * the production build, then Playwright in Debian's Chromium against `npm start` (server.mjs) — once on
 * PostgreSQL (when there is one) and the HTTP checks again on the embedded PGlite default.
 *
 * Database: TEST_DATABASE_URL if set, else a PostgreSQL found on 127.0.0.1:5432, else PGlite.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";

const LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/postgres";

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

async function pickDatabase(): Promise<string | null> {
  if (process.env.TEST_DATABASE_URL) {
    if (!(await reachable(process.env.TEST_DATABASE_URL))) throw new Error("TEST_DATABASE_URL is set but not reachable");
    console.log(`▶ Tests use PostgreSQL from TEST_DATABASE_URL (${new URL(process.env.TEST_DATABASE_URL).host}).`);
    return process.env.TEST_DATABASE_URL;
  }
  if (await reachable(LOCAL_PG)) {
    console.log("▶ Tests use the PostgreSQL found on 127.0.0.1:5432 (a new database per test file).");
    return LOCAL_PG;
  }
  console.log("▶ No PostgreSQL found: tests use the embedded PGlite database.");
  return null;
}

function run(title: string, cmd: string, args: string[], env: Record<string, string | undefined> = {}) {
  console.log(`\n▶ ${title}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
  if (r.status !== 0) {
    console.error(`✖ ${title} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

async function withDatabase(server: string, name: string, fn: (url: string) => void) {
  const url = await createScratchDatabase(server, name);
  try {
    fn(url);
  } finally {
    await dropScratchDatabase(server, name);
  }
}

const server = await pickDatabase();
const dbEnv = server ? { TEST_DATABASE_URL: server, TEST_DB: "postgresql" } : { TEST_DB: "pglite" };

run("Typecheck", "npx", ["tsc", "--noEmit"]);
run("Lint and format check", "npm", ["run", "-s", "lint"]);
run("Unit and router tests", "npx", ["vitest", "run"], dbEnv);
run("Production build", "npx", ["next", "build"]);

const tmp = mkdtempSync(path.join(os.tmpdir(), "uc-e2e-"));
try {
  if (server) {
    await withDatabase(server, `uc_e2e_${randomBytes(4).toString("hex")}`, (url) =>
      run("Browser tests (PostgreSQL)", "npx", ["playwright", "test"], { E2E_DATABASE_URL: url, E2E_DATA_DIR: path.join(tmp, "pg") }),
    );
    run("HTTP checks on the embedded PGlite default", "npx", ["playwright", "test", "--project=api"], {
      E2E_DATABASE_URL: undefined,
      E2E_DATA_DIR: path.join(tmp, "pglite"),
      E2E_PORT: "3101",
    });
  } else {
    run("Browser tests (PGlite)", "npx", ["playwright", "test"], { E2E_DATA_DIR: path.join(tmp, "pglite") });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log("\n✔ All tests passed.");
