"use client";

import type { ReactNode } from "react";
import { Alert, Button, Descriptions, Skeleton, Space, Tabs, type TabsProps } from "antd";
import { Card } from "~/components/card";
import { ArrowLeftOutlined, EditOutlined } from "@ant-design/icons";
import Link from "~/components/app-link";
import { useTranslations } from "next-intl";
import { ConsolePage } from "~/components/console-page";
import { handleServerError } from "~/components/form-errors";
import { useFormatTime } from "~/components/time";

/** The way back from a detail page to its list: the same control, in the same place, on every detail page. */
export function BackLink({ href, label }: { href: string; label: string }) {
  return (
    <Link href={href} data-testid="detail-back" style={{ display: "inline-flex", alignItems: "center", gap: 6, marginBottom: 4 }}>
      <ArrowLeftOutlined />
      {label}
    </Link>
  );
}

/**
 * A record's detail page: the way back to its list, the title, an Edit button, and tabs (with
 * anything the page shows above them in `header`, and its drawers in `children`). While the record
 * loads it shows a skeleton; a failed load (another tenant's id is a 404) shows the server's
 * message. The way back is there in every state.
 */
export function DetailPage({
  query,
  back,
  title,
  intro,
  onEdit,
  extra,
  header,
  tabs,
  activeTab,
  onTabChange,
  children,
}: {
  query: { isLoading: boolean; isError: boolean; error: unknown };
  back: { href: string; label: string };
  title: ReactNode;
  intro?: ReactNode;
  onEdit?: () => void;
  /** Actions beside Edit. */
  extra?: ReactNode;
  header?: ReactNode;
  tabs: TabsProps["items"];
  /** For tabs kept in the URL. */
  activeTab?: string;
  onTabChange?: (key: string) => void;
  children?: ReactNode;
}) {
  const c = useTranslations("common");
  const way = <BackLink {...back} />;
  if (query.isLoading)
    return (
      <div>
        {way}
        <Card>
          <Skeleton active />
        </Card>
      </div>
    );
  if (query.isError)
    return (
      <div>
        {way}
        <ConsolePage title={back.label}>
          <Alert type="error" showIcon title={handleServerError(null, query.error)} />
        </ConsolePage>
      </div>
    );
  return (
    <div>
      {way}
      <ConsolePage
        title={<Space wrap>{title}</Space>}
        intro={intro}
        extra={
          (onEdit || extra) && (
            <Space>
              {extra}
              {onEdit && (
                <Button icon={<EditOutlined />} onClick={onEdit}>
                  {c("edit")}
                </Button>
              )}
            </Space>
          )
        }
      >
        {header}
        <Card size="small">
          <Tabs items={tabs} activeKey={activeTab} onChange={onTabChange} />
        </Card>
        {children}
      </ConsolePage>
    </div>
  );
}

/** The "overview" tab's facts, one per row, with the record's created and updated times last. */
export function Facts({ items, record }: { items: { label: ReactNode; value: ReactNode }[]; record: { createdAt: Date; updatedAt: Date } }) {
  const fmt = useFormatTime();
  const c = useTranslations("common");
  const when = (d: Date) => fmt(d, "YYYY-MM-DD HH:mm:ss");
  return (
    <Descriptions
      size="small"
      column={1}
      bordered
      // A long description must not squeeze the labels into a column of single characters.
      styles={{ label: { whiteSpace: "nowrap", width: 160 }, content: { wordBreak: "break-word" } }}
      items={[...items, { label: c("createdAt"), value: when(record.createdAt) }, { label: c("updatedAt"), value: when(record.updatedAt) }].map((x, i) => ({
        key: String(i),
        label: x.label,
        children: x.value,
      }))}
    />
  );
}
