/**
 * A tenant's own texts for its code messages, per purpose × channel × language, and the one
 * function the sending path asks for a message (`codeMessage`): the tenant's text in the
 * request's language, else the built-in one. A tenant without rows sends exactly what it sent
 * before templates existed.
 */
import type { z } from "zod";
import type { Db, DbClient } from "~/server/db";
import type { Locale } from "~/lib/errors";
import { AppError } from "~/server/errors";
import { auditActor, writeAudit } from "~/server/services/audit";
import type { Scope } from "~/server/services/scope";
import { msg } from "~/lib/validators/common";
import {
  SMS_MAX_SEGMENTS,
  TEMPLATE_CHANNELS,
  TEMPLATE_LOCALES,
  TEMPLATE_PURPOSES,
  defaultTemplate,
  purposeWord,
  renderTemplate,
  sampleValues,
  smsSegments,
  usedVariables,
  type TemplateChannel,
  type TemplatePurpose,
} from "~/lib/message-templates";
import type { MessageTemplateItem, messageTemplateKey, messageTemplateUpdateInput } from "~/lib/validators/message-template";

const select = {
  id: true,
  purpose: true,
  channel: true,
  locale: true,
  subject: true,
  body: true,
  aliyunTemplateCode: true,
  tencentTemplateId: true,
  updatedAt: true,
} as const;
type Row = {
  id: string;
  purpose: string;
  channel: string;
  locale: string;
  subject: string | null;
  body: string;
  aliyunTemplateCode: string | null;
  tencentTemplateId: string | null;
  updatedAt: Date;
};

const keyOf = (purpose: string, channel: string, locale: string) => `${purpose}/${channel}/${locale}`;

/**
 * Every code sent reads its tenant's templates: kept per process for a few seconds, like the
 * tenant's settings, and dropped at once by this process's own saves (`forgetTemplates`).
 */
const TEMPLATES_TTL_MS = 5_000;
// On globalThis: Next.js bundles each route separately, and a module-level Map would be one copy per bundle.
const store = globalThis as unknown as { __ucTemplates?: Map<string, { at: number; value: Promise<Map<string, Row>> }> };
const cache = (store.__ucTemplates ??= new Map());

function tenantTemplates(db: Db, tenantId: string): Promise<Map<string, Row>> {
  const hit = cache.get(tenantId);
  if (hit && Date.now() - hit.at < TEMPLATES_TTL_MS) return hit.value;
  const value = db.messageTemplate
    .findMany({ where: { tenantId }, select })
    .then((rows) => new Map(rows.map((r) => [keyOf(r.purpose, r.channel, r.locale), r])));
  cache.set(tenantId, { at: Date.now(), value });
  value.catch(() => cache.delete(tenantId));
  return value;
}

export const forgetTemplates = (tenantId: string) => void cache.delete(tenantId);

export interface CodeMessageInput {
  tenantId: string;
  tenantName: string;
  purpose: TemplatePurpose;
  channel: TemplateChannel;
  locale: Locale;
  code: string;
  minutes: number;
}

export interface CodeMessage {
  subject: string | null;
  text: string;
  /** SMS template variables for the provider: the tenant's text's own, in order of appearance; the built-in text sends `{ code }`. */
  params: Record<string, string>;
  providerTemplate: { aliyun: string | null; tencent: string | null };
}

/** The message a code goes out as: the tenant's template in `locale`, else the built-in text. */
export async function codeMessage(db: Db, input: CodeMessageInput): Promise<CodeMessage> {
  const own = (await tenantTemplates(db, input.tenantId)).get(keyOf(input.purpose, input.channel, input.locale));
  const values = { code: input.code, minutes: String(input.minutes), tenant: input.tenantName, purpose: purposeWord(input.purpose, input.locale) };
  const template = own ?? defaultTemplate(input.channel, input.locale);
  return {
    subject: template.subject === null ? null : renderTemplate(template.subject, values),
    text: renderTemplate(template.body, values),
    params: own ? Object.fromEntries(usedVariables(own.body).map((v) => [v, values[v]])) : { code: input.code },
    providerTemplate: { aliyun: own?.aliyunTemplateCode ?? null, tencent: own?.tencentTemplateId ?? null },
  };
}

// --- the console's procedures ------------------------------------------------------------------

/** Operators work on the tenant they name (it must exist); everyone else on their own, whatever they pass. */
async function targetTenant(db: DbClient, scope: Scope, tenantId?: string): Promise<{ id: string; name: string }> {
  const id = scope.actor.isOperator && tenantId ? tenantId : scope.actor.tenantId;
  const tenant = await db.tenant.findUnique({ where: { id }, select: { id: true, name: true } });
  if (!tenant) throw new AppError(10004);
  return tenant;
}

type Key = z.output<typeof messageTemplateKey>;

