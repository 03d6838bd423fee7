/**
 * The console's dashboard: each chart is one or two statements over `ActivityCount`, the counts
 * per quarter hour of UTC, plus the `ActivityDelta` rows that triggers write in the same
 * transaction as the counted rows and housekeeping adds in (see the models in
 * prisma/schema.prisma and their migration). A local day is a sum of whole quarter
 * hours in every time zone in use, so a chart reads at most 96 rows per day and key whatever
 * the tenant's size: a million users cost what the number of days and keys costs. Days are the
 * input time zone's calendar days, today included; instants go in as ISO strings cast to
 * timestamptz so the session's own time zone never matters.
 *
 * The same figures counted from the rows themselves (`source: "raw"`) stay here: for a zone
 * whose midnights are not on quarter hours (none today, some before 1980) and for the tests,
 * which compare the two.
 */
import type { z } from "zod";
import { Prisma } from "~/generated/prisma/client";
import { tenantWhere, type Scope } from "~/server/services/scope";
import { env } from "~/env";
import { COUNT_CAP } from "~/server/services/user";
import type {
  DashboardCodes,
  DashboardErrors,
  DashboardFailures,
  DashboardSessions,
  DashboardSignIns,
  DashboardUsers,
  dashboardInput,
} from "~/lib/validators/dashboard";

type Input = z.output<typeof dashboardInput>;
/** `now` is for tests; requests use the clock. `source: "raw"` counts the rows themselves. */
type Options = { now?: Date; source?: "rollup" | "raw" };

/** The range: its first instant, and its days as text; `rollup` when the counts may be read. */
interface Range {
  tz: string;
  since: Prisma.Sql;
  days: string[];
  /** Each day's first instant (ISO), then tomorrow's: the edges the counts' quarter hours fall between. */
  edges: string[];
  rollup: boolean;
}

/** `"tenantId" = …` for one tenant, TRUE for an operator looking at every tenant. */
function tenantFilter(scope: Scope, input: Input, column = `"tenantId"`): Prisma.Sql {
  const { tenantId } = tenantWhere(scope, input.tenantId);
  return tenantId ? Prisma.sql`${Prisma.raw(column)} = ${tenantId}::uuid` : Prisma.sql`TRUE`;
}

/** The quarter hours `ActivityCount` counts by, in seconds. */
const BUCKET_SECONDS = 900;

/**
 * The first instant of the range (local midnight `days - 1` days before today's) and its days;
 * the counts serve it when each of its midnights, tomorrow's included, is on a quarter hour.
 */
async function rangeOf({ db }: Scope, input: Input, opts: Options): Promise<Range> {
  const now = (opts.now ?? new Date()).toISOString();
  const rows = await db.$queryRaw<{ day: string; edge: number; aligned: boolean }[]>`
    SELECT to_char(d, 'YYYY-MM-DD') AS day, extract(epoch FROM d AT TIME ZONE ${input.tz})::float8 AS edge,
           extract(epoch FROM d AT TIME ZONE ${input.tz}) % ${BUCKET_SECONDS} = 0 AS aligned
      FROM generate_series(
             date_trunc('day', ${now}::timestamptz AT TIME ZONE ${input.tz}) - make_interval(days => ${input.days - 1}::int),
             date_trunc('day', ${now}::timestamptz AT TIME ZONE ${input.tz}) + interval '1 day',
             interval '1 day') AS d
     ORDER BY d`;
  const days = rows.slice(0, -1).map((r) => r.day);
  const rollup = opts.source !== "raw" && rows.every((r) => r.aligned);
  const edges = rows.map((r) => new Date(r.edge * 1000).toISOString());
  return { tz: input.tz, days, edges, rollup, since: Prisma.sql`(${days[0]}::timestamp AT TIME ZONE ${input.tz})` };
}

/** The metrics `ActivityCount` keeps (the triggers' names for them). */
type Metric = "user" | "signIn" | "signInFailure" | "accountLock" | "message";

