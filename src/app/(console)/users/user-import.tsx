"use client";

import { useFeedback } from "~/components/feedback";
import { Alert, Button, Modal, Progress, Space, Spin, Table, Typography, Upload } from "antd";
import { Tag } from "~/components/tag";
import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { useSeededText } from "~/components/use-seeded-text";
import type { TableProps } from "antd";
import { DownloadOutlined, InboxOutlined, UploadOutlined } from "@ant-design/icons";
import { useTranslations } from "next-intl";
import { useState } from "react";
import type { CheckedRow, ImportJobView, ImportPreview, ImportResult, RowError } from "~/lib/validators/user";

const ENDPOINT = "/api/v1/users/import";
const MAX_BYTES = 10 * 1024 * 1024;

type Step =
  | { kind: "choose" }
  | { kind: "checking"; file: File }
  | { kind: "preview"; file: File; preview: ImportPreview }
  | { kind: "importing"; file: File; preview: ImportPreview; job?: ImportJobView }
  | { kind: "done"; result: ImportResult };

/** The REST error body's words (`data.description`, and the first field message when there is one). */
async function send(file: File, mode: "preview" | "import"): Promise<unknown> {
  const body = new FormData();
  body.set("file", file);
  body.set("mode", mode);
  const res = await fetch(ENDPOINT, { method: "POST", body });
  const json = (await res.json().catch(() => null)) as { data?: { description?: string; fields?: Record<string, string[]> | null } } | null;
  if (!res.ok) {
    const detail = Object.values(json?.data?.fields ?? {})[0]?.[0];
    throw new Error([json?.data?.description ?? res.statusText, detail].filter(Boolean).join(" "));
  }
  return json;
}

/**
 * "Import" on the user list: choose a CSV or XLSX file, see every row checked (errors first, in
 * the console's language), then import the valid rows or cancel. Nothing is written before the
 * confirmation; the server checks the file again when importing.
 */