function toItem(purpose: TemplatePurpose, channel: TemplateChannel, locale: Locale, row: Row | undefined): MessageTemplateItem {
  const defaults = defaultTemplate(channel, locale);
  return {
    purpose,
    channel,
    locale,
    subject: row ? row.subject : defaults.subject,
    body: row?.body ?? defaults.body,
    aliyunTemplateCode: row?.aliyunTemplateCode ?? null,
    tencentTemplateId: row?.tencentTemplateId ?? null,
    custom: !!row,
    updatedAt: row?.updatedAt ?? null,
    defaults,
  };
}

/** What the audit log keeps of a template (the built-in text when there was none). */
const snapshot = (i: MessageTemplateItem) => ({
  purpose: i.purpose,
  channel: i.channel,
  locale: i.locale,
  custom: i.custom,
  subject: i.subject,
  body: i.body,
  aliyunTemplateCode: i.aliyunTemplateCode,
  tencentTemplateId: i.tencentTemplateId,
});

/** All 16 texts of a tenant (4 purposes × 2 channels × 2 languages), the built-in ones where it has none. */
export async function listMessageTemplates(scope: Scope, input: { tenantId?: string } | undefined) {
  const tenant = await targetTenant(scope.db, scope, input?.tenantId);
  const rows = await scope.db.messageTemplate.findMany({ where: { tenantId: tenant.id }, select });
  const byKey = new Map(rows.map((r) => [keyOf(r.purpose, r.channel, r.locale), r]));
  const items = TEMPLATE_PURPOSES.flatMap((p) => TEMPLATE_CHANNELS.flatMap((c) => TEMPLATE_LOCALES.map((l) => toItem(p, c, l, byKey.get(keyOf(p, c, l))))));
  return { tenant, total: items.length, items };
}

async function findOne(db: DbClient, tenantId: string, k: Key) {
  const row = await db.messageTemplate.findUnique({
    where: { tenantId_purpose_channel_locale: { tenantId, purpose: k.purpose, channel: k.channel, locale: k.locale } },
    select,
  });
  return { row: row ?? undefined, item: toItem(k.purpose, k.channel, k.locale, row ?? undefined) };
}

export async function getMessageTemplate(scope: Scope, input: Key) {
  const tenant = await targetTenant(scope.db, scope, input.tenantId);
  return (await findOne(scope.db, tenant.id, input)).item;
}

export async function updateMessageTemplate(scope: Scope, input: z.output<typeof messageTemplateUpdateInput>) {
  const sms = input.channel === "sms";
  const data = {
    subject: sms ? null : (input.subject ?? null),
    body: input.body,
    aliyunTemplateCode: sms ? input.aliyunTemplateCode || null : null,
    tencentTemplateId: sms ? input.tencentTemplateId || null : null,
  };
  const result = await scope.db.$transaction(async (tx) => {
    const tenant = await targetTenant(tx, scope, input.tenantId);
    if (sms) {
      // The schema counted a sample name; what goes out carries this tenant's own, and the longest lifetime a tenant may set.
      const values = { ...sampleValues(input.purpose, "sms", input.locale, tenant.name), minutes: "60" };
      if (smsSegments(renderTemplate(input.body, values)) > SMS_MAX_SEGMENTS) throw new AppError(21001, { body: [msg("smsTooLong")] });
    }
    const before = await findOne(tx, tenant.id, input);
    const row = await tx.messageTemplate.upsert({
      where: { tenantId_purpose_channel_locale: { tenantId: tenant.id, purpose: input.purpose, channel: input.channel, locale: input.locale } },
      create: { tenantId: tenant.id, purpose: input.purpose, channel: input.channel, locale: input.locale, ...data },
      update: data,
      select,
    });
    const after = toItem(input.purpose, input.channel, input.locale, row);
    await writeAudit(tx, auditActor(scope, tenant.id), "messagetemplate.update", row.id, snapshot(before.item), snapshot(after));
    return { tenantId: tenant.id, after };
  });
  forgetTemplates(result.tenantId);
  return result.after;
}

/** Back to the built-in text: the tenant's row goes (nothing to do, and nothing audited, when there was none). */
export async function resetMessageTemplate(scope: Scope, input: Key) {
  const result = await scope.db.$transaction(async (tx) => {
    const tenant = await targetTenant(tx, scope, input.tenantId);
    const before = await findOne(tx, tenant.id, input);
    if (before.row) {
      await tx.messageTemplate.delete({ where: { id: before.row.id } });
      await writeAudit(tx, auditActor(scope, tenant.id), "messagetemplate.reset", before.row.id, snapshot(before.item), undefined);
    }
    return { tenantId: tenant.id, item: toItem(input.purpose, input.channel, input.locale, undefined) };
  });
  forgetTemplates(result.tenantId);
  return result.item;
}
