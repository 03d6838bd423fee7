/**
 * The console's dashboard: each chart is one or two statements that group in the database
 * (date_trunc over an index range, the day axis from generate_series), so a tenant of a million
 * users costs what the number of days and keys costs, never its rows. Days are the input time
 * zone's calendar days, today included; instants go in as ISO strings cast to timestamptz so the
 * session's own time zone never matters.
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
/** `now` is for tests; requests use the clock. */
type Options = { now?: Date };

/** The range: its first instant, and its days as text. */
interface Range {
  tz: string;
  since: Prisma.Sql;
  days: string[];
}

/** `"tenantId" = …` for one tenant, TRUE for an operator looking at every tenant. */
function tenantFilter(scope: Scope, input: Input, column = `"tenantId"`): Prisma.Sql {
  const { tenantId } = tenantWhere(scope, input.tenantId);
  return tenantId ? Prisma.sql`${Prisma.raw(column)} = ${tenantId}::uuid` : Prisma.sql`TRUE`;
}

/** The first instant of the range (local midnight `days - 1` days before today's) and its days. */
async function rangeOf({ db }: Scope, input: Input, opts: Options): Promise<Range> {
  const now = (opts.now ?? new Date()).toISOString();
  const rows = await db.$queryRaw<{ day: string }[]>`
    SELECT to_char(d, 'YYYY-MM-DD') AS day
      FROM generate_series(
             date_trunc('day', ${now}::timestamptz AT TIME ZONE ${input.tz}) - make_interval(days => ${input.days - 1}::int),
             date_trunc('day', ${now}::timestamptz AT TIME ZONE ${input.tz}),
             interval '1 day') AS d
     ORDER BY d`;
  const days = rows.map((r) => r.day);
  return { tz: input.tz, days, since: Prisma.sql`(${days[0]}::timestamp AT TIME ZONE ${input.tz})` };
}

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
      byDay(Prisma.sql`SELECT ${localDay(r)} AS d, count(*)::int AS n
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
    byDay(Prisma.sql`SELECT ${localDay(r)} AS d, "method" AS key, count(*)::int AS n
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
      byDay(Prisma.sql`SELECT ${localDay(r)} AS d, count(*)::int AS n
        FROM "SignInFailure" WHERE ${where} AND "createdAt" >= ${r.since} GROUP BY 1`),
    ),
    scope.db.$queryRaw<{ day: string; key: string; n: number }[]>(
      byDay(Prisma.sql`SELECT ${localDay(r)} AS d, "reason" AS key, count(*)::int AS n
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
  const rows = await scope.db.$queryRaw<{ day: string; key: string; failed: number; n: number }[]>(
    byDay(Prisma.sql`SELECT ${localDay(r)} AS d, "channel" AS key, count(*)::int AS n, (count(*) FILTER (WHERE "status" = 'failed'))::int AS failed
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
  const [rows, [all]] = await Promise.all([
    scope.db.$queryRaw<{ code: number; n: number }[]>`
      SELECT "code", count(*)::int AS n FROM "SignInFailure" WHERE ${where} AND "createdAt" >= ${r.since}
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
    scope.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "SignInFailure" WHERE ${where} AND "createdAt" >= ${r.since}`,
  ]);
  return { total: all?.n ?? 0, items: rows.map((x) => ({ code: x.code, count: x.n })) };
}
