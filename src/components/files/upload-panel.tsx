"use client";

import { useFeedback } from "~/components/feedback";
import "@uploadthing/react/styles.css";
import { Form, Input, Segmented, Spin } from "antd";
import { Card } from "~/components/card";
import { CloudUploadOutlined } from "@ant-design/icons";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { fieldErrors } from "~/lib/validators/common";
import { todayFolder, uploadInput } from "~/lib/validators/file";
import type { Locale } from "~/lib/errors";
import { reportUploads, UploadDropzone, withInput } from "./uploadthing";

export const UPLOAD_KINDS = ["image", "video", "document"] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

/** The folder field checked with the very schema the upload route uses: an error message, or null. */
export function folderError(value: string, locale: Locale): string | null {
  const r = uploadInput.safeParse({ folderName: value });
  return r.success ? null : (Object.values(fieldErrors(r.error, locale))[0]?.[0] ?? null);
}

/**
 * Upload to the library: the kind picks the uploadthing route, the folder goes along as its
 * input. Files are chosen (or dropped), then sent with the dropzone's button; each file's result
 * is announced on its own, and `onUploaded` runs after every batch.
 */
export function UploadPanel({ onUploaded }: { onUploaded: () => unknown }) {
  const t = useTranslations("file");
  const locale = (useLocale() === "en" ? "en" : "zh-CN") as Locale;
  const { notification } = useFeedback();
  const [kind, setKind] = useState<UploadKind>("image");
  const [folder, setFolder] = useState("");
  const error = folderError(folder, locale);
  const today = todayFolder();

  return (
    <Card
      size="small"
      title={
        <>
          <CloudUploadOutlined /> {t("upload")}
        </>
      }
      style={{ height: "100%" }}
    >
      <Form layout="vertical" component="div">
        <div style={{ display: "flex", flexWrap: "wrap", gap: "0 24px" }}>
          <Form.Item label={t("kind")} style={{ marginBottom: 12 }}>
            <Segmented<UploadKind>
              aria-label={t("kind")}
              data-testid="upload-kind"
              value={kind}
              onChange={setKind}
              options={UPLOAD_KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))}
            />
          </Form.Item>
          <Form.Item
            label={t("folder")}
            htmlFor="upload-folder"
            validateStatus={error ? "error" : undefined}
            help={error ?? t("folderHelp", { today })}
            style={{ marginBottom: 12, flex: "1 1 220px", maxWidth: 360 }}
          >
            <Input
              id="upload-folder"
              data-testid="upload-folder"
              value={folder}
              placeholder={today}
              maxLength={40}
              allowClear
              onChange={(e) => setFolder(e.target.value)}
            />
          </Form.Item>
        </div>
      </Form>
      <div data-testid="upload-dropzone">
        <UploadDropzone
          key={kind}
          endpoint={kind}
          {...withInput({ folderName: folder.trim() || undefined })}
          // A bad folder name: nothing is sent until it is fixed (the error shows under the field).
          disabled={!!error}
          appearance={{
            container: { margin: 0, padding: "20px 16px", borderColor: "#d9d9d9", background: "#fafafa", cursor: error ? "not-allowed" : "pointer" },
            label: { width: "auto", color: error ? "rgba(0,0,0,0.45)" : "#1677ff" },
            allowedContent: { color: error ? "#ff4d4f" : "rgba(0,0,0,0.45)", height: "auto" },
            // Light until there is something to send (the button only sends; the label above chooses).
            button: ({ isUploading, files }) => ({
              width: "auto",
              minWidth: 144,
              padding: "0 16px",
              fontSize: 14,
              background: isUploading || !files.length || error ? "#91caff" : "#1677ff",
              cursor: files.length && !error ? "pointer" : "not-allowed",
            }),
          }}
          content={{
            label: ({ ready, isUploading }) => (!ready ? t("preparing") : isUploading ? t("dropLabelBusy") : t("dropLabel")),
            allowedContent: () => (error ? t("fixFolder") : t(`allowed.${kind}`)),
            button: ({ ready, isUploading, uploadProgress, files }) =>
              !ready ? (
                t("preparing")
              ) : isUploading ? (
                uploadProgress >= 100 ? (
                  <Spin size="small" />
                ) : (
                  `${Math.round(uploadProgress)}%`
                )
              ) : files.length ? (
                t("uploadCount", { count: files.length })
              ) : (
                t("chooseFiles")
              ),
          }}
          onClientUploadComplete={(res) => {
            reportUploads(res, notification, {
              uploaded: (name) => t("uploaded", { name }),
              refused: (name) => t("refused", { name }),
              failed: t("uploadFailed"),
            });
            void onUploaded();
          }}
          onUploadError={(e) => {
            notification.error({ title: t("uploadFailed"), description: e.message, placement: "bottomRight", duration: 0 });
            void onUploaded();
          }}
        />
      </div>
    </Card>
  );
}
