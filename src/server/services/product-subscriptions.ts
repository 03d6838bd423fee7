/**
 * Subscriptions to API products (developer portal): a signed-in user of the host's tenant
 * subscribes to a published product and is issued a machine OAuth client of their own
 * (client_credentials only) whose scopes are the product's: for each API the product bundles,
 * the scopes its publish configuration names, else the API resource's scopes. The secret is in
 * the answer only (stored hashed, client.ts). A product that asks for approval gets a pending
 * subscription whose client is disabled until an administrator approves it; a rejected or
 * cancelled subscription's client is deleted, so neither the token endpoint nor the gateway
 * (which checks the client on every call) accepts it any more.
 *
 * An administrator may revoke an active subscription: its client is disabled (not deleted), so the
 * token endpoint and the gateway refuse it from the next request on, and the subscriber sees it as
 * revoked. A revoked subscription keeps its open slot: its subscriber cannot simply subscribe to the
 * product again (300050).
 *
 * The scopes of a subscription's client follow its product: when the product's versions change, or
 * the publish configuration or the scopes of an API it bundles, `syncSubscriptionScopes` gives every
 * open subscription's client the product's new scope set in the same transaction.
 *
 * One open (pending, active or revoked) subscription per user and product: ApiSubscription.open and
 * its unique index (300041). A subscription of another user, or of another tenant, is not found (300040).
 */
import type { z } from "zod";
import type { Prisma } from "~/generated/prisma/client";
import type { DbClient } from "~/server/db";
import { AppError, isUniqueViolation } from "~/server/errors";
import { auditActor, writeAudit } from "~/server/services/audit";
import { tenantWhere, type Scope } from "~/server/services/scope";
import { newClientId, replaceSecrets } from "~/server/services/client";
import type {
  IssuedKey,
  MySubscription,
  ProductSubscriptionItem,
  decideSubscriptionInput,
  productSubscriptionListInput,
} from "~/lib/validators/product-subscription";

const select = {
  id: true,
  tenantId: true,
  status: true,
  createdAt: true,
  decidedAt: true,
  decidedBy: true,
  note: true,
  userId: true,
  clientId: true,
  product: { select: { id: true, name: true, displayName: true, requestLimit: true } },
  client: { select: { clientId: true, scopes: true } },
} satisfies Prisma.ApiSubscriptionSelect;
type Row = Prisma.ApiSubscriptionGetPayload<{ select: typeof select }>;

const toMine = (r: Row): MySubscription => ({
  id: r.id,
  status: r.status,
  product: r.product,
  clientId: r.client?.clientId ?? null,
  scopes: r.client?.scopes ?? [],
  createdAt: r.createdAt,
  decidedAt: r.decidedAt,
  note: r.note,
});

/** The portal's caller must be a user of the host's tenant (an operator visiting another tenant's portal is not its developer). */
function subscriber(scope: Scope) {
  if (scope.actor.tenantId !== scope.tenant.id || scope.actor.client) throw new AppError(300042);
  return { tenantId: scope.tenant.id, userId: scope.actor.userId };
}

/** The scopes a product grants: per bundled API, its publish configuration's scopes, else all of the API resource's. */
export async function productScopes(db: DbClient, tenantId: string, versionIds: string[]): Promise<string[]> {
  if (!versionIds.length) return [];
  const versions = await db.apiVersion.findMany({
    where: { tenantId, id: { in: versionIds } },
    select: { apiResource: { select: { id: true, scopes: true, publishConfig: { select: { scopes: true } } } } },
  });
  const scopes = new Set<string>();
  for (const { apiResource: r } of versions) for (const s of r.publishConfig?.scopes.length ? r.publishConfig.scopes : r.scopes) scopes.add(s);
  return [...scopes];
}

const displayName = (scope: Scope) => scope.actor.nickname || scope.actor.userName || scope.actor.displayName || scope.actor.userId;

export async function subscribeProduct(scope: Scope, productId: string): Promise<IssuedKey> {
  const { tenantId, userId } = subscriber(scope);
  const product = await scope.db.apiProduct.findFirst({
    where: { id: productId, tenantId, published: true },
    select: { id: true, name: true, displayName: true, approvalRequired: true, versionIds: true },
  });
  if (!product) throw new AppError(300042);
  const scopes = await productScopes(scope.db, tenantId, product.versionIds);
  if (!scopes.length) throw new AppError(300044);
  const status = product.approvalRequired ? "pending" : "active";
  return scope.db
    .$transaction(async (tx) => {
      const client = await tx.oAuthClient.create({
        data: {
          tenantId,
          clientId: newClientId(),
          name: `${product.displayName || product.name} — ${displayName(scope)}`.slice(0, 100),
          clientType: "machine",
          grantTypes: ["client_credentials"],
          tokenEndpointAuthMethod: "client_secret_basic",
          scopes,
          redirectUris: [],
          corsOrigins: [],
          consentRequired: false,
          enabled: status === "active",
          ownerId: userId,
        },
        select: { id: true, clientId: true },
      });
      const secret = await replaceSecrets(tx, client.id);
      const row = await tx.apiSubscription.create({
        data: { tenantId, productId: product.id, userId, clientId: client.id, status, ...(status === "active" ? { decidedAt: new Date() } : {}) },
        select,
      });
      const mine = toMine(row);
      await writeAudit(tx, auditActor(scope, tenantId), "apisubscription.create", row.id, undefined, mine);
      return { subscription: mine, clientId: client.clientId, clientSecret: secret.secret };
    })
    .catch(async (e: unknown) => {
      if (!isUniqueViolation(e)) throw e;
      const revoked = await scope.db.apiSubscription.count({ where: { productId: product.id, userId, status: "revoked", open: true } });
      throw new AppError(revoked ? 300050 : 300041);
    });
}

