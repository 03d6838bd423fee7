import type { Metadata } from "next";
import { AuditView } from "./audit-view";

export const metadata: Metadata = { title: "Audit log / 审计日志" };

export default function AuditPage() {
  return <AuditView />;
}