/**
 * `FROM …` the counts of `metric` in the range, for the caller's tenant (or every tenant): the
 * added-up counts and the deltas housekeeping has not added yet, read in one statement (one
 * snapshot: a fold moves rows from one to the other atomically).
 */
const counted = (scope: Scope, input: Input, r: Range, metric: Metric) => {
  const where = Prisma.sql`WHERE ${tenantFilter(scope, input)} AND "metric" = ${metric} AND "bucket" >= ${r.since}`;
  return Prisma.sql`FROM (SELECT "bucket", "dimension", "count" FROM "ActivityCount" ${where}
                UNION ALL SELECT "bucket", "dimension", "count" FROM "ActivityDelta" ${where}) c`;
};
/**
 * The day of a count's quarter hour, as its number in the range (1 for the first; past the last
 * for a count after today): a binary search among the day edges, cheaper per row than a time
 * zone conversion.
 */
const bucketDay = (r: Range) => Prisma.sql`width_bucket("bucket", ${r.edges}::timestamptz[])`;
/** Names the groups of `grouped` (a query grouping by `d`, a day's number in the range) as `YYYY-MM-DD`. */
const byDayNumber = (r: Range, grouped: Prisma.Sql) =>
  Prisma.sql`SELECT (${r.days}::text[])[g.d] AS day, g.* FROM (${grouped}) g WHERE g.d BETWEEN 1 AND ${r.days.length}`;

/** The local day of `createdAt`, as a date: grouping by it is cheaper per row than by its text. */
const localDay = (r: Range) => Prisma.sql`("createdAt" AT TIME ZONE ${r.tz})::date`;
/** Names the groups of `grouped` (a query grouping by `d`, a local day) as `YYYY-MM-DD`: a few rows, formatted once each. */
const byDay = (grouped: Prisma.Sql) => Prisma.sql`SELECT to_char(g.d, 'YYYY-MM-DD') AS day, g.* FROM (${grouped}) g`;

