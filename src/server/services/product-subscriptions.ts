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
 * One open (pending or active) subscription per user and product: ApiSubscription.open and its
 * unique index (300041). A subscription of another user, or of another tenant, is not found (300040).
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
async function productScopes(db: DbClient, tenantId: string, versionIds: string[]): Promise<string[]> {
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
    .catch((e: unknown) => {
      if (isUniqueViolation(e)) throw new AppError(300041);
      throw e;
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
