/**
 * The registry of every permission code: `<prefix>.<resource>.<action>`.
 * Procedures name one code each (requirePermission), the seed writes this list to the
 * Permission table, and the console shows it. Wildcards: `uc.<resource>.all`, `uc.all`.
 * Names in both languages come from the messages (`permissionNames` in
 * src/i18n/messages/<locale>/permissionNames.json).
 */
import { CATALOG, translator } from "~/i18n/catalog";
import type { Locale } from "~/lib/errors";

export const PERMISSION_PREFIX = "uc";

type Names = { zh: string; en: string };

export type PermissionAction = keyof (typeof CATALOG)["en"]["permissionNames"]["actions"];
const DEFINED = {
  tenant: ["get", "detail", "post", "put", "delete"],
  permission: ["get"],
  me: ["detail", "put"],
  session: ["get", "detail", "freeze", "unfreeze", "offline", "delete", "recycle", "purge"],
  outbox: ["get"],
  lock: ["get", "unlock"],
  user: ["get", "detail", "exists", "post", "put", "delete", "recycle", "lock", "unlock", "resetpassword", "import"],
  team: ["get"],
  role: ["get", "detail", "post", "put", "delete"],
  client: ["get", "detail", "post", "put", "delete", "secret", "issuetoken"],
  apiresource: [
    "get",
    "detail",
    "post",
    "put",
    "delete",
    "versions",
    "publishversion",
    "publishrevision",
    "setonlineversion",
    "releases",
    "postrelease",
    "putrelease",
    "deleterelease",
    "publishconfiguration",
    "publish",
    "products",
    "authservers",
    "postauthserver",
    "deleteauthserver",
    "subscriptions",
    "deletesubscription",
    "packages",
    "postpackages",
    "putpackages",
    "deletepackage",
    "history",
  ],
  apiproduct: ["get", "detail", "post", "put", "delete", "subscriptions", "approve", "revoke"],
  codegen: [
    "clients",
    "servers",
    "npmoptions",
    "putnpmoptions",
    "githuboptions",
    "putgithuboptions",
    "commonoptions",
    "putcommonoptions",
    "preview",
    "releasesdk",
    "gitsync",
  ],
  apiscope: ["get", "detail", "post", "put", "delete"],
  identityresource: ["get", "detail", "post", "put", "delete"],
  audit: ["get"],
  export: ["get", "post"],
  file: ["get", "detail", "post", "delete"],
  dashboard: ["get"],
  messagetemplate: ["get", "detail", "put", "reset"],
  // Reading and cancelling long jobs (progress, steps, live log); each kind also names who else may (JobKind.permission).
  job: ["detail", "cancel"],
} as const satisfies Record<keyof (typeof CATALOG)["en"]["permissionNames"]["resources"], readonly PermissionAction[]>;

export type PermissionResource = keyof typeof DEFINED;
type Defined = typeof DEFINED;
export type PermissionCode = {
  [R in keyof Defined]: `${typeof PERMISSION_PREFIX}.${R}.${Defined[R][number]}`;
}[keyof Defined];

export interface PermissionEntry {
  code: PermissionCode;
  resource: PermissionResource;
  action: PermissionAction;
  nameZh: string;
  nameEn: string;
}

/** A resource's name in `locale` (messages: `permissionNames.resources.<resource>`). */
export const resourceName = (resource: PermissionResource, locale: Locale) => translator(locale, "permissionNames")(`resources.${resource}`);

/** A permission's name in `locale`: `permissionNames.name` joins the resource's and the action's names. */
export function permissionName(resource: PermissionResource, action: PermissionAction, locale: Locale): string {
  const t = translator(locale, "permissionNames");
  return t("name", { resource: t(`resources.${resource}`), action: t(`actions.${action}`) });
}

