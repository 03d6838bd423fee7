"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { pagingFrom, PAGE_SIZES, readUrl } from "~/components/url-read";

export { PAGE_SIZES, dateRangeFrom, pagingFrom, sortFrom } from "~/components/url-read";

export type UrlPatch = Record<string, string | number | boolean | undefined>;

/**
 * A list page's whole state lives in the URL, so a filtered page can be bookmarked and shared.
 * `get` reads a key; `set` merges a patch (empty, false or undefined removes the key).
 */
export function useUrlState() {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const set = (patch: UrlPatch) => {
    const next = new URLSearchParams(sp.toString());
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === "" || v === false) next.delete(k);
      else next.set(k, String(v));
    }
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  return { ...readUrl(sp), set };
}

export type UrlState = ReturnType<typeof useUrlState>;

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
