import { z } from "zod";
import { msg } from "~/lib/validators/common";
import { DEFAULT_TIME_ZONE, isTimeZone } from "~/lib/time-zone";
import { DASHBOARD_RANGES } from "./values";
export { DASHBOARD_RANGES };

export type DashboardRange = (typeof DASHBOARD_RANGES)[number];

export { DEFAULT_TIME_ZONE };

export const dashboardInput = z.object({
  days: z.coerce
    .number()
    .pipe(z.union(DASHBOARD_RANGES.map((d) => z.literal(d))))
    .default(30),
  /** Operators: one tenant's figures (none: every tenant's). Ignored for everyone else. */
  tenantId: z.uuid().optional(),
  /** The IANA time zone whose midnights divide the days. */
  tz: z
    .string()
    .max(64)
    .refine(isTimeZone, { message: msg("unsupportedValue") })
    .default(DEFAULT_TIME_ZONE),
});
export type DashboardInput = z.input<typeof dashboardInput>;

/** The range's days, oldest first, as `YYYY-MM-DD` in the input's time zone. */
const dayAxis = z.array(z.string());
const count = z.number().int().min(0);
/** One line of a chart: a key (method, channel…) and its count on each day of `days`. */
const series = z.object({ key: z.string(), counts: z.array(count), total: count });

export const dashboardUsers = z.object({
  /** Users not deleted, now. */
  total: count,
  /** `total` is the database's estimate (past the exact count's cap, as in the user list). */
  totalEstimated: z.boolean(),
  days: dayAxis,
  /** New users on each day. */
  counts: z.array(count),
  newInRange: count,
});

export const dashboardSignIns = z.object({ days: dayAxis, series: z.array(series), total: count });

export const dashboardFailures = z.object({
  days: dayAxis,
  /** Refused sign-ins on each day. */
  failures: z.array(count),
  /** Account locks raised on each day. */
  locks: z.array(count),
  totalFailures: count,
  totalLocks: count,
  lockReasons: z.array(z.object({ reason: z.string(), count })),
});

export const dashboardSessions = z.object({
  /** Sessions usable now (active, not expired, not idle too long, not in the recycle bin). */
  active: count,
  byMethod: z.array(z.object({ method: z.string(), count })),
});

export const dashboardCodes = z.object({
  days: dayAxis,
  /** Messages sent per channel (sms, email) on each day. */
  series: z.array(series),
  total: count,
  /** Sends the provider refused. */
  failed: count,
  /** The message log keeps this many days; older days read zero. */
  keptDays: count,
});

export const dashboardErrors = z.object({
  total: count,
  items: z.array(z.object({ code: z.number().int(), count })),
});

export type DashboardUsers = z.infer<typeof dashboardUsers>;
export type DashboardSignIns = z.infer<typeof dashboardSignIns>;
export type DashboardFailures = z.infer<typeof dashboardFailures>;
export type DashboardSessions = z.infer<typeof dashboardSessions>;
export type DashboardCodes = z.infer<typeof dashboardCodes>;
export type DashboardErrors = z.infer<typeof dashboardErrors>;
