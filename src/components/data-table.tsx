"use client";

import { CaretDownOutlined, CaretUpOutlined, DoubleLeftOutlined, DoubleRightOutlined, EllipsisOutlined, LeftOutlined, RightOutlined } from "@ant-design/icons";
import { ConfigProvider, Select } from "antd";
import type { TableColumnType, TableProps } from "antd";
import { Fragment, useContext, useState, type CSSProperties, type KeyboardEvent, type ReactNode } from "react";
import { ANTD_THEME } from "~/lib/antd-theme";

/**
 * The console's tables: antd's Table as markup of our own, for the part of it the console uses —
 * columns (render, width, ellipsis, a column fixed to the right, a server-side sorter), a
 * server-side pagination with its page-size changer, row selection across pages, an expanded row
 * under a row and a tree shown open. Same classes as antd's, so `antd/dist/antd.css` draws it
 * exactly as antd's own (its variables: src/app/antd-markup.css) and the same props, so a call
 * site changes only its import. antd's Table brings rc-table, a tree, a virtual list, radios and
 * its style generators (about 55 KB of gzip on every list page); this is a few KB.
 *
 * Not here (use antd's Table): filters in headers, sticky headers, virtual scrolling, summary rows.
 */
export type DataTableProps<Row> = Pick<
  TableProps<Row>,
  | "columns"
  | "dataSource"
  | "rowKey"
  | "loading"
  | "locale"
  | "pagination"
  | "onChange"
  | "scroll"
  | "rowSelection"
  | "onRow"
  | "expandable"
  | "size"
  | "tableLayout"
> & { "data-testid"?: string };

type Column<Row> = TableColumnType<Row>;
type Order = "ascend" | "descend" | null;
const prefix = "ant-table";
const themed = ANTD_THEME.cssVar.key;

const cx = (...names: (string | false | null | undefined)[]) => names.filter(Boolean).join(" ");

function cellValue<Row>(row: Row, dataIndex: Column<Row>["dataIndex"]): unknown {
  if (dataIndex === undefined || dataIndex === null) return undefined;
  const path = Array.isArray(dataIndex) ? dataIndex : [dataIndex];
  let v: unknown = row;
  for (const k of path) v = v == null ? undefined : (v as Record<string | number, unknown>)[k as string | number];
  return v;
}

const columnKey = <Row,>(c: Column<Row>, i: number) =>
  String(c.key ?? (Array.isArray(c.dataIndex) ? c.dataIndex.join(".") : (c.dataIndex as string | number | undefined)) ?? i);

/** Enter or Space on an element that acts as a button. */
const onActivate = (run: () => void) => (e: KeyboardEvent) => {
  if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    run();
  }
};

function Checkbox({
  checked,
  indeterminate,
  onChange,
  label,
  disabled,
}: {
  checked: boolean;
  indeterminate?: boolean;
  onChange: (checked: boolean) => void;
  label?: string;
  disabled?: boolean;
}) {
  return (
    <label className={cx("ant-checkbox-wrapper", checked && "ant-checkbox-wrapper-checked", disabled && "ant-checkbox-wrapper-disabled", themed)}>
      <span
        className={cx(
          "ant-checkbox",
          checked && "ant-checkbox-checked",
          indeterminate && !checked && "ant-checkbox-indeterminate",
          disabled && "ant-checkbox-disabled",
        )}
      >
        <input
          type="checkbox"
          className="ant-checkbox-input"
          aria-label={label}
          checked={checked}
          disabled={disabled}
          ref={(el) => {
            if (el) el.indeterminate = !!indeterminate && !checked;
          }}
          onChange={(e) => onChange(e.target.checked)}
        />
      </span>
    </label>
  );
}

function Spinner() {
  return (
    <div className="ant-spin-section">
      <span className="ant-spin-dot-holder">
        <span className="ant-spin-dot ant-spin-dot-spin">
          <i className="ant-spin-dot-item" />
          <i className="ant-spin-dot-item" />
          <i className="ant-spin-dot-item" />
          <i className="ant-spin-dot-item" />
        </span>
      </span>
    </div>
  );
}

