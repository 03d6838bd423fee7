import { z } from "zod";
import { createTRPCRouter, publicTenantProcedure } from "~/server/api/trpc";
import { idInput } from "~/lib/validators/common";
import { portalApi, portalApiDetail, portalDocument, portalDocumentInput } from "~/lib/validators/portal";
import * as svc from "~/server/services/portal";

const tags = ["portal"];

/** The developer portal: anyone on the tenant's host reads what it published (no sign-in). */
export const portalRouter = createTRPCRouter({
  apis: publicTenantProcedure
    .meta({ openapi: { method: "GET", path: "/portal/apis", tags, summary: "The tenant's published APIs" } })
    .input(z.object({}).optional())
    .output(z.array(portalApi))
    .query(({ ctx }) => svc.portalApis(ctx.db, ctx.tenant.id)),

  api: publicTenantProcedure
    .meta({ openapi: { method: "GET", path: "/portal/apis/{id}", tags, summary: "A published API with its versions, products and release history" } })
    .input(idInput)
    .output(portalApiDetail)
    .query(({ ctx, input }) => svc.portalApi(ctx.db, ctx.tenant.id, input.id)),

  document: publicTenantProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/portal/versions/{versionId}/document",
        tags,
        summary: "A published version's OpenAPI document (online, or a revision it released)",
      },
    })
    .input(portalDocumentInput)
    .output(portalDocument)
    .query(({ ctx, input }) => svc.portalDocument(ctx.db, ctx.tenant.id, input.versionId, input.revisionId)),
});
