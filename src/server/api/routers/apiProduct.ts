import { z } from "zod";
import { createTRPCRouter, errorCodesProcedure, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
import { apiProductCreateInput, apiProductItem, apiProductListInput, apiProductUpdateInput, productVersion } from "~/lib/validators/api-product";
import { decideSubscriptionInput, productSubscriptionItem, productSubscriptionListInput } from "~/lib/validators/product-subscription";
import * as svc from "~/server/services/api-products";
import * as subs from "~/server/services/product-subscriptions";

const tags = ["apiproduct"];

/** API products (产品包): bundles of API versions offered for subscription. */
export const apiProductRouter = createTRPCRouter({
  errorCodes: errorCodesProcedure("/api-products/error-codes", tags, ["publish"]),

  versionOptions: requirePermission("uc.apiproduct.get")
    .meta({ openapi: { method: "GET", path: "/api-products/version-options", tags, protect: true, summary: "The versions a product may bundle" } })
    .input(z.object({ tenantId: z.uuid().optional() }))
    .output(z.array(productVersion))
    .query(({ ctx, input }) => svc.versionOptions(ctx, input.tenantId)),

  list: requirePermission("uc.apiproduct.get")
    .meta({ openapi: { method: "GET", path: "/api-products", tags, protect: true, summary: "List API products" } })
    .input(apiProductListInput)
    .output(listOutput(apiProductItem))
    .query(({ ctx, input }) => svc.listProducts(ctx, input)),

  detail: requirePermission("uc.apiproduct.detail")
    .meta({ openapi: { method: "GET", path: "/api-products/{id}", tags, protect: true, summary: "API product detail" } })
    .input(idInput)
    .output(apiProductItem)
    .query(({ ctx, input }) => svc.getProduct(ctx, input.id)),

  create: requirePermission("uc.apiproduct.post")
    .meta({ openapi: { method: "POST", path: "/api-products", tags, protect: true, summary: "Create an API product" } })
    .input(apiProductCreateInput)
    .output(apiProductItem)
    .mutation(({ ctx, input }) => svc.createProduct(ctx, input)),

  update: requirePermission("uc.apiproduct.put")
    .meta({ openapi: { method: "PUT", path: "/api-products/{id}", tags, protect: true, summary: "Update an API product" } })
    .input(apiProductUpdateInput)
    .output(apiProductItem)
    .mutation(({ ctx, input }) => svc.updateProduct(ctx, input)),

  delete: requirePermission("uc.apiproduct.delete")
    .meta({ openapi: { method: "DELETE", path: "/api-products/{id}", tags, protect: true, summary: "Delete an API product" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => svc.deleteProduct(ctx, input.id)),

  subscriptions: requirePermission("uc.apiproduct.subscriptions")
    .meta({ openapi: { method: "GET", path: "/api-products/{id}/subscriptions", tags, protect: true, summary: "A product's subscriptions, pending first" } })
    .input(productSubscriptionListInput)
    .output(listOutput(productSubscriptionItem))
    .query(({ ctx, input }) => subs.listProductSubscriptions(ctx, input)),

  approveSubscription: requirePermission("uc.apiproduct.approve")
    .meta({ openapi: { method: "POST", path: "/api-products/subscriptions/{id}/approve", tags, protect: true, summary: "Approve a pending subscription" } })
    .input(decideSubscriptionInput)
    .output(productSubscriptionItem)
    .mutation(({ ctx, input }) => subs.approveSubscription(ctx, input)),

  rejectSubscription: requirePermission("uc.apiproduct.approve")
    .meta({ openapi: { method: "POST", path: "/api-products/subscriptions/{id}/reject", tags, protect: true, summary: "Reject a pending subscription" } })
    .input(decideSubscriptionInput)
    .output(productSubscriptionItem)
    .mutation(({ ctx, input }) => subs.rejectSubscription(ctx, input)),

  revokeSubscription: requirePermission("uc.apiproduct.revoke")
    .meta({
      openapi: {
        method: "POST",
        path: "/api-products/subscriptions/{id}/revoke",
        tags,
        protect: true,
        summary: "Revoke an active subscription (its client is disabled at once)",
      },
    })
    .input(decideSubscriptionInput)
    .output(productSubscriptionItem)
    .mutation(({ ctx, input }) => subs.revokeSubscription(ctx, input)),
});
