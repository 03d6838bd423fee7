"use client";

import { createCache, extractStyle, StyleProvider } from "@ant-design/cssinjs";
import { useServerInsertedHTML } from "next/navigation";
import { useState, type ReactNode } from "react";
import { ANTD_FILE_STYLE_PATHS } from "~/lib/antd-css-file";

/** cssinjs's mark for a style that a stylesheet holds (its `CSS_FILE_STYLE`): never generated, never injected. */
const FILE_STYLE = "_FILE_STYLE__";

/**
 * The server's theme work, kept across requests: every token and CSS-variable entry a render has
 * built (the derived design tokens of a theme, each component's variables), keyed as cssinjs keys
 * them, by a hash of the content, so one tenant's colours never answer for another's. A request's
 * cache starts with them, and antd finds them built instead of deriving them again (a quarter of
 * a list page's server time before). Bounded: a platform has a handful of themes.
 */
const SERVER_SEED = new Map<string, unknown>();
const SEED_LIMIT = 4000;
const SEEDED_PREFIX = /^(token|cssVar)%/;
/** The update time of a seeded entry no component of this request has used (yet). */
const UNTOUCHED = -1;

type Cache = ReturnType<typeof createCache>;

/**
 * A style cache that already holds, as "in the stylesheet", every component style of
 * antd/dist/antd.css (imported by the root layout): neither the server nor the browser generates
 * those again, and the server's HTML carries only what the file lacks, mainly the CSS variables
 * of the tenant's theme. (Entries are client-only, so extraction skips them; their count starts
 * at 1, so unmounting the last component that uses one does not drop it.) On the server it also
 * holds the seed, marked untouched.
 */
function fileBackedCache(): Cache {
  const cache = createCache();
  for (const path of ANTD_FILE_STYLE_PATHS) {
    cache.opUpdate(["style", ...path.split("|")].join("%"), () => [1, [FILE_STYLE, "", {}, true, 0]]);
  }
  if (typeof window === "undefined")
    for (const [key, value] of SERVER_SEED) {
      cache.cache.set(key, [1, value]);
      cache.updateTimes.set(key, UNTOUCHED);
    }
  return cache;
}

/**
 * Before an extraction: a seeded entry this request has not used is held back (marked extracted),
 * and one it has used since (antd updated it, so its time moved on) goes out as if built here,
 * also when an earlier flush held it back. After it: what this request built is kept for the next.
 */
function holdBackUnused(cache: Cache, heldBack: Set<string>) {
  for (const [key, time] of cache.updateTimes) {
    if (time === UNTOUCHED) {
      if (cache.extracted.has(key)) continue;
      heldBack.add(key);
      cache.extracted.add(key);
    } else if (heldBack.delete(key)) cache.extracted.delete(key);
  }
}
function keepBuilt(cache: Cache) {
  if (SERVER_SEED.size >= SEED_LIMIT) SERVER_SEED.clear();
  for (const [key, entry] of cache.cache) if (SEEDED_PREFIX.test(key) && !SERVER_SEED.has(key)) SERVER_SEED.set(key, (entry as [number, unknown])[1]);
}

/** The file's own record of its paths: left out of the HTML, where it would hide the file's record from antd in the browser. */
const CACHE_PATH_RULE = /\.data-ant-cssinjs-cache-path\{content:"[^"]*";\}/g;

/**
 * antd's styles for the App Router, as @ant-design/nextjs-registry writes them (each flush of the
 * server's HTML gets the styles first used since the last), but backed by the prebuilt stylesheet.
 */
export function AntdStyleRegistry({ children }: { children: ReactNode }) {
  const [{ cache, heldBack }] = useState(() => ({ cache: fileBackedCache(), heldBack: new Set<string>() }));
  useServerInsertedHTML(() => {
    holdBackUnused(cache, heldBack);
    const css = extractStyle(cache, { plain: true, once: true }).replace(CACHE_PATH_RULE, "");
    keepBuilt(cache);
    if (!css) return null;
    // "prepend", as antd's own registry: before what antd adds in the browser.
    return <style id="antd-cssinjs" data-rc-order="prepend" data-rc-priority="-1000" dangerouslySetInnerHTML={{ __html: css }} />;
  });
  return <StyleProvider cache={cache}>{children}</StyleProvider>;
}
