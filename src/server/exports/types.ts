import type { Locale } from "~/lib/errors";
/** The shapes every exporter shares (kept apart from the registry so exporters import no cycle). */
import type { z } from "zod";
import type { Db } from "~/server/db";
import type { PermissionCode } from "~/lib/permissions";

/** Whose scope the list is read in: the job's creator, as the list procedure would see them. */
export interface ExportWho {
  userId: string;
  tenantId: string;
  isOperator: boolean;
  /** Role names and permission codes, read when the job runs (lists that depend on ownership need them). */
  roles: string[];
  permissions: string[];
}

export type Cell = string | number | boolean | Date | null | undefined;

export interface Column<Row> {
  header: string;
  value: (row: Row) => Cell;
  /** Spreadsheet column width in characters. */
  width?: number;
}

export interface Page<Row> {
  total: number;
  /**
   * The page's rows; a list that completes its rows with a second read (the users' roles) may
   * answer a promise, the worker then reads the next page meanwhile.
   */
  items: Row[] | Promise<Row[]>;
  /** Where the next page starts; null after the last one. */
  next: string | null;
}

/**
 * The exporters' words (column titles, the file's name, yes/no): next-intl messages under
 * `export.sheets` in src/i18n/messages/<locale>/export.json, e.g. `t("users.userName")`.
 */
export type Translate = (key: string) => string;

export interface Exporter<Row = unknown, Filter = unknown> {
  /** The list permission the caller needs besides uc.export.post. */
  permission: PermissionCode;
  /** The list's own input schema: the job's filter is parsed with it (paging fields dropped). */
  filter: z.ZodType<Filter>;
  /** The file name before the date, e.g. "审计日志" or "audit-log". */
  title: (t: Translate) => string;
  /** The file's columns; `locale` is the file's language (seeded texts are shown in it, as the console does). */
  columns: (t: Translate, locale: Locale) => Column<Row>[];
  /** One page of the list after `cursor` (null: the first page). */
  page: (db: Db, who: ExportWho, filter: Filter, cursor: string | null, take: number) => Promise<Page<Row>>;
}

/** Offset paging for lists that only take skip/take: the cursor is the next offset. */
export const offsetPage = async <Row>(
  cursor: string | null,
  take: number,
  list: (skip: number, take: number) => Promise<{ total: number; items: Row[] }>,
): Promise<Page<Row>> => {
  const skip = cursor ? Number(cursor) : 0;
  const { total, items } = await list(skip, take);
  return { total, items, next: items.length === take && skip + take < total ? String(skip + take) : null };
};
