/**
 * Subscribers to an API's releases: anyone may give an email address on the tenant's host; a
 * confirmation email carries a signed link that expires in 30 minutes; every release email to a
 * confirmed subscriber carries a signed one-click unsubscribe link (RFC 8058 headers too).
 *
 * A link's token is `<subscriber id>.<expiry, unix seconds>.<MAC>`, the MAC an HMAC-SHA256 (a
 * key derived from the server's auth secret) over the link's purpose, the id and the expiry:
 * nothing in it can be changed, nor a token made from an email address (the original's
 * unsubscribe link was base64 of the address). The subscriber is then looked up in the host's
 * tenant only, so a link works on the tenant it was sent for and nowhere else.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { Db, DbClient } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import type { PublicTenantCtx } from "~/server/api/trpc";
import { AppError } from "~/server/errors";
import { getSecrets } from "~/server/secrets";
import { translator } from "~/i18n/catalog";
import type { Locale } from "~/lib/errors";
import { msg } from "~/lib/validators/common";
import type { Changelog } from "~/lib/validators/api-publish";
import { changelog } from "~/lib/validators/api-publish";
import type { SubscriberItem, subscribeInput, subscriberListInput } from "~/lib/validators/api-subscription";
import { createMessenger, messagingConfig, type EmailMessage } from "~/server/messaging";
import { tenantSettings } from "~/server/services/tenant-settings";
import { countInWindow, ipBucket } from "~/server/security/throttle";
import { auditActor, writeAudit } from "~/server/services/audit";
import { findResource } from "~/server/services/api-resources";
import type { Scope } from "~/server/services/scope";
import { enqueueJob, type JobKind } from "~/server/jobs/job";

export const SUBSCRIPTION_RULES = {
  confirmTtlMs: 30 * 60_000,
  unsubscribeTtlMs: 365 * 86_400_000,
  /** One confirmation email a minute per address and API. */
  resendAfterMs: 60_000,
  /** Per address (whatever API of the tenant) and per IP bucket, in an hour. */
  perAddressHour: 5,
  perIpHour: 20,
};
const HOUR = 3_600_000;

// --- signed links ----------------------------------------------------------------------------

export type LinkPurpose = "confirm" | "unsubscribe";

const linkKey = () => createHmac("sha256", getSecrets().authSecret).update("uc:api-subscription-link").digest();
const linkMac = (purpose: LinkPurpose, id: string, exp: number) => createHmac("sha256", linkKey()).update(`${purpose}\n${id}\n${exp}`).digest();

