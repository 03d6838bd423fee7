/**
 * The Content-Security-Policy of every page: scripts only by this request's nonce (and what
 * those scripts load, 'strict-dynamic'), nothing from another origin, no framing by anyone.
 * Styles allow inline: antd's CSS-in-JS writes <style> elements at run time. The ALTCHA
 * widget runs its proof of work in a Worker built from a blob: URL.
 */
export interface CspOptions {
  nonce: string;
  /** `next dev`: React's dev build evaluates code and the HMR socket is a WebSocket. */
  dev?: boolean;
  /** Origins the browser uploads to besides this one (UPLOADTHING_INGEST_URL, UploadThing's cloud). */
  uploadOrigins?: string[];
}

export function contentSecurityPolicy({ nonce, dev = false, uploadOrigins = [] }: CspOptions): string {
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    ["style-src", "'self'", "'unsafe-inline'"],
    // https: for tenants' logos and sign-in backgrounds (src/lib/branding.ts lets only https: or our own files through).
    ["img-src", "'self'", "data:", "blob:", "https:"],
    ["font-src", "'self'", "data:"],
    ["connect-src", "'self'", ...uploadOrigins, ...(dev ? ["ws:", "wss:"] : [])],
    ["media-src", "'self'", "blob:"],
    ["worker-src", "'self'", "blob:"],
    ["frame-src", "'self'"],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
  ];
  return directives.map((d) => d.join(" ")).join("; ");
}

/** 128 random bits, base64: a fresh nonce per response. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** What the browser uploads to when the bytes do not stay here. */
export function uploadOrigins(env: { UPLOADTHING_TOKEN?: string; UPLOADTHING_INGEST_URL?: string }): string[] {
  if (env.UPLOADTHING_INGEST_URL) {
    try {
      return [new URL(env.UPLOADTHING_INGEST_URL).origin];
    } catch {
      return [];
    }
  }
  return env.UPLOADTHING_TOKEN ? ["https://*.ingest.uploadthing.com"] : [];
}
