import { z } from "zod";
import { createTRPCRouter, publicTenantProcedure, requirePermission } from "~/server/api/trpc";
import { idInput } from "~/lib/validators/common";
import { portalApi, portalApiDetail, portalDocument, portalDocumentInput } from "~/lib/validators/portal";
import { issuedKey, mySubscription, subscribeProductInput } from "~/lib/validators/product-subscription";
import * as svc from "~/server/services/portal";
import * as subs from "~/server/services/product-subscriptions";

const tags = ["portal"];

/**
 * The developer portal: anyone on the tenant's host reads what it published (no sign-in); a
 * signed-in user of the tenant, whatever their role, subscribes to its products (their own
 * account's rights, `uc.me.*`, which no client token holds).
 */
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

  subscribeProduct: requirePermission("uc.me.put")
    .meta({
      openapi: {
        method: "POST",
        path: "/portal/subscriptions",
        tags,
        protect: true,
        summary: "Subscribe to a published product (the client secret is shown once)",
      },
    })
    .input(subscribeProductInput)
    .output(issuedKey)
    .mutation(({ ctx, input }) => subs.subscribeProduct(ctx, input.productId)),

  mySubscriptions: requirePermission("uc.me.detail")
    .meta({ openapi: { method: "GET", path: "/portal/subscriptions", tags, protect: true, summary: "My product subscriptions" } })
    .input(z.object({}).optional())
    .output(z.array(mySubscription))
    .query(({ ctx }) => subs.mySubscriptions(ctx)),

  rotateSubscriptionKey: requirePermission("uc.me.put")
    .meta({
      openapi: {
        method: "POST",
        path: "/portal/subscriptions/{id}/rotate-key",
        tags,
        protect: true,
        summary: "A new client secret (shown once); the old ones stop working",
      },
    })
    .input(idInput)
    .output(issuedKey)
    .mutation(({ ctx, input }) => subs.rotateSubscriptionKey(ctx, input.id)),

  cancelSubscription: requirePermission("uc.me.put")
    .meta({ openapi: { method: "DELETE", path: "/portal/subscriptions/{id}", tags, protect: true, summary: "Cancel a subscription (its client is deleted)" } })
    .input(idInput)
    .output(mySubscription)
    .mutation(({ ctx, input }) => subs.cancelSubscription(ctx, input.id)),
});
