/**
 * A tenant's branding as its pages show it: name, logo, primary colour and the background of its
 * sign-in pages. Read from the tenant's row and checked again here (whatever an older version let
 * into the database): an image is an `https:` URL or one of our own files, a colour is `#rgb` or
 * `#rrggbb`; anything else falls back to the product's own look.
 */

export const DEFAULT_PRIMARY = "#1d4ed8";
export const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
/** A file from our own library (src/server/files/store.ts `localFileUrl`). */
export const OWN_FILE_URL = /^\/api\/files\/[A-Za-z0-9._-]{1,200}$/;

export type Background = { kind: "colour"; value: string } | { kind: "image"; url: string };

export interface Brand {
  name: string;
  logo: string | null;
  primary: string;
  background: Background | null;
}

export const isColour = (value: string) => HEX_COLOUR.test(value);

/** An image address a page may show: `https:` (no user name or password in it) or one of our files. */
export function safeImageUrl(value: string | null | undefined): string | null {
  const v = value?.trim();
  if (!v) return null;
  if (OWN_FILE_URL.test(v)) return v;
  try {
    const url = new URL(v);
    if (url.protocol !== "https:" || url.username || url.password || !url.hostname) return null;
    return url.href;
  } catch {
    return null;
  }
}

export function backgroundOf(value: string | null | undefined): Background | null {
  const v = value?.trim();
  if (!v) return null;
  if (isColour(v)) return { kind: "colour", value: v };
  const url = safeImageUrl(v);
  return url ? { kind: "image", url } : null;
}

export function brandOf(tenant: { name: string; logo?: string | null; theme?: string | null; background?: string | null }): Brand {
  const theme = tenant.theme?.trim();
  return {
    name: tenant.name,
    logo: safeImageUrl(tenant.logo),
    primary: theme && isColour(theme) ? theme : DEFAULT_PRIMARY,
    background: backgroundOf(tenant.background),
  };
}

/** The CSS `background` of a sign-in page (a URL only ever comes from `safeImageUrl`, quoted). */
export function backgroundCss(bg: Background | null): string | undefined {
  if (!bg) return undefined;
  if (bg.kind === "colour") return bg.value;
  return `center / cover no-repeat url(${JSON.stringify(bg.url)})`;
}
