/**
 * The dashboard's part of `npm run bench:console`: each chart and range called as the router
 * calls it (the service on a Prisma client of its own, as a tenant administrator of the big
 * tenant), and the table that prints them beside their HTTP figures.
 */
import { createPrismaClient } from "~/server/db-client";
import { systemScope } from "~/server/services/scope";
import * as dashboard from "~/server/services/dashboard";
import { dashboardInput, DASHBOARD_RANGES } from "~/lib/validators/dashboard";
import { fmt, sequential } from "./lib";

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

const CALLS: Record<Chart, (typeof dashboard)["dashboardUsers"]> = {
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
        const first = (await call()) as unknown as Record<string, unknown>;
        const note = ["total", "active", "totalFailures", "newInRange"]
          .filter((k) => typeof first[k] === "number")
          .map((k) => `${k} ${(first[k] as number).toLocaleString("en")}`)
          .join(", ");
        rows.push({ chart, days, service: await sequential(samples, call), note });
      }
    }
    return rows;
  } finally {
    await close();
  }
}

export function printDashboard(users: number, samples: number, rows: DashboardRow[], withHttp: boolean) {
  const head = ["chart", "days", ...(withHttp ? ["HTTP p50", "HTTP p99"] : []), "service p50", "service p99", ""];
  const body = rows.map((r) => [
    DASHBOARD_CHARTS[r.chart],
    String(r.days),
    ...(withHttp ? [r.http ? fmt(r.http.p50) : "—", r.http ? fmt(r.http.p99) : "—"] : []),
    fmt(r.service.p50),
    fmt(r.service.p99),
    r.note,
  ]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((s, i) => (i === 0 || i === r.length - 1 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join("  ");
  console.log(`\nDashboard, ${users.toLocaleString("en")} users, the big tenant's administrator, ${samples} calls per case, one at a time:`);
  console.log(line(head));
  for (const r of body) console.log(line(r));
}