export async function mySubscriptions(scope: Scope): Promise<MySubscription[]> {
  if (scope.actor.tenantId !== scope.tenant.id) return [];
  const rows = await scope.db.apiSubscription.findMany({
    where: { tenantId: scope.tenant.id, userId: scope.actor.userId },
    select,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 200,
  });
  return rows.map(toMine);
}

async function findMine(db: DbClient, scope: Scope, id: string): Promise<Row> {
  const { tenantId, userId } = subscriber(scope);
  const row = await db.apiSubscription.findFirst({ where: { id, tenantId, userId }, select });
  if (!row) throw new AppError(300040);
  return row;
}

/** A new secret for the subscription's client, every earlier one revoked at once. */
export async function rotateSubscriptionKey(scope: Scope, id: string): Promise<IssuedKey> {
  return scope.db.$transaction(async (tx) => {
    const row = await findMine(tx, scope, id);
    if ((row.status !== "active" && row.status !== "pending") || !row.clientId || !row.client) throw new AppError(300043);
    const secret = await replaceSecrets(tx, row.clientId);
    await writeAudit(tx, auditActor(scope, row.tenantId), "apisubscription.rotatekey", row.id, undefined, { clientId: row.client.clientId, hint: secret.hint });
    return { subscription: toMine(row), clientId: row.client.clientId, clientSecret: secret.secret };
  });
}

/** Ends a subscription: its client is deleted (with its secrets), so its tokens stop at the gateway's next check. */
async function close(tx: DbClient, scope: Scope, row: Row, status: "rejected" | "cancelled", note: string | null | undefined) {
  if (row.clientId) await tx.oAuthClient.delete({ where: { id: row.clientId } });
  const after = await tx.apiSubscription.update({
    where: { id: row.id },
    data: { status, open: null, decidedAt: new Date(), decidedBy: scope.actor.userId, ...(note === undefined ? {} : { note: note || null }) },
    select,
  });
  return after;
}

export async function cancelSubscription(scope: Scope, id: string): Promise<MySubscription> {
  return scope.db.$transaction(async (tx) => {
    const row = await findMine(tx, scope, id);
    if (row.status !== "active" && row.status !== "pending") throw new AppError(300043);
    const after = toMine(await close(tx, scope, row, "cancelled", undefined));
    await writeAudit(tx, auditActor(scope, row.tenantId), "apisubscription.cancel", row.id, toMine(row), after);
    return after;
  });
}

// --- The console: a product's subscriptions, approve / reject ---------------------------------

const toItem = (r: Row & { user: ProductSubscriptionItem["user"] }): ProductSubscriptionItem => ({
  ...toMine(r),
  tenantId: r.tenantId,
  user: r.user,
  decidedBy: r.decidedBy,
});
const consoleSelect = { ...select, user: { select: { id: true, userName: true, nickname: true, email: true } } } satisfies Prisma.ApiSubscriptionSelect;

/** A product's subscriptions, pending first (the enum's order), newest first within a status. */
export async function listProductSubscriptions(scope: Scope, input: z.output<typeof productSubscriptionListInput>) {
  const product = await scope.db.apiProduct.findFirst({ where: { id: input.id, ...tenantWhere(scope) }, select: { id: true } });
  if (!product) throw new AppError(300022);
  const where: Prisma.ApiSubscriptionWhereInput = { productId: product.id, ...(input.status ? { status: input.status } : {}) };
  const [total, rows] = await Promise.all([
    scope.db.apiSubscription.count({ where }),
    scope.db.apiSubscription.findMany({
      where,
      select: consoleSelect,
      orderBy: [{ status: "asc" }, { createdAt: input.asc ? "asc" : "desc" }, { id: "asc" }],
      skip: input.skip,
      take: input.take,
    }),
  ]);
  return { total, items: rows.map(toItem) };
}

