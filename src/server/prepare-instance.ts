import "server-only";
import type { Db } from "~/server/db";
import type { Secrets } from "~/server/secrets";
import { seed, type SeedOptions } from "~/server/seed";
import { ensureSigningKey } from "~/server/services/tokens";
import { checkInstanceSecrets } from "~/server/startup";
import { poolOf } from "~/server/db/fast-read";

/**
 * What every start does before serving, in order: the key check (a mismatched instance writes
 * nothing), the idempotent seed, and the active signing key (so /.well-known/jwks.json has a key
 * from the first start). `npm run db:seed` (part of `npm start`) runs this.
 */
export async function prepareInstance(db: Db, opts: SeedOptions & { secrets?: Secrets }) {
  await checkInstanceSecrets(db, opts.secrets);
  const result = await oneAtATime(db, "user-center:seed", () => seed(db, opts));
  await ensureSigningKey(db);
  return result;
}

/**
 * Runs `fn` while holding a PostgreSQL session advisory lock on a connection of its own, so that
 * instances starting at once seed one after the other (the seed's steps are idempotent, not
 * atomic: two at once both found no default tenant and both created one). The lock goes with the
 * connection if the process dies. PGlite is one process: nothing to wait for.
 */
async function oneAtATime<T>(db: Db, label: string, fn: () => Promise<T>): Promise<T> {
  const pool = poolOf(db);
  if (!pool) return fn();
  const conn = await pool.connect();
  try {
    await conn.query("SELECT pg_advisory_lock(hashtext($1))", [label]);
    try {
      return await fn();
    } finally {
      await conn.query("SELECT pg_advisory_unlock(hashtext($1))", [label]);
    }
  } finally {
    conn.release();
  }
}
