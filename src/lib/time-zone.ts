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

/** `d` as `pattern` (dayjs tokens) in `zone`: the same text on the server and in the browser. */
export const formatInZone = (d: Date | string | number, zone: string, pattern: string): string => dayjs(d).tz(zone).format(pattern);