/** A signed token for `purpose` on subscriber `id`, good until `expiresAt`. */
export function signLink(purpose: LinkPurpose, id: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${id}.${exp}.${linkMac(purpose, id, exp).toString("base64url")}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The subscriber a token names, checked (MAC first, then the expiry); refused with 300003 and why. */
export function readLink(purpose: LinkPurpose, token: string, now = new Date()): string {
  const [id = "", expText = "", macText = "", ...rest] = token.trim().split(".");
  const exp = /^\d{1,12}$/.test(expText) ? Number(expText) : NaN;
  const given = Buffer.from(macText, "base64url");
  const ok = !rest.length && UUID_RE.test(id) && Number.isSafeInteger(exp) && given.length === 32 && timingSafeEqual(given, linkMac(purpose, id, exp));
  if (!ok) throw new AppError(300003, { t: [msg("subscriptionLinkInvalid")] });
  if (exp * 1000 < now.getTime()) throw new AppError(300003, { t: [msg("subscriptionLinkExpired")] });
  return id;
}

/** The addresses a subscriber's emails link to: the confirm page, the unsubscribe page and the one-click POST endpoint. */
export const subscriptionLinks = (origin: string, token: string) => ({
  confirm: `${origin}/subscriptions/confirm?t=${encodeURIComponent(token)}`,
  unsubscribe: `${origin}/subscriptions/unsubscribe?t=${encodeURIComponent(token)}`,
  oneClick: `${origin}/api/subscriptions/unsubscribe?t=${encodeURIComponent(token)}`,
});

const text = (locale: string) => translator(locale === "en" ? "en" : "zh-CN", "serverText");
const apiTitle = (api: { name: string; displayName: string | null }) => api.displayName || api.name;

async function messengerFor(db: Db, tenantId: string) {
  return createMessenger(db, tenantId, messagingConfig(await tenantSettings(db, tenantId)));
}

// --- public: subscribe, confirm, unsubscribe -------------------------------------------------

/**
 * Sends the confirmation email (in the request's language) for `email` on an enabled API of the
 * host's tenant. Limited per address and API (once a minute), per address and per IP (an hour)
 * so the form cannot be used to flood someone's mailbox; 300005 when already confirmed.
 */
export async function subscribe(ctx: PublicTenantCtx, input: z.output<typeof subscribeInput>, now = new Date()): Promise<{ sent: true }> {
  const { db, tenant } = ctx;
  const api = await db.apiResource.findFirst({
    where: { id: input.id, tenantId: tenant.id, enabled: true },
    select: { id: true, name: true, displayName: true },
  });
  if (!api) throw new AppError(18001);
  const ip = ipBucket(ctx.ip);
  const [byAddress, byIp] = await Promise.all([
    countInWindow(db, `sub:to:${tenant.id}:${input.email}`, HOUR, now),
    countInWindow(db, `sub:ip:${tenant.id}:${ip}`, HOUR, now),
  ]);
  if (byAddress.count > SUBSCRIPTION_RULES.perAddressHour || byIp.count > SUBSCRIPTION_RULES.perIpHour) throw new AppError(10005);
  const key = { apiResourceId_email: { apiResourceId: api.id, email: input.email } };
  const existing = await db.apiSubscriber.findUnique({ where: key, select: { confirmedAt: true, confirmSentAt: true } });
  if (existing?.confirmedAt) throw new AppError(300005);
  if (existing?.confirmSentAt && now.getTime() - existing.confirmSentAt.getTime() < SUBSCRIPTION_RULES.resendAfterMs) throw new AppError(10005);
  const fields = { locale: ctx.locale, origin: ctx.origin, ip, confirmSentAt: now };
  const row = await db.apiSubscriber.upsert({
    where: key,
    create: { tenantId: tenant.id, apiResourceId: api.id, email: input.email, ...fields },
    update: fields,
    select: { id: true },
  });
  const links = subscriptionLinks(ctx.origin, signLink("confirm", row.id, new Date(now.getTime() + SUBSCRIPTION_RULES.confirmTtlMs)));
  const t = text(ctx.locale);
  const values = { api: apiTitle(api), tenant: tenant.name, email: input.email, minutes: SUBSCRIPTION_RULES.confirmTtlMs / 60_000, link: links.confirm };
  try {
    await (
      await messengerFor(db, tenant.id)
    ).sendEmail({ to: input.email, subject: t("apiSubscription.confirmSubject", values), text: t("apiSubscription.confirmText", values) });
  } catch {
    // The outbox row says what the provider answered; the caller learns only that it failed.
    throw new AppError(300003);
  }
  return { sent: true };
}

/** The subscriber a link names, on this host's tenant only (another tenant's link, or one unsubscribed since: refused). */
async function linkedSubscriber(ctx: PublicTenantCtx, purpose: LinkPurpose, token: string) {
  const id = readLink(purpose, token);
  const row = await ctx.db.apiSubscriber.findFirst({
    where: { id, tenantId: ctx.tenant.id },
    select: { id: true, email: true, confirmedAt: true, apiResource: { select: { name: true, displayName: true } } },
  });
  return row;
}

export async function confirmSubscription(ctx: PublicTenantCtx, token: string): Promise<{ email: string; api: string }> {
  const row = await linkedSubscriber(ctx, "confirm", token);
  if (!row) throw new AppError(300003, { t: [msg("subscriptionLinkInvalid")] });
  if (!row.confirmedAt) await ctx.db.apiSubscriber.updateMany({ where: { id: row.id, confirmedAt: null }, data: { confirmedAt: new Date() } });
  return { email: row.email, api: apiTitle(row.apiResource) };
}

/** Unsubscribes (deletes the subscriber); a good link of someone already gone answers the same. */
export async function unsubscribe(ctx: PublicTenantCtx, token: string): Promise<{ unsubscribed: true }> {
  const row = await linkedSubscriber(ctx, "unsubscribe", token);
  if (row) await ctx.db.apiSubscriber.deleteMany({ where: { id: row.id } });
  return { unsubscribed: true };
}

// --- console: list and remove ----------------------------------------------------------------

export async function listSubscribers(scope: Scope, input: z.output<typeof subscriberListInput>): Promise<{ total: number; items: SubscriberItem[] }> {
  await findResource(scope.db, scope, input.id);
  const where: Prisma.ApiSubscriberWhereInput = { apiResourceId: input.id, ...(input.email ? { email: { contains: input.email.toLowerCase() } } : {}) };
  const [total, rows] = await Promise.all([
    scope.db.apiSubscriber.count({ where }),
    scope.db.apiSubscriber.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: input.skip,
      take: input.take,
      select: { id: true, email: true, locale: true, confirmedAt: true, createdAt: true },
    }),
  ]);
  return { total, items: rows.map((r) => ({ ...r, confirmed: !!r.confirmedAt })) };
}

