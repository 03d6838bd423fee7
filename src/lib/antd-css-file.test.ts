import { readFileSync } from "node:fs";
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { createCache, StyleProvider } from "@ant-design/cssinjs";
import { Button, ConfigProvider, Drawer, Form, Input, Menu, Select, Table, Tag } from "antd";
import { renderToStaticMarkup } from "react-dom/server";
import { Tag as MarkupTag } from "~/components/tag";
import { markupVarsCss } from "~/lib/antd-markup-vars";
import { ANTD_FILE_STYLE_PATHS } from "~/lib/antd-css-file";
import { fileStylePaths } from "~/lib/antd-css-paths";
import { ANTD_THEME } from "~/components/providers";

const css = readFileSync(new URL("../../node_modules/antd/dist/antd.css", import.meta.url), "utf8");

describe("antd's prebuilt stylesheet", () => {
  it("holds the paths src/lib/antd-css-file.ts lists (after an antd upgrade: npx tsx scripts/antd-css-paths.ts)", () => {
    expect(ANTD_FILE_STYLE_PATHS).toEqual(fileStylePaths(css));
  });

  it("holds, word for word, the component styles antd writes at run time with our theme, whatever the tenant's colour", () => {
    for (const colorPrimary of ["#1677ff", "#d4380d"]) {
      const cache = createCache();
      renderToString(
        h(
          StyleProvider,
          { cache },
          h(
            ConfigProvider,
            { theme: { ...ANTD_THEME, token: { colorPrimary, borderRadius: 6 } } },
            h(Button, { type: "primary" }, "Save"),
            h(Input),
            h(Select, { options: [{ value: 1, label: "one" }] }),
            h(Tag, null, "tag"),
            h(Menu, { items: [{ key: "a", label: "A" }] }),
            h(Form, null, h(Form.Item, { label: "Name" }, h(Input))),
            h(Table, { dataSource: [{ key: 1, a: 1 }], columns: [{ dataIndex: "a", title: "A" }] }),
            h(Drawer, { open: true, title: "Drawer" }),
          ),
        ),
      );
      const styles = [...cache.cache.entries()].filter(([key]) => key.startsWith("style%"));
      expect(styles.length).toBeGreaterThan(5);
      const missing = new Set<string>();
      for (const [key, [, value]] of styles) {
        const path = key.slice("style%".length).split("%").join("|");
        // Styles the file lacks (a few sub-components' own) are written as before: into the HTML and the page.
        if (!ANTD_FILE_STYLE_PATHS.includes(path)) {
          missing.add(path);
          continue;
        }
        expect(css.includes((value as [string])[0]), `${path}: the file has the same rules`).toBe(true);
      }
      expect([...missing]).toEqual(["|Form-item-item|ant-form|anticon"]);
      // The colour itself is a variable, set apart from the file.
      const vars = [...cache.cache.entries()].filter(([key]) => key.startsWith("token%")).map(([, [, v]]) => String((v as unknown[])[3]));
      expect(vars.join("")).toContain(`--ant-color-primary:${colorPrimary}`);
    }
  });

  it("gives antd's components drawn as our markup the CSS variables antd's own would write (after an antd upgrade: npx tsx scripts/antd-markup-vars.ts)", () => {
    expect(readFileSync(new URL("../app/antd-markup.css", import.meta.url), "utf8")).toBe(markupVarsCss());
  });

  it("marks up a Tag as antd's component does", () => {
    const ours = renderToStaticMarkup(h(MarkupTag, { color: "green" }, "on"));
    const antds = renderToStaticMarkup(h(ConfigProvider, { theme: ANTD_THEME }, h(Tag, { color: "green" }, "on")));
    expect(ours).toBe('<span class="ant-tag ant-tag-filled ant-tag-green css-var-uc">on</span>');
    expect(antds).toContain(ours);
    expect(renderToStaticMarkup(h(MarkupTag, null, "plain"))).toBe('<span class="ant-tag ant-tag-filled css-var-uc">plain</span>');
  });
});
