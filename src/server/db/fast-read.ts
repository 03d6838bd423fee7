/**
 * The statements every request runs (the tenant and caller, a list page, a sign-in's read and its
 * session row), sent straight to the PostgreSQL pool that Prisma's driver adapter also uses. Prisma's `$queryRaw` costs about
 * 0.37 ms of CPU per statement above what `pg` itself spends (0.43 ms against 0.06 ms for
 * `SELECT 1`, measured in `bench:pipeline`'s notes), which is most of a cheap call. Same SQL
 * (`Prisma.sql` fragments), same pool, same rows: columns come back as `$queryRaw` answers them
 * (timestamps as Dates in UTC, int8 as BigInt, json parsed), and parameters go as Prisma sends them.
 * Single statements that need no transaction; inside one (a transaction client), on PGlite, or on
 * any client not built by createPrismaClient, it is `$queryRaw`.
 */
import pg from "pg";
import type { Prisma, PrismaClient } from "~/generated/prisma/client";

// On globalThis: Next bundles the pages' server code apart from the API's, each with its own copy
// of this module, while the client is one per process (~/server/db). A module-level map was empty
// in the pages' copy, so every page's "fast" read went through `$queryRaw` after all.
const store = globalThis as unknown as { __ucFastReadPools?: WeakMap<object, pg.Pool> };
const pools = (store.__ucFastReadPools ??= new WeakMap<object, pg.Pool>());

/** The pool a PostgreSQL client built by createPrismaClient runs on (null on PGlite and elsewhere). */
export const poolOf = (db: object): pg.Pool | null => pools.get(db) ?? null;

/** Called by createPrismaClient for a PostgreSQL client and the pool its adapter runs on. */
export function enableFastReads(db: PrismaClient, pool: pg.Pool) {
  pools.set(db, pool);
}

const { builtins } = pg.types;
const utc = (s: string) => new Date(`${s.replace(" ", "T")}Z`);
/** The parsers that differ from pg's defaults, to answer what `$queryRaw` would. */
const PARSERS: Record<number, (s: string) => unknown> = {
  [builtins.TIMESTAMP]: utc,
  [builtins.DATE]: (s) => new Date(`${s}T00:00:00Z`),
  [builtins.INT8]: (s) => BigInt(s),
};
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => PARSERS[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Parameters as Prisma sends them: a Date as its UTC instant (pg would write local time). */
const param = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.map(param) : v);

/**
 * The rows of `query` (`Rows` is their array type, as for `$queryRaw<Rows>`). `prepared` names a
 * statement whose text never changes (only its parameters): each connection then parses and
 * plans it once (PostgreSQL switches to a generic plan after five runs when it is no worse) —
 * for the large per-request statements, whose planning costs more than their execution.
 */
export async function readRows<Rows extends unknown[]>(db: Pick<PrismaClient, "$queryRaw">, query: Prisma.Sql, prepared?: string): Promise<Rows> {
  const pool = pools.get(db);
  if (!pool) return db.$queryRaw<Rows>(query);
  const { rows } = await pool.query({ ...(prepared ? { name: prepared } : {}), text: query.text, values: query.values.map(param), types });
  return rows as Rows;
}

/**
 * The same for one INSERT, UPDATE or DELETE outside a transaction: the number of rows it
 * changed, as `$executeRaw` answers (the OpenID Provider's storage writes a few rows per token).
 */
export async function writeRows(db: Pick<PrismaClient, "$executeRaw">, query: Prisma.Sql, prepared?: string): Promise<number> {
  const pool = pools.get(db);
  if (!pool) return db.$executeRaw(query);
  const { rowCount } = await pool.query({ ...(prepared ? { name: prepared } : {}), text: query.text, values: query.values.map(param), types });
  return rowCount ?? 0;
}
