"use client";

import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { COLORS } from "./chart-style";

/**
 * A line (or a stacked bar) per name in `lines` over the days of `data` (the tooltip reads every
 * value of the day under the pointer); `colors` in the order of `lines`, else the palette's.
 */
export function DailyPlot({
  data,
  lines,
  kind,
  colors = COLORS,
}: {
  data: Record<string, string | number>[];
  lines: string[];
  kind: "line" | "bar";
  colors?: readonly string[];
}) {
  const axes = [
    <CartesianGrid key="grid" strokeDasharray="3 3" vertical={false} />,
    <XAxis key="x" dataKey="day" tick={{ fontSize: 12 }} minTickGap={16} />,
    <YAxis key="y" allowDecimals={false} width={40} tick={{ fontSize: 12 }} />,
    <Tooltip key="tip" />,
    lines.length > 1 ? <Legend key="legend" /> : null,
  ];
  return (
    <ResponsiveContainer width="100%" height="100%">
      {kind === "bar" ? (
        <BarChart data={data}>
          {axes}
          {lines.map((name, i) => (
            <Bar key={name} dataKey={name} stackId="a" fill={colors[i % colors.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      ) : (
        <LineChart data={data}>
          {axes}
          {lines.map((name, i) => (
            <Line key={name} type="monotone" dataKey={name} stroke={colors[i % colors.length]} strokeWidth={2} dot={false} isAnimationActive={false} />
          ))}
        </LineChart>
      )}
    </ResponsiveContainer>
  );
}

/** Horizontal bars: a count per named row. */
export function MethodBars({ data, name }: { data: { name: string; count: number }[]; name: string }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} layout="vertical" margin={{ left: 24 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
        <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 12 }} />
        <Tooltip />
        <Bar dataKey="count" name={name} fill={COLORS[0]} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
