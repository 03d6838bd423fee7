import dayjs from "dayjs";
import utc from "dayjs/plugin/utc";
import timezone from "dayjs/plugin/timezone";

dayjs.extend(utc);
dayjs.extend(timezone);

/** Where times are shown, and days start, until the browser has said where it is. */
export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

/** The cookie the browser keeps its IANA time zone in, so the server renders times as the browser will. */
export const TIME_ZONE_COOKIE = "uc-tz";

/** A zone name both ICU (here) and PostgreSQL know: browsers may report aliases (Asia/Calcutta, Etc/UTC), which both accept. */
export function isTimeZone(tz: string): boolean {
  if (tz.length > 64 || !/^[A-Za-z]+(?:[/_+-][A-Za-z0-9]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A cookie's (or any untrusted) zone name, or the default. */
export const timeZoneOr = (tz: string | null | undefined): string => (tz && isTimeZone(tz) ? tz : DEFAULT_TIME_ZONE);

/** The browser's own zone (the default where it cannot tell). */
export function browserTimeZone(): string {
  try {
    return timeZoneOr(Intl.DateTimeFormat().resolvedOptions().timeZone);
  } catch {
    return DEFAULT_TIME_ZONE;
  }
}

/**
 * One formatter per zone that reads an instant's wall clock there. dayjs's own `tz()` builds a new
 * `Intl.DateTimeFormat` on every call (through `toLocaleString`): a list page's times cost more
 * server CPU than its rows did. Zones come from `timeZoneOr`, so the map holds at most the IANA set.
 */
const wallClocks = new Map<string, Intl.DateTimeFormat>();
function wallClock(zone: string): Intl.DateTimeFormat {
  let f = wallClocks.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    if (wallClocks.size >= 1000) wallClocks.clear();
    wallClocks.set(zone, f);
  }
  return f;
}

/** The offset from UTC, in minutes, of `zone` at the instant `ms`. */
function zoneOffset(ms: number, zone: string): number {
  const p: Record<string, number> = {};
  for (const { type, value } of wallClock(zone).formatToParts(ms)) if (type !== "literal") p[type] = Number(value);
  // Years before 1 CE come as era years; nothing here is that old, but keep the sign right.
  const year = p.era !== undefined && p.era !== 1 ? 1 - p.year! : p.year!;
  const wall = Date.UTC(year, p.month! - 1, p.day, p.hour === 24 ? 0 : p.hour, p.minute, p.second);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** `d` as `pattern` (dayjs tokens) in `zone`: the same text on the server and in the browser. */
export function formatInZone(d: Date | string | number, zone: string, pattern: string): string {
  const at = dayjs(d);
  if (!at.isValid()) return at.format(pattern);
  return at.utcOffset(zoneOffset(at.valueOf(), zone)).format(pattern);
}
