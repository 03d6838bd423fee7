"use client";

import { Collapse, Empty, Table, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";

type Flat = Map<string, string>;

/** `{ a: { b: [1] } }` → `a.b.0 = 1`: one line per leaf, so a change reads as a row. */
function flatten(v: unknown, prefix = "", out: Flat = new Map()): Flat {
  if (v !== null && typeof v === "object" && !(Array.isArray(v) && v.length === 0) && Object.keys(v).length) {
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) flatten(child, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix || v !== undefined) {
    out.set(prefix || "(value)", v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
  }
  return out;
}

export interface DiffRow {
  field: string;
  before: string | null;
  after: string | null;
  kind: "added" | "removed" | "changed" | "same";
}

export function diffRows(before: unknown, after: unknown): DiffRow[] {
  const b = before == null ? new Map<string, string>() : flatten(before);
  const a = after == null ? new Map<string, string>() : flatten(after);
  const keys = [...new Set([...b.keys(), ...a.keys()])];
  return keys.map((field) => {
    const x = b.has(field) ? b.get(field)! : null;
    const y = a.has(field) ? a.get(field)! : null;
    const kind = x === null ? "added" : y === null ? "removed" : x === y ? "same" : "changed";
    return { field, before: x, after: y, kind };
  });
}

const KIND_COLOR = { added: "green", removed: "red", changed: "orange", same: undefined } as const;

/** Before and after side by side, changed fields first and marked; unchanged ones after them. */
export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const t = useTranslations("audit");
  const rows = diffRows(before, after).sort((p, q) => Number(p.kind === "same") - Number(q.kind === "same"));
  if (!rows.length) return <Empty description={t("noChanges")} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const cell = (v: string | null, kind: DiffRow["kind"], side: "before" | "after") =>
    v === null ? (
      <Typography.Text type="secondary">—</Typography.Text>
    ) : (
      <Typography.Text
        delete={side === "before" && kind === "removed"}
        style={{ wordBreak: "break-all", background: kind === "same" ? undefined : side === "before" ? "rgba(255,77,79,0.08)" : "rgba(82,196,26,0.10)" }}
      >
        {v}
      </Typography.Text>
    );
  return (
    <>
      <Table<DiffRow>
        rowKey="field"
        size="small"
        pagination={false}
        dataSource={rows}
        data-testid="audit-diff"
        columns={[
          {
            title: t("field"),
            dataIndex: "field",
            width: "28%",
            render: (f: string, r) => (
              <span>
                <Typography.Text code>{f}</Typography.Text> {r.kind !== "same" && <Tag color={KIND_COLOR[r.kind]}>{t(r.kind)}</Tag>}
              </span>
            ),
          },
          { title: t("before"), dataIndex: "before", render: (v: string | null, r) => cell(v, r.kind, "before") },
          { title: t("after"), dataIndex: "after", render: (v: string | null, r) => cell(v, r.kind, "after") },
        ]}
      />
      <Collapse
        size="small"
        style={{ marginTop: 12 }}
        items={[
          {
            key: "raw",
            label: t("raw"),
            children: (
              <pre style={{ fontSize: 12, whiteSpace: "pre-wrap", margin: 0 }}>{JSON.stringify({ before: before ?? null, after: after ?? null }, null, 2)}</pre>
            ),
          },
        ]}
      />
    </>
  );
}