async function findForDecision(tx: DbClient, scope: Scope, id: string) {
  const row = await tx.apiSubscription.findFirst({ where: { id, ...tenantWhere(scope) }, select: consoleSelect });
  if (!row) throw new AppError(300040);
  if (row.status !== "pending") throw new AppError(300043);
  return row;
}

/** Approves a pending subscription: its client is enabled and may get tokens from now on. */
export async function approveSubscription(scope: Scope, input: z.output<typeof decideSubscriptionInput>): Promise<ProductSubscriptionItem> {
  return scope.db.$transaction(async (tx) => {
    const before = await findForDecision(tx, scope, input.id);
    if (before.clientId) await tx.oAuthClient.update({ where: { id: before.clientId }, data: { enabled: true } });
    const after = await tx.apiSubscription.update({
      where: { id: before.id },
      data: { status: "active", decidedAt: new Date(), decidedBy: scope.actor.userId, note: input.note || null },
      select: consoleSelect,
    });
    await writeAudit(tx, auditActor(scope, before.tenantId), "apisubscription.approve", before.id, toItem(before), toItem(after));
    return toItem(after);
  });
}

/**
 * Revokes an active subscription: its client is disabled at once (the gateway checks the client on
 * every call, the token endpoint on every request), kept with its id so the subscriber and the
 * console still see which key it was. The subscription keeps its open slot (see the file's comment).
 */
export async function revokeSubscription(scope: Scope, input: z.output<typeof decideSubscriptionInput>): Promise<ProductSubscriptionItem> {
  return scope.db.$transaction(async (tx) => {
    const before = await tx.apiSubscription.findFirst({ where: { id: input.id, ...tenantWhere(scope) }, select: consoleSelect });
    if (!before) throw new AppError(300040);
    if (before.status !== "active") throw new AppError(300043);
    if (before.clientId) await tx.oAuthClient.update({ where: { id: before.clientId }, data: { enabled: false } });
    const after = await tx.apiSubscription.update({
      where: { id: before.id },
      data: { status: "revoked", decidedAt: new Date(), decidedBy: scope.actor.userId, note: input.note || null },
      select: consoleSelect,
    });
    await writeAudit(tx, auditActor(scope, before.tenantId), "apisubscription.revoke", before.id, toItem(before), toItem(after));
    return toItem(after);
  });
}

/**
 * Gives the clients of the open subscriptions to `productIds` (of `tenantId`) the scopes their
 * product grants now (productScopes), inside the caller's transaction: a token issued after the
 * change carries the new set, and a removed scope is neither issued nor accepted by the gateway
 * (it checks the client's current scopes). One audit row per product whose set changed.
 */
export async function syncSubscriptionScopes(tx: DbClient, scope: Scope, tenantId: string, productIds: string[]): Promise<void> {
  if (!productIds.length) return;
  const products = await tx.apiProduct.findMany({ where: { tenantId, id: { in: productIds } }, select: { id: true, versionIds: true } });
  for (const p of products) {
    const clients = await tx.oAuthClient.findMany({
      where: { tenantId, subscription: { is: { productId: p.id, open: true } } },
      select: { id: true, scopes: true },
    });
    if (!clients.length) continue;
    const scopes = await productScopes(tx, tenantId, p.versionIds);
    const stale = clients.filter((c) => c.scopes.length !== scopes.length || c.scopes.some((s) => !scopes.includes(s)));
    if (!stale.length) continue;
    await tx.oAuthClient.updateMany({ where: { id: { in: stale.map((c) => c.id) } }, data: { scopes } });
    await writeAudit(tx, auditActor(scope, tenantId), "apiproduct.subscriptionscopes", p.id, { scopes: stale[0]!.scopes }, { scopes, clients: stale.length });
  }
}

/** The products of `tenantId` that bundle a version of API resource `apiResourceId`. */
export async function productsBundling(tx: DbClient, tenantId: string, apiResourceId: string): Promise<string[]> {
  const versions = await tx.apiVersion.findMany({ where: { tenantId, apiResourceId }, select: { id: true } });
  if (!versions.length) return [];
  const rows = await tx.apiProduct.findMany({ where: { tenantId, versionIds: { hasSome: versions.map((v) => v.id) } }, select: { id: true } });
  return rows.map((r) => r.id);
}

/** Rejects a pending subscription: its (never enabled) client is deleted. */
export async function rejectSubscription(scope: Scope, input: z.output<typeof decideSubscriptionInput>): Promise<ProductSubscriptionItem> {
  return scope.db.$transaction(async (tx) => {
    const before = await findForDecision(tx, scope, input.id);
    await close(tx, scope, before, "rejected", input.note);
    const after = await tx.apiSubscription.findUniqueOrThrow({ where: { id: before.id }, select: consoleSelect });
    await writeAudit(tx, auditActor(scope, before.tenantId), "apisubscription.reject", before.id, toItem(before), toItem(after));
    return toItem(after);
  });
}
