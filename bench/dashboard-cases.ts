/**
 * The dashboard's part of `npm run bench:console`: each chart and range called as the router
 * calls it (the service on a Prisma client of its own, as a tenant administrator of the big
 * tenant), and the table that prints them beside their HTTP figures. Beside each, the same
 * chart counted from the rows (`source: "raw"`, the queries before ActivityCount), the two
 * interleaved call by call so that both see the same machine.
 */
import { createPrismaClient } from "~/server/db-client";
import { systemScope } from "~/server/services/scope";
import * as dashboard from "~/server/services/dashboard";
import { dashboardInput, DASHBOARD_RANGES } from "~/lib/validators/dashboard";
import { fmt, pct } from "./lib";

/** Each chart's service call and its REST path under /api/v1/dashboard/. */
export const DASHBOARD_CHARTS = {
  users: "users",
  signIns: "sign-ins",
  failures: "failures",
  sessions: "sessions",
  codes: "codes",
  errors: "errors",
} as const;
type Chart = keyof typeof DASHBOARD_CHARTS;

type Call = (...args: Parameters<(typeof dashboard)["dashboardUsers"]>) => Promise<unknown>;
const CALLS: Record<Chart, Call> = {
  users: dashboard.dashboardUsers,
  signIns: dashboard.dashboardSignIns as never,
  failures: dashboard.dashboardFailures as never,
  sessions: dashboard.dashboardSessions as never,
  codes: dashboard.dashboardCodes as never,
  errors: dashboard.dashboardErrors as never,
};

interface Timing {
  p50: number;
  p99: number;
}
export interface DashboardRow {
  chart: Chart;
  days: number;
  service: Timing;
  /** The same chart counted from the rows. */
  raw: Timing;
  http?: Timing;
  note: string;
}

export async function dashboardServiceCases(url: string, tenantId: string, samples: number): Promise<DashboardRow[]> {
  const { db, close } = createPrismaClient({ databaseUrl: url, dataDir: ".data/bench" });
  try {
    const scope = systemScope(db, { userId: tenantId, tenantId, isOperator: false, roles: [], permissions: ["uc.dashboard.get"] });
    const rows: DashboardRow[] = [];
    for (const chart of Object.keys(CALLS) as Chart[]) {
      // Active sessions are a count of now: one range is enough.
      for (const days of chart === "sessions" ? [30] : DASHBOARD_RANGES) {
        const input = dashboardInput.parse({ days, tz: "Asia/Shanghai" });
        const call = () => CALLS[chart](scope, input);
        const raw = () => CALLS[chart](scope, input, { source: "raw" });
        const first = (await call()) as Record<string, unknown>;
        if (JSON.stringify(first) !== JSON.stringify(await raw())) throw new Error(`${chart} ${days}: the counts and the rows disagree`);
        const note = ["total", "active", "totalFailures", "newInRange"]
          .filter((k) => typeof first[k] === "number")
          .map((k) => `${k} ${(first[k] as number).toLocaleString("en")}`)
          .join(", ");
        const [service, rawTiming] = await interleaved(samples, call, raw);
        rows.push({ chart, days, service, raw: rawTiming, note });
      }
    }
    return rows;
  } finally {
    await close();
  }
}

/** `a` and `b` called in turn, `n` times each after a warm-up: the timings of each. */
async function interleaved(n: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[Timing, Timing]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < 3; i++) {
    await a();
    await b();
  }
  for (let i = 0; i < n; i++) {
    for (const [op, into] of i % 2
      ? ([
          [b, tb],
          [a, ta],
        ] as const)
      : ([
          [a, ta],
          [b, tb],
        ] as const)) {
      const s = performance.now();
      await op();
      into.push(performance.now() - s);
    }
  }
  return [
    { p50: pct(ta, 50), p99: pct(ta, 99) },
    { p50: pct(tb, 50), p99: pct(tb, 99) },
  ];
}

export function printDashboard(users: number, samples: number, rows: DashboardRow[], withHttp: boolean) {
  const head = ["chart", "days", ...(withHttp ? ["HTTP p50", "HTTP p99"] : []), "service p50", "service p99", "rows p50", "rows p99", ""];
  const body = rows.map((r) => [
    DASHBOARD_CHARTS[r.chart],
    String(r.days),
    ...(withHttp ? [r.http ? fmt(r.http.p50) : "—", r.http ? fmt(r.http.p99) : "—"] : []),
    fmt(r.service.p50),
    fmt(r.service.p99),
    fmt(r.raw.p50),
    fmt(r.raw.p99),
    r.note,
  ]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((s, i) => (i === 0 || i === r.length - 1 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join("  ");
  console.log(
    `\nDashboard, ${users.toLocaleString("en")} users, the big tenant's administrator, ${samples} calls per case, one at a time ("rows": the same chart counted from the rows):`,
  );
  console.log(line(head));
  for (const r of body) console.log(line(r));
}
