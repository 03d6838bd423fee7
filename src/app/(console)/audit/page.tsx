import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { auditInput } from "./list-input";
import { AuditView } from "./audit-view";

export const metadata: Metadata = { title: "Audit log / 审计日志" };

export default prefetchedPage(AuditView, (trpc, url) => [trpc.audit.list.queryOptions(auditInput(url).input), trpc.me.get.queryOptions()]);
