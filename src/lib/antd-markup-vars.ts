/**
 * The CSS variables of the antd components the console draws as markup of its own (the table,
 * its pagination and checkboxes, the spinner, the tag, the language switch, the side menu): antd's components
 * write these at run time when they first render, so a page that draws only the markup needs them
 * from a stylesheet. Computed here by rendering antd's own components with our theme under two
 * primary colours: a value that follows the colour is written as the global token variable that
 * carries it (`var(--ant-color-primary-bg)`), so a tenant's colour applies as it would to antd's own.
 *
 * `npx tsx scripts/antd-markup-vars.ts` writes the result to src/app/antd-markup.css (a unit test
 * compares, so an antd upgrade that changes them is noticed).
 */
import { createElement as h, type ReactElement } from "react";
import { renderToString } from "react-dom/server";
import { createCache, extractStyle, StyleProvider } from "@ant-design/cssinjs";
import { Checkbox, ConfigProvider, Menu, Pagination, Segmented, Spin, Table, Tag } from "antd";
import { ANTD_THEME } from "~/lib/antd-theme";

const PRIMARIES = ["#1677ff", "#d4380d"] as const;

const COMPONENTS: ReactElement[] = [
  h(Table, { dataSource: [{ key: 1, a: 1 }], columns: [{ dataIndex: "a", title: "A" }], pagination: { total: 50 } }),
  h(Pagination, { total: 50 }),
  h(Checkbox),
  h(Spin),
  h(Tag, null, "t"),
  h(Segmented, { options: ["a"] }),
  h(Menu, { mode: "inline", items: [{ key: "a", label: "A" }] }),
];

type Vars = Map<string, string>;

const declarations = (body: string): Vars =>
  new Map(
    body
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const i = d.indexOf(":");
        return [d.slice(0, i), d.slice(i + 1)] as [string, string];
      }),
  );

function render(colorPrimary: string) {
  const cache = createCache();
  renderToString(h(StyleProvider, { cache }, h(ConfigProvider, { theme: { ...ANTD_THEME, token: { colorPrimary } } }, ...COMPONENTS)));
  const css = extractStyle(cache, { plain: true, types: ["cssVar", "token"] });
  const blocks = new Map<string, Vars>();
  let global: Vars = new Map();
  for (const [, selector = "", body = ""] of css.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    if (!body.includes("--ant-")) continue;
    const sel = selector.trim();
    if (/^\.css-var-uc\.ant-[\w-]+$/.test(sel)) blocks.set(sel, declarations(body));
    else if (sel.includes("css-var-uc")) global = new Map([...global, ...declarations(body)]);
  }
  return { blocks, global };
}

/** The stylesheet: one rule per component, in a stable order. */
export function markupVarsCss(): string {
  const a = render(PRIMARIES[0]);
  const b = render(PRIMARIES[1]);
  const rules: string[] = [];
  for (const [selector, vars] of [...a.blocks].sort(([x], [y]) => x.localeCompare(y))) {
    const other = b.blocks.get(selector);
    if (!other) throw new Error(`${selector}: not written under the second colour`);
    const lines = [...vars].map(([name, value]) => {
      const alt = other.get(name) ?? "";
      if (alt === value) return `  ${name}: ${value};`;
      // The whole value, or a part of it (a shadow's colour), as a token that follows the colour.
      const following = [...a.global].filter(([g, v]) => b.global.get(g) !== undefined && b.global.get(g) !== v).sort(([, x], [, y]) => y.length - x.length);
      for (const [g, v] of following) {
        const ours = value.split(v).join(`var(${g})`);
        if (ours !== value && ours === alt.split(b.global.get(g)!).join(`var(${g})`)) return `  ${name}: ${ours};`;
      }
      throw new Error(`${selector} ${name}: follows the primary colour through no global token (${value} / ${alt})`);
    });
    rules.push(`${selector} {\n${lines.join("\n")}\n}`);
  }
  return `/* Written by \`npx tsx scripts/antd-markup-vars.ts\` (see src/lib/antd-markup-vars.ts): do not edit. */\n${rules.join("\n")}\n`;
}
