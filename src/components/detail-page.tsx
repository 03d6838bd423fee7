"use client";

import type { ReactNode } from "react";
import { Alert, Button, Card, Descriptions, Skeleton, Space, Tabs, type TabsProps } from "antd";
import { ArrowLeftOutlined, EditOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { ConsolePage } from "~/components/console-page";
import { handleServerError } from "~/components/form-errors";

/**
 * A record's detail page: a way back to its list, the title, an Edit button, and tabs. While the
 * record loads it shows a skeleton; a failed load (another tenant's id is a 404) shows the
 * server's message with the way back.
 */
export function DetailPage({
  query,
  back,
  title,
  intro,
  onEdit,
  tabs,
}: {
  query: { isLoading: boolean; isError: boolean; error: unknown };
  back: { href: string; label: string };
  title: ReactNode;
  intro?: ReactNode;
  onEdit?: () => void;
  tabs: TabsProps["items"];
}) {
  const c = useTranslations("common");
  if (query.isLoading) return <Skeleton active />;
  if (query.isError)
    return (
      <ConsolePage title={back.label}>
        <Alert type="error" showIcon title={handleServerError(null, query.error)} action={<Link href={back.href}>{back.label}</Link>} />
      </ConsolePage>
    );
  return (
    <ConsolePage
      title={
        <Space>
          <Link href={back.href} aria-label={back.label}>
            <ArrowLeftOutlined />
          </Link>
          {title}
        </Space>
      }
      intro={intro}
      extra={
        onEdit && (
          <Button icon={<EditOutlined />} onClick={onEdit}>
            {c("edit")}
          </Button>
        )
      }
    >
      <Card size="small">
        <Tabs items={tabs} />
      </Card>
    </ConsolePage>
  );
}

/** The "overview" tab's facts, one per row, with the record's created and updated times last. */
export function Facts({ items, record }: { items: { label: ReactNode; value: ReactNode }[]; record: { createdAt: Date; updatedAt: Date } }) {
  const c = useTranslations("common");
  const when = (d: Date) => dayjs(d).format("YYYY-MM-DD HH:mm:ss");
  return (
    <Descriptions
      size="small"
      column={1}
      bordered
      items={[...items, { label: c("createdAt"), value: when(record.createdAt) }, { label: c("updatedAt"), value: when(record.updatedAt) }].map((x, i) => ({
        key: String(i),
        label: x.label,
        children: x.value,
      }))}
    />
  );
}