// The names below are read when first asked for, in each language: the browser's catalog holds
// only the page's language (src/i18n/catalog.ts), and a page reads only that one.
export const PERMISSIONS: readonly PermissionEntry[] = (Object.entries(DEFINED) as [PermissionResource, readonly PermissionAction[]][]).flatMap(
  ([resource, actions]) =>
    actions.map((action) => ({
      code: `${PERMISSION_PREFIX}.${resource}.${action}` as PermissionCode,
      resource,
      action,
      get nameZh() {
        return permissionName(resource, action, "zh-CN");
      },
      get nameEn() {
        return permissionName(resource, action, "en");
      },
    })),
);

export const RESOURCE_NAMES: Record<PermissionResource, Names> = Object.fromEntries(
  (Object.keys(DEFINED) as PermissionResource[]).map((r) => [
    r,
    {
      get zh() {
        return resourceName(r, "zh-CN");
      },
      get en() {
        return resourceName(r, "en");
      },
    },
  ]),
) as Record<PermissionResource, Names>;

const KNOWN = new Set<string>(PERMISSIONS.map((p) => p.code));
const WILDCARD = new RegExp(`^${PERMISSION_PREFIX}\\.(?:([a-z]+)\\.)?all$`);

/** A code from the registry, or a wildcard over a known resource or everything. */
export function isGrantable(code: string): boolean {
  if (KNOWN.has(code)) return true;
  const m = WILDCARD.exec(code);
  return !!m && (m[1] === undefined || Object.hasOwn(DEFINED, m[1]));
}

/** True when `granted` holds `code` itself, its resource wildcard, or the global wildcard. */
export function hasPermission(granted: readonly string[], code: PermissionCode): boolean {
  const [prefix, resource] = code.split(".");
  return granted.includes(code) || granted.includes(`${prefix}.${resource}.all`) || granted.includes(`${prefix}.all`);
}

/**
 * Built-in roles, least privilege first. Platform operators hold `uc.all` above tenants. The name
 * is the role's key; `label` and `description` are its display texts in both languages (the seed
 * stores the English description; src/lib/seeded-text.ts shows either in the viewer's language).
 */
export const BUILT_IN_ROLES = {
  user: { label: { en: "user", "zh-CN": "普通用户" }, description: { en: "Self-service only", "zh-CN": "仅限自助服务" }, permissions: ["uc.me.all"] },
  partner: {
    label: { en: "partner", "zh-CN": "合作伙伴" },
    description: { en: "Self-service, and their referral team", "zh-CN": "自助服务，并可查看自己的推荐团队" },
    permissions: ["uc.me.all", "uc.team.get"],
  },
  developer: {
    label: { en: "developer", "zh-CN": "开发者" },
    description: { en: "Manages their own clients and APIs", "zh-CN": "管理自己的客户端和 API" },
    permissions: [
      "uc.me.all",
      "uc.permission.get",
      "uc.client.all",
      "uc.apiresource.all",
      "uc.codegen.all",
      "uc.apiproduct.get",
      "uc.apiproduct.detail",
      "uc.apiscope.all",
      "uc.identityresource.get",
      "uc.identityresource.detail",
      "uc.export.all",
      "uc.file.post",
      "uc.job.all",
    ],
  },
  administrator: {
    label: { en: "administrator", "zh-CN": "管理员" },
    description: { en: "Manages the whole tenant", "zh-CN": "管理整个租户" },
    permissions: [
      "uc.me.all",
      "uc.permission.get",
      "uc.dashboard.get",
      "uc.tenant.detail",
      "uc.session.all",
      "uc.lock.all",
      "uc.user.all",
      "uc.team.all",
      "uc.role.all",
      "uc.client.all",
      "uc.apiresource.all",
      "uc.codegen.all",
      "uc.apiproduct.all",
      "uc.apiscope.all",
      "uc.identityresource.all",
      "uc.audit.get",
      "uc.export.all",
      "uc.file.all",
      "uc.messagetemplate.all",
      "uc.job.all",
    ],
  },
} as const satisfies Record<string, { label: Readonly<Record<Locale, string>>; description: Readonly<Record<Locale, string>>; permissions: readonly string[] }>;

export type BuiltInRole = keyof typeof BUILT_IN_ROLES;
export const OPERATOR_PERMISSIONS = [`${PERMISSION_PREFIX}.all`] as const;
