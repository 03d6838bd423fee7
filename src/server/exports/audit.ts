import type { z } from "zod";
import { auditListInput, type AuditItem } from "~/lib/validators/audit";
import { listAudit } from "~/server/services/audit";
import { systemScope } from "~/server/services/scope";
import type { Exporter } from "~/server/exports/types";

const json = (v: unknown) => (v === null || v === undefined ? "" : JSON.stringify(v));

export const auditExporter: Exporter<AuditItem, z.output<typeof auditListInput>> = {
  permission: "uc.audit.get",
  filter: auditListInput,
  title: (t) => t("audit.title"),
  columns: (t) => [
    { header: t("audit.createdAt"), value: (r) => r.createdAt, width: 22 },
    { header: t("audit.tenant"), value: (r) => r.tenantName ?? r.tenantId, width: 16 },
    { header: t("audit.actor"), value: (r) => r.actorName ?? r.actorId, width: 16 },
    { header: t("audit.actorId"), value: (r) => r.actorId, width: 38 },
    { header: t("audit.action"), value: (r) => r.action, width: 18 },
    { header: t("audit.recordId"), value: (r) => r.recordId, width: 38 },
    { header: "IP", value: (r) => r.ip, width: 16 },
    { header: "User-Agent", value: (r) => r.userAgent, width: 30 },
    { header: t("audit.before"), value: (r) => json(r.before), width: 40 },
    { header: t("audit.after"), value: (r) => json(r.after), width: 40 },
  ],
  page: async (db, who, filter, cursor, take) => {
    const r = await listAudit(systemScope(db, who), { ...filter, cursor: cursor ?? undefined, skip: 0, take });
    return { total: r.total, items: r.items, next: r.nextCursor };
  },
};
