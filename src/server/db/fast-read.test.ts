import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Prisma } from "~/generated/prisma/client";
import { createTestDb } from "~/test/db";
import { readRows } from "~/server/db/fast-read";

let env: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => {
  env = await createTestDb();
});
afterAll(() => env?.cleanup());

describe("readRows", () => {
  it("answers exactly what $queryRaw answers, type for type, in a server's local time zone too", async () => {
    // pg's own parser reads a timestamp without zone as local time: wrong anywhere but UTC.
    const tz = process.env.TZ;
    process.env.TZ = "Asia/Shanghai";
    try {
      const at = new Date("2026-03-04T05:06:07.089Z");
      const query = Prisma.sql`
      SELECT ${at}::timestamp(3) AS "ts", ${at}::timestamptz AS "tstz", '2026-02-03'::date AS "day",
             ${"12345678901234"}::bigint AS "big", 7::int AS "int", true AS "yes", NULL::text AS "nothing",
             ARRAY['a', 'b']::text[] AS "list", json_build_object('k', 1, 'l', json_build_array('x')) AS "json",
             jsonb_build_object('j', true) AS "jsonb", ${"你好\u{1F600}"}::text AS "text", ${[at.toISOString()]}::text[] AS "param",
             gen_random_uuid()::text ~ '^[0-9a-f-]{36}$' AS "uuid"`;
      const [fast] = await readRows<Record<string, unknown>[]>(env.db, query);
      const [prisma] = await env.db.$queryRaw<Record<string, unknown>[]>(query);
      expect(fast).toEqual(prisma);
      expect(fast).toMatchObject({ ts: at, tstz: at, day: new Date("2026-02-03T00:00:00Z"), big: 12345678901234n, json: { k: 1, l: ["x"] }, list: ["a", "b"] });
    } finally {
      process.env.TZ = tz;
    }
  });

  it("runs a named statement as prepared, with each call's own parameters", async () => {
    const q = (n: number) => Prisma.sql`SELECT ${n}::int * 2 AS "twice", ${`v${n}`}::text AS "label"`;
    // Past the fifth run PostgreSQL may switch to a generic plan: the answers must not change.
    for (let n = 1; n <= 8; n++) expect(await readRows(env.db, q(n), "fast_read_test_twice")).toEqual([{ twice: n * 2, label: `v${n}` }]);
    if (env.kind === "postgresql") {
      const [row] = await readRows<{ n: number }[]>(
        env.db,
        Prisma.sql`SELECT count(*)::int AS "n" FROM pg_prepared_statements WHERE name = 'fast_read_test_twice'`,
      );
      expect(row?.n).toBe(1);
    }
  });

  it("goes through Prisma inside a transaction (the transaction's own connection)", async () => {
    const seen = await env.db.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL application_name = 'fast-read-test'`;
      return readRows<{ name: string }[]>(tx, Prisma.sql`SELECT current_setting('application_name') AS "name"`);
    });
    expect(seen).toEqual([{ name: "fast-read-test" }]);
  });
});

describe("the pool map", () => {
  it("is one per process: another copy of this module (Next bundles pages apart from the API) finds the pool too", async () => {
    if (env.kind !== "postgresql") return; // PGlite has no pool: every read is $queryRaw there
    const mine = await import("~/server/db/fast-read");
    vi.resetModules();
    const other = await import("~/server/db/fast-read");
    expect(other).not.toBe(mine);
    expect(other.poolOf(env.db)).not.toBeNull();
    expect(other.poolOf(env.db)).toBe(mine.poolOf(env.db));
  });
});