export async function removeSubscriber(scope: Scope, id: string): Promise<{ id: string }> {
  const row = await scope.db.apiSubscriber.findFirst({
    where: { id },
    select: { id: true, tenantId: true, apiResourceId: true, email: true, confirmedAt: true },
  });
  if (!row) throw new AppError(300031);
  try {
    await findResource(scope.db, scope, row.apiResourceId);
  } catch {
    throw new AppError(300031);
  }
  return scope.db.$transaction(async (tx) => {
    await tx.apiSubscriber.delete({ where: { id } });
    await writeAudit(tx, auditActor(scope, row.tenantId), "apiresource.deletesubscription", id, { email: row.email, confirmed: !!row.confirmedAt });
    return { id };
  });
}

// --- release emails (a job of the one runner) ------------------------------------------------

export const RELEASE_MAIL_KIND = "api.release-mail";

/** At most this many release emails a second per job (UC_RELEASE_MAIL_PER_SECOND), so a provider's rate limits hold. */
export const releaseMailPerSecond = () => {
  const n = Number(process.env.UC_RELEASE_MAIL_PER_SECOND);
  return Number.isFinite(n) && n > 0 ? n : 5;
};

const releaseMailInput = z.object({ releaseId: z.uuid(), changes: changelog.nullable() });
type ReleaseMailInput = z.output<typeof releaseMailInput>;

/**
 * Queues the release emails in the caller's transaction (setOnline's), so a release rolled back
 * sends nothing; nothing is queued when the API has no confirmed subscriber.
 */
export async function enqueueReleaseMail(
  tx: DbClient,
  release: { id: string; tenantId: string; apiResourceId: string },
  changes: Changelog | null,
  actorId: string,
) {
  const someone = await tx.apiSubscriber.findFirst({ where: { apiResourceId: release.apiResourceId, confirmedAt: { not: null } }, select: { id: true } });
  if (!someone) return null;
  return enqueueJob(tx, RELEASE_MAIL_KIND, releaseMailJob, { tenantId: release.tenantId, actorId, input: { releaseId: release.id, changes } });
}

/** The changelog as lines of text: `+ GET /pets`, `- DELETE /pets/{id} (breaking)`; none for a version's first release. */
export function changeSummary(changes: Changelog | null, locale: Locale): string {
  const t = text(locale);
  if (!changes) return t("apiSubscription.firstRelease");
  if (!changes.operations.length) return t("apiSubscription.noChanges");
  const sign = { added: "+", changed: "~", removed: "-" } as const;
  const lines = changes.operations.map(
    (op) =>
      `${sign[op.kind]} ${t(`apiSubscription.kind.${op.kind}`)}: ${op.method.toUpperCase()} ${op.path}${op.breaking ? ` (${t("apiSubscription.breaking")})` : ""}`,
  );
  return [...(changes.breaking ? [t("apiSubscription.hasBreaking")] : []), ...lines].join("\n");
}

