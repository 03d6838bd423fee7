"use client";

import { useFeedback } from "~/components/feedback";
import { Button, Col, Empty, Pagination, Progress, Row, Segmented, Select, Space, Spin, Typography } from "antd";
import { Card } from "~/components/card";
import { AppstoreOutlined, BarsOutlined, ReloadOutlined } from "@ant-design/icons";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { ConsolePage } from "~/components/console-page";
import { DateRangeFilter } from "~/components/filter-bar";
import { useCan } from "~/components/console-permissions";
import { handleServerError } from "~/components/form-errors";
import { UserPicker } from "~/components/user-picker";
import { PAGE_SIZES, pagingFrom, serverTable, useUrlState } from "~/components/use-url-state";
import { FILE_KINDS } from "~/lib/validators/values";
import type { FileItem } from "~/lib/validators/file";
import { filesInput } from "./list-input";
import { useTRPC } from "~/trpc/react";
import { FileGrid, FileTable } from "./file-views";
import { UploadPanel } from "./upload-panel";
import { formatBytes } from "./uploadthing";

const VIEWS = ["grid", "list"] as const;
type View = (typeof VIEWS)[number];

function UsageBar({ label, used, quota }: { label: string; used: number; quota: number }) {
  const t = useTranslations("file");
  const percent = quota > 0 ? Math.min(100, Math.round((used / quota) * 1000) / 10) : 0;
  return (
    <div>
      <div style={{ display: "flex", justifyContent: "space-between", gap: 8, flexWrap: "wrap" }}>
        <Typography.Text>{label}</Typography.Text>
        <Typography.Text type="secondary">{t("usageOf", { used: formatBytes(used), quota: formatBytes(quota) })}</Typography.Text>
      </div>
      <Progress percent={percent} size="small" status={percent >= 90 ? "exception" : "normal"} aria-label={label} />
    </div>
  );
}

/** The file library: upload, storage used, then the files (filtered, paged on the server) as cards or a table. */
export function FilesView() {
  const t = useTranslations("file");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const url = useUrlState();
  const paging = pagingFrom(url);
  const view: View = url.oneOf("view", VIEWS) ?? "grid";
  const canDelete = useCan("uc.file.delete") !== false;
  const canUpload = useCan("uc.file.post") !== false;

  const input = filesInput(url);
  const filtered = !!(input.kind || input.folder || input.ownerId || input.startTime);
  const list = useQuery(trpc.file.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const folders = useQuery(trpc.file.folders.queryOptions());
  const usage = useQuery(trpc.file.usage.queryOptions());
  const refresh = () => qc.invalidateQueries(trpc.file.pathFilter());
  const remove = useMutation(
    trpc.file.delete.mutationOptions({
      onSuccess: () => {
        void message.success(c("deleted"));
        return refresh();
      },
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  const onDelete = (f: FileItem) => remove.mutateAsync({ id: f.id }).catch(() => undefined);

  const items = list.data?.items ?? [];
  const empty = list.isError ? (
    <Empty description={handleServerError(null, list.error)}>
      <Button onClick={() => void list.refetch()}>{c("retry")}</Button>
    </Empty>
  ) : filtered ? (
    <Empty description={t("emptyFiltered")} />
  ) : (
    <Empty
      description={
        <>
          <div>{t("emptyTitle")}</div>
          <Typography.Text type="secondary">{t("emptyHint")}</Typography.Text>
        </>
      }
    />
  );
  const table = serverTable<FileItem>(url, list.data?.total ?? 0, (total) => c("total", { total }));

  return (
    <ConsolePage title={t("title")} intro={t("intro")}>
      <Row gutter={[16, 16]}>
        {canUpload && (
          <Col xs={24} xl={16}>
            <UploadPanel onUploaded={refresh} />
          </Col>
        )}
        <Col xs={24} xl={canUpload ? 8 : 24}>
          <Card size="small" title={t("usage")} style={{ height: "100%" }} data-testid="file-usage">
            {usage.data ? (
              <Space orientation="vertical" style={{ width: "100%" }} size="middle">
                <UsageBar label={t("usageMine")} used={usage.data.userBytes} quota={usage.data.userQuota} />
                <UsageBar label={t("usageTenant")} used={usage.data.tenantBytes} quota={usage.data.tenantQuota} />
              </Space>
            ) : usage.isError ? (
              <Typography.Text type="danger">{handleServerError(null, usage.error)}</Typography.Text>
            ) : (
              <Spin />
            )}
          </Card>
        </Col>
      </Row>
      <Card size="small">
        <div>
          <Space wrap>
            <Select
              aria-label={t("kind")}
              placeholder={t("filterKind")}
              allowClear
              value={input.kind}
              onChange={(v: FileItem["kind"] | undefined) => url.set({ kind: v, page: undefined })}
              options={FILE_KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))}
              style={{ width: 140 }}
              data-testid="filter-kind"
            />
            <Select
              aria-label={t("folder")}
              placeholder={t("filterFolder")}
              allowClear
              showSearch
              value={input.folder}
              loading={folders.isLoading}
              onChange={(v: string | undefined) => url.set({ folder: v, page: undefined })}
              options={(folders.data ?? []).map((f) => ({ value: f.folder, label: t("folderCount", { folder: f.folder, count: f.count }) }))}
              style={{ width: 200 }}
              data-testid="filter-folder"
            />
            <UserPicker
              aria-label={t("owner")}
              placeholder={t("filterOwner")}
              value={input.ownerId}
              onChange={(v) => url.set({ owner: v, page: undefined })}
              style={{ width: 200 }}
              data-testid="filter-owner"
            />
            <DateRangeFilter filters={{ url, set: (range) => url.set({ ...range, page: undefined }) }} />
            <Button
              icon={<ReloadOutlined />}
              onClick={() => url.set({ kind: undefined, folder: undefined, owner: undefined, start: undefined, end: undefined, page: undefined })}
            >
              {c("reset")}
            </Button>
          </Space>
        </div>
      </Card>
      <Card
        size="small"
        title={c("total", { total: list.data?.total ?? 0 })}
        extra={
          <Segmented<View>
            aria-label={t("view")}
            data-testid="file-view"
            value={view}
            onChange={(v) => url.set({ view: v === "grid" ? undefined : v })}
            options={[
              { value: "grid", label: t("grid"), icon: <AppstoreOutlined /> },
              { value: "list", label: t("list"), icon: <BarsOutlined /> },
            ]}
          />
        }
      >
        {view === "list" ? (
          <FileTable items={items} canDelete={canDelete} onDelete={onDelete} loading={list.isFetching} empty={empty} pagination={table} />
        ) : (
          <Spin spinning={list.isFetching}>
            {items.length ? <FileGrid items={items} canDelete={canDelete} onDelete={onDelete} /> : list.isLoading ? <div style={{ minHeight: 160 }} /> : empty}
            {(list.data?.total ?? 0) > 0 && (
              <Pagination
                style={{ marginTop: 16, justifyContent: "flex-end" }}
                current={paging.page}
                pageSize={paging.size}
                total={list.data?.total ?? 0}
                showSizeChanger
                pageSizeOptions={PAGE_SIZES}
                showTotal={(total) => c("total", { total })}
                onChange={(page, size) => url.set({ page: page > 1 ? page : undefined, size: size !== 20 ? size : undefined })}
              />
            )}
          </Spin>
        )}
      </Card>
    </ConsolePage>
  );
}
