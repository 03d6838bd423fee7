import type { Metadata } from "next";
import { SessionsView } from "./sessions-view";

export const metadata: Metadata = { title: "Login sessions / 登录会话" };

export default function SessionsPage() {
  return <SessionsView />;
}
