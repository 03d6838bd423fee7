"use client";

import { createContext, useCallback, useContext, useEffect, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { browserTimeZone, formatInZone, TIME_ZONE_COOKIE } from "~/lib/time-zone";

const ZoneContext = createContext<string | null>(null);

/**
 * The zone every time on the page is shown in. The root layout reads it from the browser's
 * cookie, so the server's HTML and the browser's first render agree (no hydration mismatch); a
 * browser whose cookie is missing or stale (a first visit, a journey) sets it and the page is
 * rendered again in its own zone.
 */
export function TimeZoneProvider({ zone, children }: { zone: string; children: ReactNode }) {
  const router = useRouter();
  useEffect(() => {
    // A zone name is cookie-safe as it is (letters, digits, / _ + -: isTimeZone).
    const own = browserTimeZone();
    if (own === zone) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${own}; path=/; max-age=31536000; samesite=lax`;
    router.refresh();
  }, [zone, router]);
  return <ZoneContext.Provider value={zone}>{children}</ZoneContext.Provider>;
}

/** The page's time zone (the browser's own once its cookie is set). */
export function useTimeZone(): string {
  return useContext(ZoneContext) ?? browserTimeZone();
}

/** Formats times in the page's zone: `fmt(date, "YYYY-MM-DD HH:mm")`. */
export function useFormatTime() {
  const zone = useTimeZone();
  return useCallback((d: Date | string | number, pattern: string) => formatInZone(d, zone, pattern), [zone]);
}

/** A time in the page's zone; "—" when there is none. */
export function Time({ value, format = "YYYY-MM-DD HH:mm" }: { value: Date | string | number | null | undefined; format?: string }) {
  const fmt = useFormatTime();
  return <>{value === null || value === undefined ? "—" : fmt(value, format)}</>;
}