interface ReleaseFacts {
  api: string;
  version: string;
  revision: number;
  notes: string;
  changes: Changelog | null;
}

/** One subscriber's release email, in their language, with the RFC 8058 one-click unsubscribe headers. */
export function releaseEmail(sub: { id: string; email: string; locale: string; origin: string }, facts: ReleaseFacts, now = new Date()): EmailMessage {
  const locale: Locale = sub.locale === "en" ? "en" : "zh-CN";
  const t = text(locale);
  const links = subscriptionLinks(sub.origin, signLink("unsubscribe", sub.id, new Date(now.getTime() + SUBSCRIPTION_RULES.unsubscribeTtlMs)));
  const values = {
    api: facts.api,
    version: facts.version,
    revision: facts.revision,
    notes: facts.notes.trim() || t("apiSubscription.noNotes"),
    changes: changeSummary(facts.changes, locale),
    unsubscribe: links.unsubscribe,
  };
  return {
    to: sub.email,
    subject: t("apiSubscription.releaseSubject", values),
    text: t("apiSubscription.releaseText", values),
    headers: { "List-Unsubscribe": `<${links.oneClick}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}

/**
 * Emails a release to the API's confirmed subscribers: one ApiReleaseDelivery row each (made once,
 * so a job taken over from a crashed instance sends only what is still queued), throttled to
 * `releaseMailPerSecond()`, with progress. Someone who unsubscribed meanwhile is skipped.
 */
export const releaseMailJob: JobKind<ReleaseMailInput> = {
  input: releaseMailInput,
  run: async (db, job, row, input) => {
    const release = await db.apiRelease.findUnique({
      where: { id: input.releaseId },
      select: {
        id: true,
        tenantId: true,
        notes: true,
        revision: { select: { number: true } },
        version: { select: { name: true, apiResource: { select: { id: true, name: true, displayName: true } } } },
      },
    });
    if (!release) return job.finish({ result: { sent: 0, failed: 0, skipped: 0, releaseDeleted: true }, done: 0, total: 0 });
    const api = release.version.apiResource;
    const subscribers = await db.apiSubscriber.findMany({ where: { apiResourceId: api.id, confirmedAt: { not: null } }, select: { id: true, email: true } });
    await db.apiReleaseDelivery.createMany({
      data: subscribers.map((s) => ({ tenantId: release.tenantId, releaseId: release.id, subscriberId: s.id, email: s.email, jobId: row.id })),
      skipDuplicates: true,
    });
    const [total, queued] = await Promise.all([
      db.apiReleaseDelivery.count({ where: { releaseId: release.id } }),
      db.apiReleaseDelivery.findMany({
        where: { releaseId: release.id, status: "queued" },
        orderBy: { id: "asc" },
        select: { id: true, subscriber: { select: { id: true, email: true, locale: true, origin: true, confirmedAt: true } } },
      }),
    ]);
    const facts: ReleaseFacts = {
      api: apiTitle(api),
      version: release.version.name,
      revision: release.revision.number,
      notes: release.notes,
      changes: input.changes,
    };
    const messenger = await messengerFor(db, release.tenantId);
    const gapMs = 1000 / releaseMailPerSecond();
    const counts = { sent: 0, failed: 0, skipped: 0 };
    let done = total - queued.length;
    for (const d of queued) {
      const started = Date.now();
      if (!d.subscriber?.confirmedAt) {
        await db.apiReleaseDelivery.update({ where: { id: d.id }, data: { status: "skipped" } });
        counts.skipped++;
      } else {
        try {
          await messenger.sendEmail(releaseEmail(d.subscriber, facts));
          await db.apiReleaseDelivery.update({ where: { id: d.id }, data: { status: "sent", sentAt: new Date(), error: null } });
          counts.sent++;
        } catch (e) {
          await db.apiReleaseDelivery.update({ where: { id: d.id }, data: { status: "failed", error: (e as Error).message.slice(0, 1000) } });
          counts.failed++;
        }
      }
      await job.progress(++done, total, { result: counts });
      const wait = gapMs - (Date.now() - started);
      if (wait > 0) await sleep(wait);
    }
    await job.finish({ result: counts, done, total });
  },
};
