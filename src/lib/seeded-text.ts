/**
 * The display texts the seed writes (built-in roles, standard identity resources, the default
 * tenant, the platform operator) carry both languages. The database keeps the English text the
 * seed wrote, and each row a stable key (the role's or identity resource's name, the default
 * tenant's flag). A text still as seeded — in either language, so saving an untouched form does not
 * pin it — shows in the viewer's language; anything an administrator wrote shows as written.
 */
import type { Locale } from "~/lib/errors";
import { BUILT_IN_ROLES } from "~/lib/permissions";
import { STANDARD_IDENTITY_RESOURCES } from "~/lib/validators/values";

export type Bilingual = Readonly<Record<Locale, string>>;

export const DEFAULT_TENANT_TEXT = {
  description: { en: "The platform's own tenant: the platform console lives here.", "zh-CN": "平台自身的租户：平台控制台位于此处。" },
} as const satisfies Record<string, Bilingual>;

export const OPERATOR_TEXT = {
  nickname: { en: "Platform operator", "zh-CN": "平台管理员" },
} as const satisfies Record<string, Bilingual>;

/** `value` in `locale` when it is one of `texts` as seeded; otherwise `value` itself. */
export function localizeSeeded<T extends string | null | undefined>(value: T, texts: Bilingual | undefined, locale: Locale): T | string {
  if (!value || !texts) return value;
  const v = value.trim();
  return Object.values(texts).some((t) => t === v) ? texts[locale] : value;
}

const builtInRole = (name: string) => (Object.hasOwn(BUILT_IN_ROLES, name) ? BUILT_IN_ROLES[name as keyof typeof BUILT_IN_ROLES] : undefined);
const standardIdentity = (name: string) => STANDARD_IDENTITY_RESOURCES.find((r) => r.name === name);

/**
 * A role's name for display: a built-in role's label in the viewer's language. Its name stays its key
 * (claims, the JSON login's role check, the API); tenants cannot name another role after a built-in one.
 */
export function roleLabel(role: { name: string }, locale: Locale): string {
  const label = builtInRole(role.name)?.label[locale];
  return !label || label === role.name ? role.name : `${label} (${role.name})`;
}

export const roleDescription = <T extends string | null | undefined>(role: { name: string; description: T }, locale: Locale) =>
  localizeSeeded(role.description, builtInRole(role.name)?.description, locale);

/** Identity resources: only standard rows (keyed by name) are translated. */
export const identityText = <T extends string | null | undefined>(
  r: { name: string; standard?: boolean },
  field: "displayName" | "description",
  value: T,
  locale: Locale,
) => (r.standard === false ? value : localizeSeeded(value, standardIdentity(r.name)?.[field], locale));

export const tenantDescription = <T extends string | null | undefined>(t: { isDefault?: boolean; description: T }, locale: Locale) =>
  t.isDefault === false ? t.description : localizeSeeded(t.description, DEFAULT_TENANT_TEXT.description, locale);

/** A nickname as the seed gave the operator shows in the viewer's language. */
export const seededNickname = <T extends string | null | undefined>(nickname: T, locale: Locale) => localizeSeeded(nickname, OPERATOR_TEXT.nickname, locale);
