"use client";

import { useState } from "react";
import { DatePicker } from "antd";
import dayjs from "dayjs";

/** The date range filter's picker (filter-bar.tsx loads it on first use): open and focused as it appears. */
export function DateRangePicker({
  label,
  start,
  end,
  onPick,
}: {
  label: string;
  start: string;
  end: string;
  onPick: (range: { start: string | undefined; end: string | undefined }) => void;
}) {
  const [open, setOpen] = useState(true);
  return (
    <DatePicker.RangePicker
      aria-label={label}
      autoFocus
      open={open}
      onOpenChange={setOpen}
      value={start && end ? [dayjs(start), dayjs(end)] : null}
      onChange={(r) => onPick({ start: r?.[0]?.format("YYYY-MM-DD"), end: r?.[1]?.format("YYYY-MM-DD") })}
      style={{ width: 260 }}
    />
  );
}
