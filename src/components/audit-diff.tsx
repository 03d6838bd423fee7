"use client";

import { Collapse, Empty, Space, Typography } from "antd";
import { DataTable } from "~/components/data-table";
import { Tag } from "~/components/tag";
import { useTranslations } from "next-intl";
import { diffRows, type DiffRow } from "~/lib/audit-diff";

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
        style={{
          wordBreak: "break-word",
          whiteSpace: "pre-wrap",
          background: kind === "same" ? undefined : side === "before" ? "rgba(255,77,79,0.08)" : "rgba(82,196,26,0.10)",
        }}
      >
        {v}
      </Typography.Text>
    );
  return (
    <>
      <DataTable<DiffRow>
        rowKey="field"
        size="small"
        pagination={false}
        dataSource={rows}
        // Fixed layout: the three columns keep their share however long one side's values are
        // (a long "before" used to squeeze "after" to a sliver).
        tableLayout="fixed"
        data-testid="audit-diff"
        columns={[
          {
            title: t("field"),
            dataIndex: "field",
            width: "30%",
            render: (f: string, r) => (
              <Space size={4} wrap>
                <Typography.Text code style={{ wordBreak: "break-word" }}>
                  {f}
                </Typography.Text>
                {r.kind !== "same" && <Tag color={KIND_COLOR[r.kind]}>{t(r.kind)}</Tag>}
              </Space>
            ),
          },
          { title: t("before"), dataIndex: "before", width: "35%", render: (v: string | null, r) => cell(v, r.kind, "before") },
          { title: t("after"), dataIndex: "after", width: "35%", render: (v: string | null, r) => cell(v, r.kind, "after") },
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