/** rc-pagination's choice of page links: the current one ±2, the first and the last, with jumps of 5 between. */
export function pageItems(current: number, pages: number): (number | "prev5" | "next5")[] {
  const buffer = 2;
  if (pages <= 3 + buffer * 2) return Array.from({ length: pages }, (_, i) => i + 1);
  let left = Math.max(1, current - buffer);
  let right = Math.min(current + buffer, pages);
  if (current - 1 <= buffer) right = 1 + buffer * 2;
  if (pages - current <= buffer) left = pages - buffer * 2;
  const jumpPrev = current - 1 >= buffer * 2 && current !== 1 + 2;
  const jumpNext = pages - current >= buffer * 2 && current !== pages - 2;
  if (jumpPrev && right !== pages) left += 1;
  if (jumpNext && left !== 1) right -= 1;
  const items: (number | "prev5" | "next5")[] = [];
  for (let i = left; i <= right; i++) items.push(i);
  if (jumpPrev) items.unshift("prev5");
  if (jumpNext) items.push("next5");
  if (left !== 1) items.unshift(1);
  if (right !== pages) items.push(pages);
  return items;
}

function Pager({
  current,
  pageSize,
  total,
  showTotal,
  sizes,
  onPage,
  size,
}: {
  current: number;
  pageSize: number;
  total: number;
  showTotal?: (total: number, range: [number, number]) => ReactNode;
  sizes?: (string | number)[];
  onPage: (page: number, pageSize: number) => void;
  size?: "small" | "middle" | "large";
}) {
  const locale = useContext(ConfigProvider.ConfigContext).locale?.Pagination ?? {};
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const go = (p: number) => {
    const page = Math.min(Math.max(1, p), pages);
    if (page !== current) onPage(page, pageSize);
  };
  const item = (key: string | number, className: string, title: string | undefined, disabled: boolean, run: () => void, body: ReactNode) => (
    <li
      key={key}
      title={title}
      tabIndex={disabled ? -1 : 0}
      className={cx(className, disabled && "ant-pagination-disabled")}
      onClick={disabled ? undefined : run}
      onKeyDown={disabled ? undefined : onActivate(run)}
    >
      {body}
    </li>
  );
  const first = (current - 1) * pageSize + 1;
  const items = pageItems(current, pages);
  return (
    <ul className={cx("ant-pagination", `${prefix}-pagination`, `${prefix}-pagination-end`, size === "small" && "ant-pagination-mini", themed)}>
      {showTotal && <li className="ant-pagination-total-text">{showTotal(total, [first, Math.min(total, current * pageSize)])}</li>}
      {item(
        "prev",
        "ant-pagination-prev",
        locale.prev_page,
        current <= 1,
        () => go(current - 1),
        <button className="ant-pagination-item-link" type="button" tabIndex={-1} disabled={current <= 1}>
          <LeftOutlined />
        </button>,
      )}
      {items.map((p, i) =>
        typeof p === "number"
          ? item(
              p,
              cx(
                "ant-pagination-item",
                `ant-pagination-item-${p}`,
                p === current && "ant-pagination-item-active",
                // On a narrow screen antd.css hides the links beside the jumps.
                items[i - 1] === "prev5" && "ant-pagination-item-after-jump-prev",
                items[i + 1] === "next5" && "ant-pagination-item-before-jump-next",
              ),
              String(p),
              false,
              () => go(p),
              <a rel="nofollow">{p}</a>,
            )
          : item(
              p,
              cx(
                p === "prev5" ? "ant-pagination-jump-prev" : "ant-pagination-jump-next",
                p === "prev5" ? "ant-pagination-jump-prev-custom-icon" : "ant-pagination-jump-next-custom-icon",
              ),
              p === "prev5" ? locale.prev_5 : locale.next_5,
              false,
              () => go(current + (p === "prev5" ? -5 : 5)),
              <a className="ant-pagination-item-link">
                <div className="ant-pagination-item-container">
                  {p === "prev5" ? (
                    <DoubleLeftOutlined className="ant-pagination-item-link-icon" />
                  ) : (
                    <DoubleRightOutlined className="ant-pagination-item-link-icon" />
                  )}
                  <span className="ant-pagination-item-ellipsis">
                    <EllipsisOutlined />
                  </span>
                </div>
              </a>,
            ),
      )}
      {item(
        "next",
        "ant-pagination-next",
        locale.next_page,
        current >= pages,
        () => go(current + 1),
        <button className="ant-pagination-item-link" type="button" tabIndex={-1} disabled={current >= pages}>
          <RightOutlined />
        </button>,
      )}
      {sizes && (
        <li className="ant-pagination-options">
          <Select
            className="ant-pagination-options-size-changer"
            size={size === "small" ? "small" : undefined}
            aria-label={locale.page_size}
            value={pageSize}
            popupMatchSelectWidth={false}
            options={sizes.map((s) => ({ value: Number(s), label: `${s} ${locale.items_per_page ?? ""}` }))}
            onChange={(next: number) => onPage(Math.min(current, Math.max(1, Math.ceil(total / next))), next)}
          />
        </li>
      )}
    </ul>
  );
}

