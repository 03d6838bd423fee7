"use client";

import { createCache, extractStyle, StyleProvider } from "@ant-design/cssinjs";
import { useServerInsertedHTML } from "next/navigation";
import { useState, type ReactNode } from "react";
import { ANTD_FILE_STYLE_PATHS } from "~/lib/antd-css-file";

/** cssinjs's mark for a style that a stylesheet holds (its `CSS_FILE_STYLE`): never generated, never injected. */
const FILE_STYLE = "_FILE_STYLE__";

/**
 * A style cache that already holds, as "in the stylesheet", every component style of
 * antd/dist/antd.css (imported by the root layout): neither the server nor the browser generates
 * those again, and the server's HTML carries only what the file lacks, mainly the CSS variables
 * of the tenant's theme. (Entries are client-only, so extraction skips them; their count starts
 * at 1, so unmounting the last component that uses one does not drop it.)
 */
function fileBackedCache() {
  const cache = createCache();
  for (const path of ANTD_FILE_STYLE_PATHS) {
    cache.opUpdate(["style", ...path.split("|")].join("%"), () => [1, [FILE_STYLE, "", {}, true, 0]]);
  }
  return cache;
}

/** The file's own record of its paths: left out of the HTML, where it would hide the file's record from antd in the browser. */
const CACHE_PATH_RULE = /\.data-ant-cssinjs-cache-path\{content:"[^"]*";\}/g;

/**
 * antd's styles for the App Router, as @ant-design/nextjs-registry writes them (each flush of the
 * server's HTML gets the styles first used since the last), but backed by the prebuilt stylesheet.
 */
export function AntdStyleRegistry({ children }: { children: ReactNode }) {
  const [cache] = useState(fileBackedCache);
  useServerInsertedHTML(() => {
    const css = extractStyle(cache, { plain: true, once: true }).replace(CACHE_PATH_RULE, "");
    if (!css) return null;
    // "prepend", as antd's own registry: before what antd adds in the browser.
    return <style id="antd-cssinjs" data-rc-order="prepend" data-rc-priority="-1000" dangerouslySetInnerHTML={{ __html: css }} />;
  });
  return <StyleProvider cache={cache}>{children}</StyleProvider>;
}
