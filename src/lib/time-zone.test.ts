import { describe, expect, it } from "vitest";
import dayjs from "dayjs";
import { formatInZone, isTimeZone, timeZoneOr } from "~/lib/time-zone";

// dayjs's own timezone plugin (registered by time-zone.ts) is the reference the fast path must match.
const ZONES = [
  "Asia/Shanghai",
  "UTC",
  "America/New_York",
  "Europe/London",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
  "America/St_Johns",
  "Pacific/Kiritimati",
  "Etc/GMT+12",
];
const PATTERNS = ["YYYY-MM-DD HH:mm", "YYYY-MM-DD HH:mm:ss", "MM-DD HH:mm", "YYYY-MM-DDTHH:mm:ssZ", "ddd D MMM YYYY h:mm A"];

describe("formatInZone", () => {
  it("writes the same text as dayjs's tz() in every zone, across DST changes and odd offsets", () => {
    const instants: number[] = [];
    // Every 7 h 13 min through 2026, plus the seconds around each hour of the spring and autumn changes.
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 433 * 60_000) instants.push(t);
    for (const day of [Date.UTC(2026, 2, 8), Date.UTC(2026, 2, 29), Date.UTC(2026, 3, 5), Date.UTC(2026, 9, 4), Date.UTC(2026, 9, 25), Date.UTC(2026, 10, 1)])
      for (let h = 0; h < 48; h++) for (const s of [-1000, 0, 999, 1000]) instants.push(day + h * 1_800_000 + s);
    const wrong: string[] = [];
    for (const zone of ZONES)
      for (const [i, t] of instants.entries()) {
        const pattern = PATTERNS[i % PATTERNS.length]!;
        const ours = formatInZone(t, zone, pattern);
        const theirs = dayjs(t).tz(zone).format(pattern);
        if (ours !== theirs) wrong.push(`${new Date(t).toISOString()} in ${zone}: ${ours}, not ${theirs}`);
      }
    expect(instants.length * ZONES.length).toBeGreaterThan(20_000);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it("takes dates, ISO strings and epoch numbers alike, and says Invalid Date for junk", () => {
    const iso = "2026-12-03T16:04:05.678Z";
    expect(formatInZone(iso, "Asia/Shanghai", "YYYY-MM-DD HH:mm:ss")).toBe("2026-12-04 00:04:05");
    expect(formatInZone(new Date(iso), "Asia/Shanghai", "YYYY-MM-DD HH:mm:ss")).toBe("2026-12-04 00:04:05");
    expect(formatInZone(Date.parse(iso), "America/New_York", "YYYY-MM-DD HH:mm")).toBe("2026-12-03 11:04");
    expect(formatInZone("not a date", "UTC", "YYYY-MM-DD")).toBe("Invalid Date");
  });

  it("accepts only zone names ICU knows", () => {
    expect(isTimeZone("Asia/Shanghai")).toBe(true);
    expect(isTimeZone("Asia/Nowhere")).toBe(false);
    expect(isTimeZone("../../etc/passwd")).toBe(false);
    expect(timeZoneOr("Asia/Nowhere")).toBe("Asia/Shanghai");
  });
});