interface Line<Row> {
  row: Row;
  key: string;
  level: number;
}

export function DataTable<Row extends object>({
  columns = [],
  dataSource = [],
  rowKey = "key",
  loading,
  locale,
  pagination,
  onChange,
  scroll,
  rowSelection,
  onRow,
  expandable,
  size,
  tableLayout,
  "data-testid": testId,
}: DataTableProps<Row>) {
  const tableLocale = useContext(ConfigProvider.ConfigContext).locale?.Table ?? {};
  const [opened, setOpened] = useState<string[]>([]);
  const keyOf = (row: Row, i: number) => String(typeof rowKey === "function" ? rowKey(row, i) : (row as Record<string, unknown>)[rowKey as string]);
  const cols = (columns as Column<Row>[]).filter((c) => !c.hidden);
  const spinning = typeof loading === "object" ? !!loading.spinning : !!loading;

  // A tree (rows with `children`) shows the children of the rows in `expandedRowKeys`, indented.
  const treeOpen = new Set((expandable?.expandedRowKeys ?? []).map(String));
  const lines: Line<Row>[] = [];
  const walk = (rows: readonly Row[], level: number) =>
    rows.forEach((row, i) => {
      const key = keyOf(row, i);
      lines.push({ row, key, level });
      const children = (row as { children?: Row[] }).children;
      if (children?.length && treeOpen.has(key)) walk(children, level + 1);
    });
  walk(dataSource, 0);
  const isTree = dataSource.some((r) => Array.isArray((r as { children?: unknown }).children));
  const renderExpanded = expandable?.expandedRowRender;

  const sorted = cols.map((c, i) => ({ c, i })).find(({ c }) => c.sortOrder);
  const sorterOf = (c: Column<Row> | undefined, i: number, order: Order) => ({
    column: order ? c : undefined,
    columnKey: c ? columnKey(c, i) : undefined,
    field: c?.dataIndex,
    order: order ?? undefined,
  });
  const paging = pagination === false || pagination === undefined ? null : pagination;
  const current = paging?.current ?? 1;
  const pageSize = paging?.pageSize ?? 10;
  const total = paging?.total ?? dataSource.length;
  const emit = (
    page: number,
    size: number,
    sorter = sorted ? sorterOf(sorted.c, sorted.i, (sorted.c.sortOrder ?? null) as Order) : sorterOf(undefined, 0, null),
  ) => onChange?.({ current: page, pageSize: size, total }, {}, sorter as never, { action: "paginate", currentDataSource: [...dataSource] });
  const sortBy = (c: Column<Row>, i: number) => {
    const now = (c.sortOrder ?? null) as Order;
    const next: Order = now === null ? "ascend" : now === "ascend" ? "descend" : null;
    onChange?.({ current: 1, pageSize, total }, {}, sorterOf(c, i, next) as never, { action: "sort", currentDataSource: [...dataSource] });
  };

  const selected = new Set((rowSelection?.selectedRowKeys ?? []).map(String));
  const pageKeys = lines.filter((l) => l.level === 0).map((l) => l.key);
  const pageChecked = pageKeys.filter((k) => selected.has(k));
  const select = (keys: string[], on: boolean) => {
    const kept = rowSelection?.preserveSelectedRowKeys ? [...selected] : [...selected].filter((k) => pageKeys.includes(k));
    const next = on ? [...new Set([...kept, ...keys])] : kept.filter((k) => !keys.includes(k));
    const rows = lines.filter((l) => next.includes(l.key)).map((l) => l.row);
    rowSelection?.onChange?.(next, rows, { type: "multiple" });
  };

  const fixedLayout = tableLayout ? tableLayout === "fixed" : cols.some((c) => c.ellipsis);
  const hasFixed = cols.some((c) => c.fixed === "right" || c.fixed === "end");
  const width = scroll?.x === true ? "max-content" : scroll?.x;
  const tableStyle: CSSProperties =
    width !== undefined ? { width, minWidth: "100%", tableLayout: fixedLayout ? "fixed" : "auto" } : { tableLayout: fixedLayout ? "fixed" : "auto" };
  const span = cols.length + (rowSelection ? 1 : 0) + (renderExpanded ? 1 : 0);
  const fixedCell = (c: Column<Row>) =>
    c.fixed === "right" || c.fixed === "end"
      ? {
          className: cx(`${prefix}-cell-fix`, `${prefix}-cell-fix-end`),
          style: { insetInlineEnd: 0, "--z-offset": 4, "--z-offset-reverse": 1 } as CSSProperties,
        }
      : null;

  return (
    <div className={cx(themed, `${prefix}-css-var`, `${prefix}-wrapper`)} data-testid={testId}>
      <div className={cx("ant-spin", spinning && "ant-spin-spinning", themed)} aria-live="polite" aria-busy={spinning}>
        {spinning && <Spinner />}
        <div className={cx("ant-spin-container", spinning && "ant-spin-blur")}>
          <div
            className={cx(
              prefix,
              size === "small" && `${prefix}-small`,
              size === "middle" && `${prefix}-middle`,
              !lines.length && `${prefix}-empty`,
              hasFixed && `${prefix}-fixed-column ${prefix}-has-fix-end`,
              width !== undefined && `${prefix}-scroll-horizontal`,
              themed,
              `${prefix}-css-var`,
            )}
          >
            <div className={`${prefix}-container`}>
              <div className={`${prefix}-content`} style={width !== undefined ? { overflowX: "auto", overflowY: "hidden" } : undefined}>
                <table style={tableStyle}>
                  <colgroup>
                    {renderExpanded && <col className={`${prefix}-expand-icon-col`} />}
                    {rowSelection && <col className={`${prefix}-selection-col`} />}
                    {cols.map((c, i) => (
                      <col key={columnKey(c, i)} style={c.width !== undefined ? { width: c.width } : undefined} />
                    ))}
                  </colgroup>
                  <thead className={`${prefix}-thead`}>
                    <tr>
                      {renderExpanded && <th className={cx(`${prefix}-cell`, `${prefix}-row-expand-icon-cell`)} />}
                      {rowSelection && (
                        <th className={cx(`${prefix}-cell`, `${prefix}-selection-column`)} scope="col">
                          <div className={`${prefix}-selection`}>
                            <Checkbox
                              label={typeof tableLocale.selectAll === "string" ? tableLocale.selectAll : undefined}
                              disabled={!pageKeys.length}
                              checked={!!pageKeys.length && pageChecked.length === pageKeys.length}
                              indeterminate={pageChecked.length > 0}
                              onChange={(on) => select(pageKeys, on)}
                            />
                          </div>
                        </th>
                      )}
                      {cols.map((c, i) => {
                        const title = typeof c.title === "function" ? c.title({}) : c.title;
                        const fixed = fixedCell(c);
                        const align = c.align ? { textAlign: c.align } : undefined;
                        if (!c.sorter)
                          return (
                            <th
                              key={columnKey(c, i)}
                              scope="col"
                              className={cx(`${prefix}-cell`, c.ellipsis && `${prefix}-cell-ellipsis`, fixed?.className, c.className)}
                              style={{ ...fixed?.style, ...align }}
                            >
                              {title}
                            </th>
                          );
                        const order = (c.sortOrder ?? null) as Order;
                        const next = order === null ? tableLocale.triggerAsc : order === "ascend" ? tableLocale.triggerDesc : tableLocale.cancelSort;
                        return (
                          <th
                            key={columnKey(c, i)}
                            scope="col"
                            tabIndex={0}
                            aria-sort={order === "ascend" ? "ascending" : order === "descend" ? "descending" : undefined}
                            aria-description={next}
                            title={next}
                            className={cx(
                              `${prefix}-cell`,
                              `${prefix}-column-has-sorters`,
                              order && `${prefix}-column-sort`,
                              c.ellipsis && `${prefix}-cell-ellipsis`,
                              fixed?.className,
                              c.className,
                            )}
                            style={{ ...fixed?.style, ...align }}
                            onClick={() => sortBy(c, i)}
                            onKeyDown={onActivate(() => sortBy(c, i))}
                          >
                            <div className={`${prefix}-column-sorters`}>
                              <span className={`${prefix}-column-title`}>{title}</span>
                              <span className={cx(`${prefix}-column-sorter`, `${prefix}-column-sorter-full`)}>
                                <span className={`${prefix}-column-sorter-inner`} aria-hidden="true">
                                  <CaretUpOutlined className={cx(`${prefix}-column-sorter-up`, order === "ascend" && "active")} />
                                  <CaretDownOutlined className={cx(`${prefix}-column-sorter-down`, order === "descend" && "active")} />
                                </span>
                              </span>
                            </div>
                          </th>
                        );
                      })}
                    </tr>
                  </thead>
                  <tbody className={`${prefix}-tbody`}>
                    {!lines.length && (
                      <tr className={`${prefix}-placeholder`}>
                        <td className={`${prefix}-cell`} colSpan={span}>
                          {locale?.emptyText !== undefined ? (typeof locale.emptyText === "function" ? locale.emptyText() : locale.emptyText) : null}
                        </td>
                      </tr>
                    )}
                    {lines.map(({ row, key, level }, index) => {
                      const open = opened.includes(key);
                      const on = selected.has(key);
                      const rowProps = onRow?.(row, index) ?? {};
                      const box = rowSelection?.getCheckboxProps?.(row) as { "aria-label"?: string; disabled?: boolean } | undefined;
                      return (
                        <Fragment key={key}>
                          <tr
                            {...rowProps}
                            data-row-key={key}
                            className={cx(`${prefix}-row`, `${prefix}-row-level-${level}`, on && `${prefix}-row-selected`, rowProps.className)}
                          >
                            {renderExpanded && (
                              <td className={cx(`${prefix}-cell`, `${prefix}-row-expand-icon-cell`)}>
                                <button
                                  type="button"
                                  className={cx(
                                    `${prefix}-row-expand-icon`,
                                    open ? `${prefix}-row-expand-icon-expanded` : `${prefix}-row-expand-icon-collapsed`,
                                  )}
                                  aria-label={String(open ? tableLocale.collapse : tableLocale.expand)}
                                  aria-expanded={open}
                                  onClick={() => setOpened(open ? opened.filter((k) => k !== key) : [...opened, key])}
                                />
                              </td>
                            )}
                            {rowSelection && (
                              <td className={cx(`${prefix}-cell`, `${prefix}-selection-column`)}>
                                <Checkbox checked={on} label={box?.["aria-label"]} disabled={box?.disabled} onChange={(v) => select([key], v)} />
                              </td>
                            )}
                            {cols.map((c, i) => {
                              const value = cellValue(row, c.dataIndex);
                              const shown = (c.render ? c.render(value, row, index) : value) as ReactNode;
                              const fixed = fixedCell(c);
                              const showTitle = c.ellipsis && !(typeof c.ellipsis === "object" && c.ellipsis.showTitle === false);
                              return (
                                <td
                                  key={columnKey(c, i)}
                                  className={cx(
                                    `${prefix}-cell`,
                                    c.sortOrder && `${prefix}-column-sort`,
                                    c.ellipsis && `${prefix}-cell-ellipsis`,
                                    fixed?.className,
                                    c.className,
                                  )}
                                  style={{ ...fixed?.style, ...(c.align ? { textAlign: c.align } : undefined) }}
                                  title={showTitle && (typeof shown === "string" || typeof shown === "number") ? String(shown) : undefined}
                                >
                                  {isTree && i === 0 && (
                                    <span
                                      className={cx(`${prefix}-row-indent`, `indent-level-${level}`)}
                                      style={{ paddingLeft: level * (expandable?.indentSize ?? 15) }}
                                    />
                                  )}
                                  {shown}
                                </td>
                              );
                            })}
                          </tr>
                          {renderExpanded && open && (
                            <tr className={cx(`${prefix}-expanded-row`, `${prefix}-expanded-row-level-1`)}>
                              <td className={`${prefix}-cell`} colSpan={span}>
                                {renderExpanded(row, index, level, open)}
                              </td>
                            </tr>
                          )}
                        </Fragment>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </div>
          </div>
          {paging && total > 0 && (
            <Pager
              current={current}
              pageSize={pageSize}
              total={total}
              size={size === "small" ? "small" : undefined}
              showTotal={paging.showTotal}
              sizes={paging.showSizeChanger ? (paging.pageSizeOptions ?? [10, 20, 50, 100]) : undefined}
              onPage={(page, size) => {
                paging.onChange?.(page, size);
                emit(page, size);
              }}
            />
          )}
        </div>
      </div>
    </div>
  );
}
