import { z } from "zod";
import { createTRPCRouter, publicTenantProcedure, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
import { subscribeInput, subscriberItem, subscriberListInput, subscriptionTokenInput } from "~/lib/validators/api-subscription";
import * as svc from "~/server/services/api-subscriptions";

const tags = ["apisubscription"];

/**
 * Subscribers to an API's release emails: anyone subscribes by email on the tenant's host and
 * confirms or unsubscribes through signed links (the one-click POST of the release emails is
 * src/app/api/subscriptions/[action]/route.ts); the API's managers list and remove them.
 */
export const apiSubscriptionRouter = createTRPCRouter({
  subscribe: publicTenantProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/api-resources/{id}/subscribers",
        tags,
        summary: "Subscribe an email address to an API's releases (a confirmation email is sent)",
      },
    })
    .input(subscribeInput)
    .output(z.object({ sent: z.literal(true) }))
    .mutation(({ ctx, input }) => svc.subscribe(ctx, input)),

  confirm: publicTenantProcedure
    .meta({ openapi: { method: "POST", path: "/subscriptions/confirm", tags, summary: "Confirm a subscription with the signed link's token" } })
    .input(subscriptionTokenInput)
    .output(z.object({ email: z.string(), api: z.string() }))
    .mutation(({ ctx, input }) => svc.confirmSubscription(ctx, input.t)),

  unsubscribe: publicTenantProcedure
    .meta({ openapi: { method: "POST", path: "/subscriptions/unsubscribe", tags, summary: "Unsubscribe with the signed link's token" } })
    .input(subscriptionTokenInput)
    .output(z.object({ unsubscribed: z.literal(true) }))
    .mutation(({ ctx, input }) => svc.unsubscribe(ctx, input.t)),

  list: requirePermission("uc.apiresource.subscriptions")
    .meta({ openapi: { method: "GET", path: "/api-resources/{id}/subscribers", tags, protect: true, summary: "List an API's subscribers" } })
    .input(subscriberListInput)
    .output(listOutput(subscriberItem))
    .query(({ ctx, input }) => svc.listSubscribers(ctx, input)),

  remove: requirePermission("uc.apiresource.deletesubscription")
    .meta({ openapi: { method: "DELETE", path: "/api-subscribers/{id}", tags, protect: true, summary: "Remove a subscriber" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => svc.removeSubscriber(ctx, input.id)),
});
