import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { auditListInput, auditListOutput } from "~/lib/validators/audit";
import { listAudit } from "~/server/services/audit";

export const auditRouter = createTRPCRouter({
  list: requirePermission("uc.audit.get")
    .meta({
      openapi: { method: "GET", path: "/audit", tags: ["audit"], protect: true, summary: "Audit log, newest first (operators: every tenant)" },
    })
    .input(auditListInput)
    .output(auditListOutput)
    .query(({ ctx, input }) => listAudit(ctx, input)),
});