/** The import dialog, open from the moment it is shown (users-view.tsx loads it when its button is first pressed); `onClose` once it has closed. */
export function UserImportDialog({ onImported, onClose }: { onImported: () => void; onClose: () => void }) {
  const t = useTranslations("user.import");
  const c = useTranslations("common");
  const { message } = useFeedback();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const seeded = useSeededText();
  const [open, setOpen] = useState(true);
  const [step, setStep] = useState<Step>({ kind: "choose" });

  const close = () => {
    if (step.kind === "checking" || step.kind === "importing") return;
    setOpen(false);
    setStep({ kind: "choose" });
  };

  const check = (file: File) => {
    if (file.size > MAX_BYTES) {
      void message.error(t("tooLarge"));
      return;
    }
    setStep({ kind: "checking", file });
    send(file, "preview").then(
      (preview) => setStep({ kind: "preview", file, preview: preview as ImportPreview }),
      (e: Error) => {
        void message.error(e.message);
        setStep({ kind: "choose" });
      },
    );
  };

  /** A large file's job, polled until it ends: its result, or back to the preview with the reason. */
  const follow = async (file: File, preview: ImportPreview, id: string) => {
    for (;;) {
      const job = await qc.fetchQuery({ ...trpc.user.importJob.queryOptions({ id }), staleTime: 0 });
      if (job.status === "done" && job.result) return job.result;
      if (job.status === "failed") throw new Error(job.error ?? t("jobFailed"));
      setStep({ kind: "importing", file, preview, job });
      await new Promise((r) => setTimeout(r, 700));
    }
  };

  const confirm = (file: File, preview: ImportPreview) => {
    setStep({ kind: "importing", file, preview });
    send(file, "import")
      .then((answer) => {
        const { result, job } = answer as { result: ImportResult | null; job: ImportJobView | null };
        return result ?? follow(file, preview, job!.id);
      })
      .then(
        (result) => {
          setStep({ kind: "done", result });
          onImported();
        },
        (e: Error) => {
          void message.error(e.message);
          setStep({ kind: "preview", file, preview });
        },
      );
  };

  const problems = (errors: RowError[]) =>
    errors.length ? (
      <Space orientation="vertical" size={0}>
        {errors.map((e, i) => (
          <Typography.Text key={i} type="danger">
            {e.column ? t("problem", { column: t(`columns.${e.column}`), message: e.message }) : e.message}
          </Typography.Text>
        ))}
      </Space>
    ) : (
      <Tag color="green">{t("ok")}</Tag>
    );

  const columns: TableProps<CheckedRow>["columns"] = [
    { title: t("line"), dataIndex: "line", key: "line", width: 70 },
    { title: t("columns.userName"), dataIndex: "userName", key: "userName", render: (v: string | null) => v ?? "—" },
    { title: t("columns.phone"), dataIndex: "phone", key: "phone", render: (v: string | null) => v ?? "—" },
    { title: t("columns.email"), dataIndex: "email", key: "email", render: (v: string | null) => v ?? "—" },
    {
      title: t("columns.roles"),
      dataIndex: "roles",
      key: "roles",
      render: (rs: string[]) => (rs.length ? rs.map((r) => <Tag key={r}>{seeded.roleLabel({ name: r })}</Tag>) : "—"),
    },
    {
      title: t("password"),
      key: "password",
      render: (_, r) => t(`passwordKinds.${r.password}`, { type: r.hashType ?? "" }),
    },
    { title: t("problems"), dataIndex: "errors", key: "errors", render: problems },
  ];

  const template = (format: "csv" | "xlsx") => (
    <Button icon={<DownloadOutlined />} href={`${ENDPOINT}?format=${format}`} download>
      {t(format === "csv" ? "templateCsv" : "templateXlsx")}
    </Button>
  );

  const body = () => {
    switch (step.kind) {
      case "choose":
        return (
          <Space orientation="vertical" style={{ width: "100%" }} size="middle">
            <Typography.Paragraph style={{ margin: 0 }}>{t("intro")}</Typography.Paragraph>
            <Space wrap>
              {template("xlsx")}
              {template("csv")}
            </Space>
            <Upload.Dragger
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              multiple={false}
              showUploadList={false}
              beforeUpload={(file) => {
                check(file);
                return Upload.LIST_IGNORE;
              }}
              data-testid="import-drop"
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{t("drop")}</p>
              <p className="ant-upload-hint">{t("dropHint")}</p>
            </Upload.Dragger>
          </Space>
        );
      case "checking":
        return <Alert type="info" showIcon icon={<Spin size="small" />} title={t("reading", { name: step.file.name })} role="status" />;
      case "preview":
      case "importing": {
        const p = step.preview;
        return (
          <Space orientation="vertical" style={{ width: "100%" }} size="middle" data-testid="import-preview">
            <Alert
              type={p.errorCount ? "warning" : "success"}
              showIcon
              title={t("summary", { total: p.total, ok: p.okCount, errors: p.errorCount })}
              description={
                <>
                  {p.unknownHeaders.length > 0 && <div>{t("unknownHeaders", { names: p.unknownHeaders.join(", ") })}</div>}
                  {p.rows.length < p.total && <div>{t("shown", { shown: p.rows.length, total: p.total })}</div>}
                  {p.okCount === 0 && <div>{t("noValid")}</div>}
                </>
              }
            />
            <Table<CheckedRow>
              size="small"
              rowKey="line"
              columns={columns}
              dataSource={p.rows}
              pagination={{ pageSize: 10, showSizeChanger: false }}
              scroll={{ x: 900 }}
              rowClassName={(r) => (r.errors.length ? "import-row-error" : "")}
            />
            {step.kind === "importing" && (
              <Space orientation="vertical" style={{ width: "100%" }} role="status" aria-live="polite" data-testid="import-progress">
                <Alert type="info" showIcon icon={<Spin size="small" />} title={t("importing", { total: p.okCount })} />
                {step.job && (
                  <Progress
                    percent={step.job.total ? Math.floor((step.job.done / step.job.total) * 100) : 0}
                    status="active"
                    format={() => t("progress", { done: step.job!.done, total: step.job!.total ?? p.total })}
                  />
                )}
              </Space>
            )}
          </Space>
        );
      }
      case "done": {
        const r = step.result;
        return (
          <Space orientation="vertical" style={{ width: "100%" }} size="middle" data-testid="import-done">
            <Alert type={r.failedCount ? "warning" : "success"} showIcon title={t("done", { created: r.created, failed: r.failedCount })} />
            {r.failed.length > 0 && (
              <Table
                size="small"
                rowKey="line"
                title={() => t("failedTitle")}
                dataSource={r.failed}
                pagination={{ pageSize: 10, showSizeChanger: false }}
                columns={[
                  { title: t("line"), dataIndex: "line", key: "line", width: 70 },
                  { title: t("problems"), dataIndex: "errors", key: "errors", render: problems },
                ]}
              />
            )}
          </Space>
        );
      }
    }
  };

  const footer = () => {
    switch (step.kind) {
      case "preview":
      case "importing":
        return [
          <Button key="cancel" onClick={close} disabled={step.kind === "importing"}>
            {c("cancel")}
          </Button>,
          <Button key="another" icon={<UploadOutlined />} onClick={() => setStep({ kind: "choose" })} disabled={step.kind === "importing"}>
            {t("another")}
          </Button>,
          <Button
            key="import"
            type="primary"
            disabled={step.preview.okCount === 0}
            loading={step.kind === "importing"}
            onClick={() => confirm(step.file, step.preview)}
          >
            {t("confirm", { ok: step.preview.okCount })}
          </Button>,
        ];
      case "done":
        return [
          <Button key="close" type="primary" onClick={close}>
            {t("close")}
          </Button>,
        ];
      default:
        return [
          <Button key="cancel" onClick={close} disabled={step.kind === "checking"}>
            {c("cancel")}
          </Button>,
        ];
    }
  };

  return (
    <>
      <Modal
        open={open}
        afterClose={onClose}
        title={t("title")}
        onCancel={close}
        footer={footer()}
        width={step.kind === "choose" || step.kind === "checking" ? 640 : 1000}
        destroyOnHidden
        maskClosable={false}
      >
        {body()}
      </Modal>
    </>
  );
}
