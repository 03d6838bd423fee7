/**
 * Scratch PostgreSQL databases on a server: created empty, dropped with FORCE. Shared by the
 * test runner (the e2e database), the per-file test databases and the benchmarks.
 */
import pg from "pg";

async function onServer<T>(server: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates `name` on the server and returns its URL. */
export async function createScratchDatabase(server: string, name: string): Promise<string> {
  await onServer(server, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropScratchDatabase(server: string, name: string): Promise<void> {
  await onServer(server, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
