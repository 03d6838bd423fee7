/**
 * The cssinjs cache paths a stylesheet built by antd's static extraction holds: its
 * `.data-ant-cssinjs-cache-path{content:"path:hash;…"}` rule, the one antd's browser code reads.
 */
export function fileStylePaths(css: string): string[] {
  const content = /\.data-ant-cssinjs-cache-path\{content:"([^"]*)"/.exec(css)?.[1];
  if (!content) throw new Error("the stylesheet has no .data-ant-cssinjs-cache-path rule (not an antd static extraction?)");
  return content
    .split(";")
    .map((entry) => entry.slice(0, entry.lastIndexOf(":")))
    .filter(Boolean);
}
