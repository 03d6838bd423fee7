import dayjs from "dayjs";

/** What a list page reads from its URL: a key's value, a positive number, one of a few values. */
export interface UrlReader {
  get: (key: string) => string;
  num: (key: string, fallback: number) => number;
  oneOf: <T extends string>(key: string, allowed: readonly T[]) => T | undefined;
}

/**
 * The reader over a page's search parameters: the browser's (`useUrlState`) and the server's
 * (`prefetchedPage`) read the same URL the same way, so both build the same list input.
 */
export function readUrl(sp: { get: (key: string) => string | null }): UrlReader {
  const get = (key: string) => sp.get(key) ?? "";
  const num = (key: string, fallback: number) => (Number(sp.get(key)) > 0 ? Number(sp.get(key)) : fallback);
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined =>
    (allowed as readonly string[]).includes(sp.get(key) ?? "") ? (sp.get(key) as T) : undefined;
  return { get, num, oneOf };
}

export const PAGE_SIZES = [10, 20, 50, 100];

/** Table paging from the URL: `page` and `size`. */
export function pagingFrom(url: UrlReader) {
  const page = url.num("page", 1);
  const size = PAGE_SIZES.includes(url.num("size", 20)) ? url.num("size", 20) : 20;
  return { page, size, skip: (page - 1) * size, take: size };
}

/**
 * Table sorting from the URL: `orderby` (one of `allowed`, else `createdAt`) and `asc`;
 * `sortOrder(key)` is the column's `sortOrder`.
 */
export function sortFrom<T extends string>(url: UrlReader, allowed: readonly T[]) {
  const orderby: T | "createdAt" = url.oneOf("orderby", allowed) ?? "createdAt";
  const asc = url.get("asc") === "true";
  const sortOrder = (key: string) => (orderby === key ? (asc ? "ascend" : "descend") : null);
  return { orderby, asc, sortOrder };
}

/** A list's date filter from the URL (`start`, `end`: whole days) as its input's `startTime` and `endTime`. */
export function dateRangeFrom(url: UrlReader) {
  const start = url.get("start");
  const end = url.get("end");
  return {
    startTime: start ? dayjs(start).startOf("day").toDate() : undefined,
    endTime: end ? dayjs(end).endOf("day").toDate() : undefined,
  };
}

/**
 * The parts of a list's input every sortable list has: `params` (sorting by one of `order`, the
 * date range) and `slice` (the page's skip and take).
 */
export function listParams<O extends string>(url: UrlReader, order: readonly O[] = []) {
  const { orderby, asc } = sortFrom(url, order);
  return { params: { orderby, asc, ...dateRangeFrom(url) }, slice: sliceFrom(url) };
}

/** The page's `skip` and `take` from the URL. */
export function sliceFrom(url: UrlReader) {
  const { skip, take } = pagingFrom(url);
  return { skip, take };
}

/** `"true"` / `"false"` in the URL key `key` as a boolean filter, absent otherwise. */
export function flagFrom(url: UrlReader, key: string, yes = "true", no = "false"): boolean | undefined {
  const v = url.oneOf(key, [yes, no]);
  return v === undefined ? undefined : v === yes;
}
