import { createElement as h } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ConfigProvider, Pagination, Table } from "antd";
import type { TableProps } from "antd";
import { ANTD_THEME } from "~/lib/antd-theme";
import { DataTable, pageItems } from "~/components/data-table";

const inTheme = (node: ReturnType<typeof h>) => renderToStaticMarkup(h(ConfigProvider, { theme: ANTD_THEME }, node));

/** The page links antd's Pagination draws: numbers, and its jumps as "prev5" / "next5". */
function antdPageItems(current: number, pages: number) {
  const html = inTheme(h(Pagination, { current, total: pages * 10, pageSize: 10 }));
  return [...html.matchAll(/<li [^>]*class="(ant-pagination-[^"]*)"/g)]
    .map(([, cls = ""]) => cls)
    .filter((cls) => (!/ant-pagination-(prev|next)\b/.test(cls) || /jump/.test(cls)) && !/ant-pagination-options/.test(cls))
    .map((cls) =>
      /ant-pagination-jump-prev/.test(cls) ? "prev5" : /ant-pagination-jump-next/.test(cls) ? "next5" : Number(/ant-pagination-item-(\d+)/.exec(cls)?.[1]),
    );
}

/** The classes of a table's rows and cells, in order: what antd.css draws them by. */
const shape = (html: string) =>
  [...html.matchAll(/<(tr|th|td|table|thead|tbody|ul|li)\b([^>]*)>/g)]
    .map(([, tag, attrs = ""]) => [tag, /class="([^"]*)"/.exec(attrs)?.[1] ?? ""] as const)
    .filter(([, cls]) => cls && cls !== "ant-table-measure-row") // antd's row that measures column widths
    .map(
      ([tag, cls]) =>
        `${tag}.${cls
          .split(" ")
          .filter((c) => !/shadow|css-var|wave/.test(c))
          .sort()
          .join(".")}`,
    );

describe("DataTable", () => {
  it("chooses the same page links as antd's Pagination, from the first page to the last", () => {
    for (const pages of [1, 3, 7, 8, 10, 31])
      for (let current = 1; current <= pages; current++) expect(pageItems(current, pages), `${current} of ${pages}`).toEqual(antdPageItems(current, pages));
  });

  it("draws the rows, cells, sorter, selection and pagination with antd's classes", () => {
    const props: TableProps<{ id: string; name: string; n: number }> = {
      rowKey: "id",
      dataSource: [
        { id: "a", name: "Alpha", n: 1 },
        { id: "b", name: "Beta", n: 2 },
      ],
      columns: [
        { key: "name", dataIndex: "name", title: "Name", sorter: true, sortOrder: "ascend", ellipsis: true, width: 200 },
        { key: "n", dataIndex: "n", title: "N", sorter: true, sortOrder: null },
        { key: "act", title: "Act", fixed: "right", width: 120, render: () => "x" },
      ],
      scroll: { x: 900 },
      rowSelection: { selectedRowKeys: ["a"], onChange() {} },
      pagination: { current: 2, pageSize: 20, total: 200, showSizeChanger: true, showTotal: (t: number) => `${t} in all` },
    };
    const ours = inTheme(h(DataTable, props as never));
    const antds = inTheme(h(Table, props as never));
    expect(shape(ours)).toEqual(shape(antds));
    expect(ours).toContain('aria-sort="ascending"');
    expect(ours).toContain('<li class="ant-pagination-total-text">200 in all</li>');
  });

  it("shows the empty text, and no pagination, when there are no rows", () => {
    const html = inTheme(
      h(DataTable, { rowKey: "id", dataSource: [], columns: [{ title: "A", dataIndex: "a" }], pagination: { total: 0 }, locale: { emptyText: "Nothing yet" } }),
    );
    expect(html).toContain('<tr class="ant-table-placeholder"><td class="ant-table-cell" colSpan="1">Nothing yet</td></tr>');
    expect(html).not.toContain("ant-pagination");
  });
});
