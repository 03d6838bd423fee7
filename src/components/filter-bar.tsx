"use client";

import type { ReactNode } from "react";
import { Suspense, lazy, useState } from "react";
import { Button, Input, Select, Space } from "antd";
import { Card } from "~/components/card";
import type { SelectProps } from "antd";
import { CalendarOutlined, ReloadOutlined, SearchOutlined } from "@ant-design/icons";
import { useTranslations } from "next-intl";
import type { UrlState } from "~/components/use-url-state";

/** antd's range picker (its panels, dayjs and their styles' code: ~30 KiB gzip), loaded when the filter is first used. */
const loadPicker = () => import("~/components/date-range-picker");

/**
 * A list page's filters, all kept in the URL. The `text` keys are typed into drafts and applied
 * by Search or Enter; the `others` (selects, the date range's `start` and `end`) apply at once.
 * Reset empties the drafts and removes every one of these keys. Any change goes back to page 1.
 */
export function useFilters<K extends string>(url: UrlState, text: readonly K[], others: readonly string[]) {
  const [draft, setDraft] = useState(() => Object.fromEntries(text.map((k) => [k, url.get(k)])) as Record<K, string>);
  return {
    url,
    draft,
    setDraft: (key: K, value: string) => setDraft((d) => ({ ...d, [key]: value })),
    /** Sets URL keys at once (a select, the date range), back on page 1. */
    set: (patch: Record<string, string | undefined>) => url.set({ ...patch, page: undefined }),
    apply: () => url.set({ ...Object.fromEntries(text.map((k) => [k, draft[k].trim()])), page: undefined }),
    reset: () => {
      setDraft(Object.fromEntries(text.map((k) => [k, ""])) as Record<K, string>);
      url.set({ ...Object.fromEntries([...text, ...others].map((k) => [k, undefined])), page: undefined });
    },
  };
}

export type Filters<K extends string = string> = ReturnType<typeof useFilters<K>>;

/** The card of filters above a list, ending in Search and Reset (and `after` them, e.g. a "more" toggle). */
export function FilterBar({ filters, after, children }: { filters: Pick<Filters, "apply" | "reset">; after?: ReactNode; children: ReactNode }) {
  const c = useTranslations("common");
  return (
    <Card size="small">
      <Space wrap>
        {children}
        <Button type="primary" icon={<SearchOutlined />} onClick={filters.apply}>
          {c("search")}
        </Button>
        <Button icon={<ReloadOutlined />} onClick={filters.reset}>
          {c("reset")}
        </Button>
        {after}
      </Space>
    </Card>
  );
}

/** A text filter: its draft, applied with Enter. */
export function TextFilter<K extends string>({ filters, name, label, width = 180 }: { filters: Filters<K>; name: K; label: string; width?: number }) {
  return (
    <Input
      aria-label={label}
      placeholder={label}
      value={filters.draft[name]}
      allowClear
      onChange={(e) => filters.setDraft(name, e.target.value)}
      onPressEnter={filters.apply}
      style={{ width }}
    />
  );
}

/** A select filter on the URL key `name`, applied as soon as it is picked or cleared. */
export function SelectFilter<V extends string>({
  filters,
  name,
  label,
  placeholder = label,
  value,
  options,
  width,
  showSearch,
}: {
  filters: Pick<Filters, "set">;
  name: string;
  label: string;
  placeholder?: string;
  value: V | undefined;
  options: { value: V; label: ReactNode }[];
  width: number;
  showSearch?: SelectProps["showSearch"];
}) {
  return (
    <Select
      aria-label={label}
      placeholder={placeholder}
      allowClear
      showSearch={showSearch}
      value={value}
      onChange={(v: V | undefined) => filters.set({ [name]: v })}
      options={options}
      style={{ width }}
    />
  );
}

/**
 * The date range filter: whole days in the URL keys `start` and `end` (read with `dateRangeFrom`).
 * Until it is first pointed at, focused or clicked it is a look-alike input showing the range; then
 * antd's picker takes its place, focused and open, so a keyboard user tabs into it as before.
 */
export function DateRangeFilter({ filters, label }: { filters: Pick<Filters, "url" | "set">; label?: string }) {
  const c = useTranslations("common");
  const [wanted, setWanted] = useState(false);
  const start = filters.url.get("start");
  const end = filters.url.get("end");
  const name = label ?? c("dateRange");
  const standIn = (
    <Input
      aria-label={name}
      readOnly
      placeholder={name}
      value={start && end ? `${start} → ${end}` : ""}
      suffix={<CalendarOutlined />}
      onMouseEnter={() => void loadPicker()}
      onFocus={() => setWanted(true)}
      onClick={() => setWanted(true)}
      style={{ width: 260 }}
    />
  );
  if (!wanted) return standIn;
  return (
    <Suspense fallback={standIn}>
      <RangePicker label={name} start={start} end={end} onPick={(range) => filters.set(range)} />
    </Suspense>
  );
}

const RangePicker = lazy(() => loadPicker().then((m) => ({ default: m.DateRangePicker })));
