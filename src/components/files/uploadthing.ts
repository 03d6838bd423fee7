"use client";

import { generateUploadButton, generateUploadDropzone } from "@uploadthing/react";
import type { Feedback } from "~/components/feedback";
// Types only: the router itself is a server module.
import type { UcFileRouter, UploadResult } from "~/server/files/router";

/** The uploadthing components, typed by our file router and pointed at our own route. */
export const UploadDropzone = generateUploadDropzone<UcFileRouter>({ url: "/api/uploadthing" });
export const UploadButton = generateUploadButton<UcFileRouter>({ url: "/api/uploadthing" });

export type { UploadResult };

/**
 * The route input as a prop. uploadthing's typings only offer `input` when the route's input is
 * required, and ours is optional (programs may send none); the components pass it on either way.
 */
export const withInput = (input: { folderName?: string; userId?: string }) => ({ input }) as object;

/**
 * One notification per uploaded file: `serverData.file` is a success; `serverData.error` means
 * the bytes were refused by their content (the upload itself went through), shown as an error
 * naming the file. Returns the accepted files.
 */
export function reportUploads(
  res: readonly { name: string; serverData: UploadResult | null | undefined }[],
  notification: Feedback["notification"],
  text: { uploaded: (name: string) => string; refused: (name: string) => string; failed: string },
) {
  const accepted: Extract<UploadResult, { file: unknown }>["file"][] = [];
  for (const r of res) {
    const data = r.serverData;
    if (data && "file" in data) {
      accepted.push(data.file);
      notification.success({ title: text.uploaded(data.file.name), placement: "bottomRight", duration: 3 });
    } else {
      notification.error({
        title: text.refused(r.name),
        description: data && "error" in data ? data.error.message : text.failed,
        placement: "bottomRight",
        duration: 0,
      });
    }
  }
  return accepted;
}

/** 1536 → "1.5 KB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}
