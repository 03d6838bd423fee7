import type { z } from "zod";
import { auditListInput, type AuditItem } from "~/lib/validators/audit";
import { listAudit } from "~/server/services/audit";
import type { Exporter } from "~/server/exports/types";

const json = (v: unknown) => (v === null || v === undefined ? "" : JSON.stringify(v));

export const auditExporter: Exporter<AuditItem, z.output<typeof auditListInput>> = {
  permission: "uc.audit.get",
  filter: auditListInput,
  title: (l) => (l === "en" ? "audit-log" : "审计日志"),
  columns: (l) => {
    const en = l === "en";
    return [
      { header: en ? "Time" : "时间", value: (r) => r.createdAt, width: 22 },
      { header: en ? "Tenant" : "租户", value: (r) => r.tenantName ?? r.tenantId, width: 16 },
      { header: en ? "Actor" : "操作人", value: (r) => r.actorName ?? r.actorId, width: 16 },
      { header: en ? "Actor ID" : "操作人 ID", value: (r) => r.actorId, width: 38 },
      { header: en ? "Action" : "操作", value: (r) => r.action, width: 18 },
      { header: en ? "Record ID" : "记录 ID", value: (r) => r.recordId, width: 38 },
      { header: "IP", value: (r) => r.ip, width: 16 },
      { header: "User-Agent", value: (r) => r.userAgent, width: 30 },
      { header: en ? "Before" : "变更前", value: (r) => json(r.before), width: 40 },
      { header: en ? "After" : "变更后", value: (r) => json(r.after), width: 40 },
    ];
  },
  page: async (db, who, filter, cursor, take) => {
    const r = await listAudit(db, who, { ...filter, cursor: cursor ?? undefined, skip: 0, take });
    return { total: r.total, items: r.items, next: r.nextCursor };
  },
};
