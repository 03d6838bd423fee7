/**
 * Post-login targets (`callbackUrl` and the like) come from the query string, so from anyone.
 * A target is resolved the way a browser would resolve it — `new URL(target, origin)`, which
 * drops tabs and newlines and reads "\" as "/" — and accepted only when it stays on `origin`.
 * The answer is a path on this site (never "//…", which a browser would read as another host);
 * anything else is the console home.
 */
export const HOME_PATH = "/";

export function safeRedirectTarget(target: string | null | undefined, origin: string, fallback: string = HOME_PATH): string {
  if (!target || target.length > 2048) return fallback;
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(target, base);
  } catch {
    return fallback;
  }
  if (url.origin === "null" || url.origin !== base.origin) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil" resolves to the path "//evil" on our host, which as a Location would leave it.
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return fallback;
  return path;
}
