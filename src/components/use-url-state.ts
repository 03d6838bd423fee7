"use client";

import dayjs from "dayjs";
import { usePathname, useRouter, useSearchParams } from "next/navigation";

export type UrlPatch = Record<string, string | number | boolean | undefined>;

/**
 * A list page's whole state lives in the URL, so a filtered page can be bookmarked and shared.
 * `get` reads a key; `set` merges a patch (empty, false or undefined removes the key).
 */
export function useUrlState() {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const get = (key: string) => sp.get(key) ?? "";
  const num = (key: string, fallback: number) => (Number(sp.get(key)) > 0 ? Number(sp.get(key)) : fallback);
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined =>
    (allowed as readonly string[]).includes(sp.get(key) ?? "") ? (sp.get(key) as T) : undefined;
  const set = (patch: UrlPatch) => {
    const next = new URLSearchParams(sp.toString());
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === "" || v === false) next.delete(k);
      else next.set(k, String(v));
    }
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  return { get, num, oneOf, set };
}

export type UrlState = ReturnType<typeof useUrlState>;

export const PAGE_SIZES = [10, 20, 50, 100];

/** Table paging from the URL: `page` and `size`. */
export function pagingFrom(url: UrlState) {
  const page = url.num("page", 1);
  const size = PAGE_SIZES.includes(url.num("size", 20)) ? url.num("size", 20) : 20;
  return { page, size, skip: (page - 1) * size, take: size };
}

/**
 * Table sorting from the URL: `orderby` (one of `allowed`, else `createdAt`) and `asc`;
 * `sortOrder(key)` is the column's `sortOrder`.
 */
export function sortFrom<T extends string>(url: UrlState, allowed: readonly T[]) {
  const orderby: T | "createdAt" = url.oneOf("orderby", allowed) ?? "createdAt";
  const asc = url.get("asc") === "true";
  const sortOrder = (key: string) => (orderby === key ? (asc ? "ascend" : "descend") : null);
  return { orderby, asc, sortOrder };
}

/** A list's date filter from the URL (`start`, `end`: whole days) as its input's `startTime` and `endTime`. */
export function dateRangeFrom(url: UrlState) {
  const start = url.get("start");
  const end = url.get("end");
  return {
    startTime: start ? dayjs(start).startOf("day").toDate() : undefined,
    endTime: end ? dayjs(end).endOf("day").toDate() : undefined,
  };
}

type Sorter<T> = import("antd/es/table/interface").SorterResult<T> | import("antd/es/table/interface").SorterResult<T>[];

/**
 * A server-paginated table's `pagination` and `onChange`, kept in the URL: `page`, `size`,
 * `orderby` (absent for the default `createdAt`) and `asc`.
 */
export function serverTable<T>(url: UrlState, total: number, showTotal: (total: number) => string) {
  const paging = pagingFrom(url);
  return {
    pagination: { current: paging.page, pageSize: paging.size, total, showSizeChanger: true, pageSizeOptions: PAGE_SIZES, showTotal },
    onChange: (p: { current?: number; pageSize?: number }, _filters: unknown, sorter: Sorter<T>) => {
      const s = Array.isArray(sorter) ? sorter[0] : sorter;
      const key = s?.order ? String(s.columnKey) : undefined;
      url.set({
        page: p.current && p.current > 1 ? p.current : undefined,
        size: p.pageSize && p.pageSize !== 20 ? p.pageSize : undefined,
        orderby: key && key !== "createdAt" ? key : undefined,
        asc: s?.order === "ascend" ? true : undefined,
      });
    },
  };
}
