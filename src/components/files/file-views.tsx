"use client";

import { Button, Card, Col, Row, Space, Typography } from "antd";
import { DataTable } from "~/components/data-table";
import { Tag } from "~/components/tag";
import { Popconfirm } from "~/components/lazy-popconfirm";
import type { TableProps } from "antd";
import { DeleteOutlined, ExportOutlined, FileExcelOutlined, FileOutlined, FilePdfOutlined, FileWordOutlined } from "@ant-design/icons";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import type { FileItem } from "~/lib/validators/file";
import { formatBytes } from "./uploadthing";
import { useFormatTime } from "~/components/time";
import { useSeededText } from "~/components/use-seeded-text";

const useFmt = () => {
  const f = useFormatTime();
  return (d: Date) => f(d, "YYYY-MM-DD HH:mm");
};
const nowrap = (v: ReactNode) => <span style={{ whiteSpace: "nowrap" }}>{v}</span>;

export function DocumentIcon({ file, size = 48 }: { file: Pick<FileItem, "ext" | "mime">; size?: number }) {
  const style = { fontSize: size };
  if (file.ext === "pdf") return <FilePdfOutlined style={{ ...style, color: "#cf1322" }} />;
  if (file.ext === "doc" || file.ext === "docx") return <FileWordOutlined style={{ ...style, color: "#1d39c4" }} />;
  if (file.ext === "xls" || file.ext === "xlsx") return <FileExcelOutlined style={{ ...style, color: "#389e0d" }} />;
  return <FileOutlined style={{ ...style, color: "#8c8c8c" }} />;
}

/** What a file looks like: the image, a playable video, or an icon. */
function Preview({ file, height }: { file: FileItem; height: number }) {
  if (file.kind === "image" || file.kind === "avatar")
    // A plain <img>: the bytes come from our own route with cookie auth, which next/image would proxy.
    return <img src={file.url} alt={file.name} loading="lazy" style={{ width: "100%", height, objectFit: "cover", display: "block", background: "#f5f5f5" }} />;
  if (file.kind === "video")
    return <video src={file.url} controls preload="metadata" aria-label={file.name} style={{ width: "100%", height, display: "block", background: "#000" }} />;
  return (
    <div style={{ height, display: "flex", alignItems: "center", justifyContent: "center", background: "#fafafa" }}>
      <DocumentIcon file={file} />
    </div>
  );
}

interface ViewProps {
  items: FileItem[];
  canDelete: boolean;
  onDelete: (file: FileItem) => Promise<unknown>;
}

function OpenLink({ file }: { file: FileItem }) {
  const t = useTranslations("file");
  return (
    <a href={file.url} target="_blank" rel="noopener noreferrer" aria-label={`${t("open")} ${file.name}`} data-testid="file-open">
      <ExportOutlined /> {t("open")}
    </a>
  );
}

function DeleteButton({ file, onDelete }: { file: FileItem; onDelete: ViewProps["onDelete"] }) {
  const t = useTranslations("file");
  const c = useTranslations("common");
  return (
    <Popconfirm
      title={t("deleteConfirm", { name: file.name })}
      onConfirm={() => onDelete(file)}
      okButtonProps={{ danger: true }}
      okText={c("delete")}
      cancelText={c("cancel")}
    >
      <Button
        type="link"
        size="small"
        danger
        icon={<DeleteOutlined />}
        aria-label={`${c("delete")} ${file.name}`}
        data-testid="file-delete"
        style={{ padding: 0 }}
      >
        {c("delete")}
      </Button>
    </Popconfirm>
  );
}

/** Who uploaded a file: its owner (the seeded operator in the viewer's language), else "by a program". */
function useOwnerOf() {
  const seeded = useSeededText();
  const t = useTranslations("file");
  return (f: FileItem) => seeded.nickname(f.ownerName) ?? (f.clientId ? t("byProgram") : "—");
}

