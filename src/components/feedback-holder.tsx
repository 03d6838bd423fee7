"use client";

import { useEffect } from "react";
import { message, Modal, notification } from "antd";
import type { FeedbackApi } from "~/components/feedback";

/** antd's message, Modal and notification hooks and their holders: loaded by FeedbackProvider with the first call. */
export function FeedbackHolder({ onReady }: { onReady: (api: FeedbackApi) => void }) {
  const [messageApi, messageHolder] = message.useMessage();
  const [modalApi, modalHolder] = Modal.useModal();
  const [notificationApi, notificationHolder] = notification.useNotification();
  // After the holders are mounted: a call made now shows at once.
  useEffect(() => onReady({ message: messageApi, modal: modalApi, notification: notificationApi }), [onReady, messageApi, modalApi, notificationApi]);
  return (
    <>
      {modalHolder}
      {messageHolder}
      {notificationHolder}
    </>
  );
}
