/** Message templates: the schemas the edit drawer and the procedures share. */
import { z } from "zod";
import { msg, multiLineText, text } from "~/lib/validators/common";
import {
  LIMITS,
  SAMPLE_TENANT,
  SMS_MAX_SEGMENTS,
  TEMPLATE_CHANNELS,
  TEMPLATE_LOCALES,
  TEMPLATE_PURPOSES,
  renderTemplate,
  sampleValues,
  smsSegments,
  unknownVariables,
  type TemplateChannel,
  type TemplatePurpose,
} from "~/lib/message-templates";
import type { Locale } from "~/lib/errors";

/** Emails go as plain text: anything that looks like a tag is refused rather than silently changed. */
export const looksLikeHtml = (s: string) => /<\s*\/?\s*[a-z!?][^<>]*>/i.test(s);

/** Provider template ids: Aliyun's `SMS_123456789`, Tencent's `1234567`; blank means the tenant's `sms.*` setting. */
const providerCode = text()
  .trim()
  .max(LIMITS.providerCode)
  .regex(/^[A-Za-z0-9_-]*$/, msg("templateCodeChars"))
  .nullish();

export const messageTemplateKey = z.object({
  /** Operators name the tenant; everyone else works on their own (whatever they pass). */
  tenantId: z.uuid().optional(),
  purpose: z.enum(TEMPLATE_PURPOSES),
  channel: z.enum(TEMPLATE_CHANNELS),
  locale: z.enum(TEMPLATE_LOCALES),
});

export const messageTemplateFields = z.object({
  subject: text().trim().max(LIMITS.subject).nullish(),
  body: multiLineText().trim().min(1).max(LIMITS.emailBody),
  aliyunTemplateCode: providerCode,
  tencentTemplateId: providerCode,
});
export type MessageTemplateFields = z.input<typeof messageTemplateFields>;

type Checked = { purpose: TemplatePurpose; channel: TemplateChannel; locale: Locale; subject?: string | null; body: string };

/**
 * The rules of a template's text, with their field messages: only the known variables, `{code}`
 * in the body, a subject for email, no HTML in email, and at most SMS_MAX_SEGMENTS messages for
 * an SMS with sample values (the service checks again with the tenant's own name).
 */
export function checkTemplate(v: Checked, ctx: z.RefinementCtx) {
  const issue = (path: string, key: Parameters<typeof msg>[0]) => ctx.addIssue({ code: "custom", path: [path], message: msg(key) });
  if (unknownVariables(v.body).length) issue("body", "templateUnknownVariable");
  if (!/\{code\}/.test(v.body)) issue("body", "templateNeedsCode");
  if (v.channel === "email") {
    if (!v.subject) issue("subject", "required");
    else if (unknownVariables(v.subject).length) issue("subject", "templateUnknownVariable");
    if (v.subject && looksLikeHtml(v.subject)) issue("subject", "templateNoHtml");
    if (looksLikeHtml(v.body)) issue("body", "templateNoHtml");
  } else {
    if (v.body.length > LIMITS.smsText) issue("body", "smsTooLong");
    else if (smsSegments(renderTemplate(v.body, sampleValues(v.purpose, v.channel, v.locale, SAMPLE_TENANT))) > SMS_MAX_SEGMENTS) issue("body", "smsTooLong");
  }
}

export const messageTemplateUpdateInput = messageTemplateKey.extend(messageTemplateFields.shape).superRefine(checkTemplate);
export type MessageTemplateUpdateInput = z.input<typeof messageTemplateUpdateInput>;

export const messageTemplateListInput = z.object({ tenantId: z.uuid().optional() }).optional();

export const messageTemplateItem = z.object({
  purpose: z.enum(TEMPLATE_PURPOSES),
  channel: z.enum(TEMPLATE_CHANNELS),
  locale: z.enum(TEMPLATE_LOCALES),
  subject: z.string().nullable(),
  body: z.string(),
  aliyunTemplateCode: z.string().nullable(),
  tencentTemplateId: z.string().nullable(),
  /** False: the built-in text, sent because the tenant has none of its own. */
  custom: z.boolean(),
  updatedAt: z.date().nullable(),
  defaults: z.object({ subject: z.string().nullable(), body: z.string() }),
});
export type MessageTemplateItem = z.infer<typeof messageTemplateItem>;

export const messageTemplateListOutput = z.object({
  tenant: z.object({ id: z.uuid(), name: z.string() }),
  total: z.number().int(),
  items: z.array(messageTemplateItem),
});