/** Cards: preview, then name and the facts. */
export function FileGrid({ items, canDelete, onDelete }: ViewProps) {
  const fmt = useFmt();
  const ownerOf = useOwnerOf();
  const t = useTranslations("file");
  return (
    <Row gutter={[16, 16]} data-testid="file-grid">
      {items.map((f) => (
        <Col key={f.id} xs={24} sm={12} md={8} xl={6} xxl={4}>
          <Card
            size="small"
            data-testid="file-card"
            data-name={f.name}
            cover={<Preview file={f} height={150} />}
            actions={[<OpenLink key="open" file={f} />, ...(canDelete ? [<DeleteButton key="delete" file={f} onDelete={onDelete} />] : [])]}
            styles={{ body: { padding: "8px 12px" } }}
          >
            <Typography.Text strong ellipsis={{ tooltip: f.name }} style={{ display: "block" }}>
              {f.name}
            </Typography.Text>
            <Space size={[4, 4]} wrap style={{ marginTop: 4 }}>
              <Tag style={{ margin: 0 }}>{t(`kinds.${f.kind}`)}</Tag>
              <Typography.Text type="secondary">{formatBytes(f.size)}</Typography.Text>
            </Space>
            <Typography.Text type="secondary" ellipsis style={{ display: "block", fontSize: 12, marginTop: 4 }}>
              {f.folder} · {ownerOf(f)}
            </Typography.Text>
            <Typography.Text type="secondary" style={{ display: "block", fontSize: 12 }}>
              {fmt(f.createdAt)}
            </Typography.Text>
          </Card>
        </Col>
      ))}
    </Row>
  );
}

/** The same facts as a table (paging is the caller's, on the server). */
export function FileTable({
  items,
  canDelete,
  onDelete,
  loading,
  empty,
  pagination,
}: ViewProps & { loading: boolean; empty: ReactNode; pagination: Pick<TableProps<FileItem>, "pagination" | "onChange"> }) {
  const fmt = useFmt();
  const ownerOf = useOwnerOf();
  const t = useTranslations("file");
  const c = useTranslations("common");
  const columns: TableProps<FileItem>["columns"] = [
    {
      title: t("name"),
      dataIndex: "name",
      key: "name",
      render: (name: string, f) => (
        <Space>
          <span
            style={{
              width: 40,
              height: 40,
              display: "inline-flex",
              alignItems: "center",
              justifyContent: "center",
              overflow: "hidden",
              borderRadius: 4,
              background: "#fafafa",
            }}
          >
            {f.kind === "image" || f.kind === "avatar" ? (
              <img src={f.url} alt="" loading="lazy" style={{ width: 40, height: 40, objectFit: "cover" }} />
            ) : f.kind === "video" ? (
              <video src={f.url} preload="metadata" muted aria-hidden style={{ width: 40, height: 40, objectFit: "cover" }} />
            ) : (
              <DocumentIcon file={f} size={22} />
            )}
          </span>
          <Typography.Text ellipsis={{ tooltip: name }} style={{ maxWidth: 220 }}>
            {name}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t("size"), dataIndex: "size", key: "size", render: (n: number) => nowrap(formatBytes(n)) },
    { title: t("kind"), dataIndex: "kind", key: "kind", render: (k: FileItem["kind"]) => <Tag>{t(`kinds.${k}`)}</Tag> },
    { title: t("folder"), dataIndex: "folder", key: "folder", render: (v: string) => nowrap(v) },
    {
      title: t("owner"),
      key: "owner",
      render: (_, f) => (
        <Typography.Text ellipsis={{ tooltip: true }} style={{ maxWidth: 160 }}>
          {ownerOf(f)}
        </Typography.Text>
      ),
    },
    { title: t("uploadedAt"), dataIndex: "createdAt", key: "createdAt", render: (d: Date) => nowrap(fmt(d)) },
    {
      title: c("actions"),
      key: "actions",
      fixed: "right",
      render: (_, f) => (
        <Space size="middle" style={{ whiteSpace: "nowrap" }}>
          <OpenLink file={f} />
          {canDelete && <DeleteButton file={f} onDelete={onDelete} />}
        </Space>
      ),
    },
  ];
  return (
    <div data-testid="file-table">
      <DataTable<FileItem>
        rowKey="id"
        columns={columns}
        dataSource={items}
        loading={loading}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: empty }}
        {...pagination}
      />
    </div>
  );
}
