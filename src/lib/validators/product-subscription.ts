/** Subscriptions to API products: the portal's (a user's own) and the console's (approve / reject). */
import { z } from "zod";
import { listInput, multiLineText } from "~/lib/validators/common";

export const SUBSCRIPTION_STATUSES = ["pending", "active", "revoked", "rejected", "cancelled"] as const;
export const subscriptionStatus = z.enum(SUBSCRIPTION_STATUSES);
export type SubscriptionStatus = z.infer<typeof subscriptionStatus>;

export const subscribeProductInput = z.object({ productId: z.uuid() });

/** A subscription as its subscriber sees it. */
export const mySubscription = z.object({
  id: z.uuid(),
  status: subscriptionStatus,
  product: z.object({ id: z.uuid(), name: z.string(), displayName: z.string().nullable(), requestLimit: z.number().int().nullable() }),
  /** The issued client's public client_id (null once the client is gone). */
  clientId: z.string().nullable(),
  scopes: z.array(z.string()),
  createdAt: z.date(),
  decidedAt: z.date().nullable(),
  note: z.string().nullable(),
});
export type MySubscription = z.infer<typeof mySubscription>;

/** What subscribing and rotating answer: the secret, shown this once and never again. */
export const issuedKey = z.object({ subscription: mySubscription, clientId: z.string(), clientSecret: z.string() });
export type IssuedKey = z.infer<typeof issuedKey>;

/** A product's subscription as the console lists it. */
export const productSubscriptionItem = mySubscription.extend({
  tenantId: z.uuid(),
  user: z.object({ id: z.uuid(), userName: z.string().nullable(), nickname: z.string().nullable(), email: z.string().nullable() }),
  decidedBy: z.uuid().nullable(),
});
export type ProductSubscriptionItem = z.infer<typeof productSubscriptionItem>;

export const productSubscriptionListInput = listInput.extend({ id: z.uuid(), status: subscriptionStatus.optional() });
export type ProductSubscriptionListInput = z.input<typeof productSubscriptionListInput>;

export const decideSubscriptionInput = z.object({ id: z.uuid(), note: multiLineText().trim().max(500).nullish() });
