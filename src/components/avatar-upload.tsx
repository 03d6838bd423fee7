"use client";

import { useFeedback } from "~/components/feedback";
import "@uploadthing/react/styles.css";
import { Avatar, Space, Spin } from "antd";
import { UserOutlined } from "@ant-design/icons";
import { useTranslations } from "next-intl";
import { reportUploads, UploadButton, withInput } from "~/components/files/uploadthing";

/**
 * The current avatar and a button to replace it (the `avatar` upload route). Without `userId`
 * it is the caller's own; with it, an administrator sets that user's. A refused image shows the
 * server's message; after a success `onChanged` refreshes whatever shows the avatar.
 */
export function AvatarUpload({
  src,
  userId,
  onChanged,
  size = 64,
}: {
  src: string | null | undefined;
  userId?: string;
  onChanged: (url: string) => unknown;
  size?: number;
}) {
  const t = useTranslations("file");
  const { notification } = useFeedback();
  return (
    <Space size="middle" align="center" data-testid="avatar-upload">
      <Avatar size={size} src={src || undefined} icon={<UserOutlined />} alt={t("avatar.label")} data-testid="avatar-image" />
      <UploadButton
        endpoint="avatar"
        {...withInput(userId ? { userId } : {})}
        appearance={{
          container: { alignItems: "flex-start" },
          button: ({ isUploading }) => ({ width: "auto", height: 32, padding: "0 15px", fontSize: 14, background: isUploading ? "#69b1ff" : "#1677ff" }),
          allowedContent: { color: "rgba(0,0,0,0.45)", height: "auto" },
        }}
        content={{
          button: ({ ready, isUploading, uploadProgress }) =>
            !ready ? t("preparing") : isUploading ? uploadProgress >= 100 ? <Spin size="small" /> : `${Math.round(uploadProgress)}%` : t("avatar.change"),
          allowedContent: () => t("avatar.hint"),
        }}
        onClientUploadComplete={(res) => {
          const [file] = reportUploads(res, notification, {
            uploaded: () => t("avatar.changed"),
            refused: (name) => t("refused", { name }),
            failed: t("uploadFailed"),
          });
          if (file) void onChanged(file.url);
        }}
        onUploadError={(e) => void notification.error({ title: t("uploadFailed"), description: e.message, placement: "bottomRight", duration: 0 })}
      />
    </Space>
  );
}
