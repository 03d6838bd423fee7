import type { Metadata } from "next";
import { MessageTemplatesView } from "./message-templates-view";

export const metadata: Metadata = { title: "Message templates / 消息模板" };

export default function MessageTemplatesPage() {
  return <MessageTemplatesView />;
}