/** Grouped (day, key, n) rows → one count per day for each key, biggest key first. */
function toSeries(days: string[], rows: { day: string; key: string; n: number }[]) {
  const index = new Map(days.map((d, i) => [d, i]));
  const byKey = new Map<string, number[]>();
  for (const r of rows) {
    const i = index.get(r.day);
    if (i === undefined) continue;
    const counts = byKey.get(r.key) ?? days.map(() => 0);
    counts[i] = (counts[i] ?? 0) + r.n;
    byKey.set(r.key, counts);
  }
  return [...byKey]
    .map(([key, counts]) => ({ key, counts, total: counts.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
}

const perDay = (days: string[], rows: { day: string; n: number }[]) =>
  toSeries(
    days,
    rows.map((r) => ({ ...r, key: "" })),
  )[0]?.counts ?? days.map(() => 0);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Users not deleted: exact up to COUNT_CAP, as the user list counts; past it the planner's
 * estimate (a million-row count costs most of a second; the estimate, a plan).
 */
async function countUsers({ db }: Scope, where: Prisma.Sql): Promise<{ total: number; totalEstimated: boolean }> {
  const [exact] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM "User" WHERE ${where} AND "deletedAt" IS NULL LIMIT ${COUNT_CAP + 1}) s`;
  if ((exact?.n ?? 0) <= COUNT_CAP) return { total: exact?.n ?? 0, totalEstimated: false };
  const [plan] = await db.$queryRaw<[{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }]>`
    EXPLAIN (FORMAT JSON) SELECT 1 FROM "User" WHERE ${where} AND "deletedAt" IS NULL`;
  return { total: Math.max(Math.round(plan["QUERY PLAN"][0]?.Plan["Plan Rows"] ?? 0), COUNT_CAP + 1), totalEstimated: true };
}

export async function dashboardUsers(scope: Scope, input: Input, opts: Options = {}): Promise<DashboardUsers> {
  const r = await rangeOf(scope, input, opts);
  const where = tenantFilter(scope, input);
  const [total, rows] = await Promise.all([
    countUsers(scope, where),
    scope.db.$queryRaw<{ day: string; n: number }[]>(
      r.rollup
        ? byDayNumber(
            r,
            Prisma.sql`SELECT ${bucketDay(r)} AS d, sum("count")::int AS n ${counted(scope, input, r, "user")} GROUP BY 1 HAVING sum("count") <> 0`,
          )
        : byDay(Prisma.sql`SELECT ${localDay(r)} AS d, count(*)::int AS n
        FROM "User" WHERE ${where} AND "createdAt" >= ${r.since} AND "deletedAt" IS NULL
       GROUP BY 1`),
    ),
  ]);
  const counts = perDay(r.days, rows);
  return { ...total, days: r.days, counts, newInRange: sum(counts) };
}

export async function dashboardSignIns(scope: Scope, input: Input, opts: Options = {}): Promise<DashboardSignIns> {
  const r = await rangeOf(scope, input, opts);
  const rows = await scope.db.$queryRaw<{ day: string; key: string; n: number }[]>(
    r.rollup
      ? byDayNumber(
          r,
          Prisma.sql`SELECT ${bucketDay(r)} AS d, "dimension" AS key, sum("count")::int AS n ${counted(scope, input, r, "signIn")}
         GROUP BY 1, 2 HAVING sum("count") <> 0`,
        )
      : byDay(Prisma.sql`SELECT ${localDay(r)} AS d, "method" AS key, count(*)::int AS n
      FROM "LoginSession" WHERE ${tenantFilter(scope, input)} AND "createdAt" >= ${r.since}
     GROUP BY 1, 2`),
  );
  const series = toSeries(r.days, rows);
  return { days: r.days, series, total: sum(series.map((s) => s.total)) };
}

export async function dashboardFailures(scope: Scope, input: Input, opts: Options = {}): Promise<DashboardFailures> {
  const r = await rangeOf(scope, input, opts);
  const where = tenantFilter(scope, input);
  const [failures, locks] = await Promise.all([
    scope.db.$queryRaw<{ day: string; n: number }[]>(
      r.rollup
        ? byDayNumber(
            r,
            Prisma.sql`SELECT ${bucketDay(r)} AS d, sum("count")::int AS n ${counted(scope, input, r, "signInFailure")} GROUP BY 1 HAVING sum("count") <> 0`,
          )
        : byDay(Prisma.sql`SELECT ${localDay(r)} AS d, count(*)::int AS n
        FROM "SignInFailure" WHERE ${where} AND "createdAt" >= ${r.since} GROUP BY 1`),
    ),
    scope.db.$queryRaw<{ day: string; key: string; n: number }[]>(
      r.rollup
        ? byDayNumber(
            r,
            Prisma.sql`SELECT ${bucketDay(r)} AS d, "dimension" AS key, sum("count")::int AS n ${counted(scope, input, r, "accountLock")}
           GROUP BY 1, 2 HAVING sum("count") <> 0`,
          )
        : byDay(Prisma.sql`SELECT ${localDay(r)} AS d, "reason" AS key, count(*)::int AS n
        FROM "AccountLock" WHERE ${where} AND "createdAt" >= ${r.since} GROUP BY 1, 2`),
    ),
  ]);
  const byReason = toSeries(r.days, locks);
  const lockCounts = r.days.map((_, i) => sum(byReason.map((s) => s.counts[i] ?? 0)));
  const failureCounts = perDay(r.days, failures);
  return {
    days: r.days,
    failures: failureCounts,
    locks: lockCounts,
    totalFailures: sum(failureCounts),
    totalLocks: sum(lockCounts),
    lockReasons: byReason.map((s) => ({ reason: s.key, count: s.total })),
  };
}

/** Sessions usable now: the same rules as `loadActor` (src/server/services/session.ts). */
export async function dashboardSessions(scope: Scope, input: Input, opts: Options = {}): Promise<DashboardSessions> {
  const now = (opts.now ?? new Date()).toISOString();
  const rows = await scope.db.$queryRaw<{ method: string; n: number }[]>`
    SELECT "method", count(*)::int AS n
      FROM "LoginSession"
     WHERE ${tenantFilter(scope, input)} AND "state" = 'active' AND "expiresAt" > ${now}::timestamptz AND "deletedAt" IS NULL
       AND "lastSeenAt" + "idleSeconds" * interval '1 second' > ${now}::timestamptz
     GROUP BY 1 ORDER BY 2 DESC, 1`;
  return { active: sum(rows.map((x) => x.n)), byMethod: rows.map((x) => ({ method: x.method, count: x.n })) };
}

/** How long the message log is kept (housekeeping deletes older rows). */
const outboxKeptDays = () => {
  const n = Number(env.UC_OUTBOX_RETENTION_DAYS ?? 30);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 30;
};

/** Every SMS and email sent (one OutboxMessage row per send, whatever the provider): an SMS bill is money. */
export async function dashboardCodes(scope: Scope, input: Input, opts: Options = {}): Promise<DashboardCodes> {
  const r = await rangeOf(scope, input, opts);
  // The counts' dimension is `channel/status`.
  const rows = await scope.db.$queryRaw<{ day: string; key: string; failed: number; n: number }[]>(
    r.rollup
      ? byDayNumber(
          r,
          Prisma.sql`SELECT ${bucketDay(r)} AS d, split_part("dimension", '/', 1) AS key, sum("count")::int AS n,
                COALESCE(sum("count") FILTER (WHERE split_part("dimension", '/', 2) = 'failed'), 0)::int AS failed
           ${counted(scope, input, r, "message")} GROUP BY 1, 2 HAVING sum("count") <> 0`,
        )
      : byDay(Prisma.sql`SELECT ${localDay(r)} AS d, "channel" AS key, count(*)::int AS n, (count(*) FILTER (WHERE "status" = 'failed'))::int AS failed
      FROM "OutboxMessage" WHERE ${tenantFilter(scope, input)} AND "createdAt" >= ${r.since}
     GROUP BY 1, 2`),
  );
  const series = toSeries(r.days, rows);
  return { days: r.days, series, total: sum(series.map((s) => s.total)), failed: sum(rows.map((x) => x.failed)), keptDays: outboxKeptDays() };
}

/** The codes refused sign-ins answered, most frequent first (ten at most). */
export async function dashboardErrors(scope: Scope, input: Input, opts: Options = {}): Promise<DashboardErrors> {
  const r = await rangeOf(scope, input, opts);
  const where = tenantFilter(scope, input);
  const [rows, [all]] = await Promise.all(
    r.rollup
      ? [
          scope.db.$queryRaw<{ code: number; n: number }[]>`
            SELECT "dimension"::int AS "code", sum("count")::int AS n ${counted(scope, input, r, "signInFailure")}
             GROUP BY 1 HAVING sum("count") <> 0 ORDER BY 2 DESC, 1 LIMIT 10`,
          scope.db.$queryRaw<{ n: number }[]>`SELECT COALESCE(sum("count"), 0)::int AS n ${counted(scope, input, r, "signInFailure")}`,
        ]
      : [
          scope.db.$queryRaw<{ code: number; n: number }[]>`
            SELECT "code", count(*)::int AS n FROM "SignInFailure" WHERE ${where} AND "createdAt" >= ${r.since}
             GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
          scope.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "SignInFailure" WHERE ${where} AND "createdAt" >= ${r.since}`,
        ],
  );
  return { total: all?.n ?? 0, items: rows.map((x) => ({ code: x.code, count: x.n })) };
}
