/**
 * The registry of every permission code: `<prefix>.<resource>.<action>`.
 * Procedures name one code each (requirePermission), the seed writes this list to the
 * Permission table, and the console shows it. Wildcards: `uc.<resource>.all`, `uc.all`.
 */
export const PERMISSION_PREFIX = "uc";

type Names = { zh: string; en: string };

const RESOURCES = {
  tenant: { zh: "租户", en: "Tenants" },
  permission: { zh: "权限码", en: "Permission codes" },
  me: { zh: "我的账户", en: "My account" },
  session: { zh: "登录会话", en: "Login sessions" },
  outbox: { zh: "开发发件箱", en: "Development outbox" },
  lock: { zh: "账号锁定", en: "Account locks" },
  user: { zh: "用户", en: "Users" },
  team: { zh: "团队", en: "Team" },
  role: { zh: "角色", en: "Roles" },
  client: { zh: "OAuth 客户端", en: "OAuth clients" },
  apiresource: { zh: "API 资源", en: "API resources" },
  apiscope: { zh: "API 范围", en: "API scopes" },
  identityresource: { zh: "身份资源", en: "Identity resources" },
  audit: { zh: "审计日志", en: "Audit log" },
  export: { zh: "导出任务", en: "Export jobs" },
  file: { zh: "文件", en: "Files" },
} as const satisfies Record<string, Names>;

const ACTIONS = {
  get: { zh: "列表", en: "List" },
  detail: { zh: "详情", en: "Detail" },
  post: { zh: "创建", en: "Create" },
  put: { zh: "修改", en: "Update" },
  delete: { zh: "删除", en: "Delete" },
  freeze: { zh: "冻结", en: "Freeze" },
  unfreeze: { zh: "解冻", en: "Unfreeze" },
  offline: { zh: "强制下线", en: "Force offline" },
  recycle: { zh: "恢复", en: "Recycle (restore)" },
  unlock: { zh: "解锁", en: "Unlock" },
  purge: { zh: "彻底删除", en: "Delete for good" },
  exists: { zh: "是否存在", en: "Exists?" },
  lock: { zh: "锁定", en: "Lock" },
  resetpassword: { zh: "重置密码", en: "Reset password" },
  secret: { zh: "生成密钥", en: "Generate secret" },
  issuetoken: { zh: "签发令牌", en: "Issue token" },
} as const satisfies Record<string, Names>;

export type PermissionResource = keyof typeof RESOURCES;
export type PermissionAction = keyof typeof ACTIONS;

const DEFINED = {
  tenant: ["get", "detail", "post", "put", "delete"],
  permission: ["get"],
  me: ["detail", "put"],
  session: ["get", "detail", "freeze", "unfreeze", "offline", "delete", "recycle", "purge"],
  outbox: ["get"],
  lock: ["get", "unlock"],
  user: ["get", "detail", "exists", "post", "put", "delete", "recycle", "lock", "unlock", "resetpassword"],
  team: ["get"],
  role: ["get", "detail", "post", "put", "delete"],
  client: ["get", "detail", "post", "put", "delete", "secret", "issuetoken"],
  apiresource: ["get", "detail", "post", "put", "delete"],
  apiscope: ["get", "detail", "post", "put", "delete"],
  identityresource: ["get", "detail", "post", "put", "delete"],
  audit: ["get"],
  export: ["get", "post"],
  file: ["get", "detail", "post", "delete"],
} as const satisfies Record<PermissionResource, readonly PermissionAction[]>;

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

export const PERMISSIONS: readonly PermissionEntry[] = (
  Object.entries(DEFINED) as [PermissionResource, readonly PermissionAction[]][]
).flatMap(([resource, actions]) =>
  actions.map((action) => ({
    code: `${PERMISSION_PREFIX}.${resource}.${action}` as PermissionCode,
    resource,
    action,
    nameZh: `${RESOURCES[resource].zh}${ACTIONS[action].zh}`,
    nameEn: `${RESOURCES[resource].en}: ${ACTIONS[action].en.toLowerCase()}`,
  })),
);

export const RESOURCE_NAMES: Record<PermissionResource, Names> = RESOURCES;

const KNOWN = new Set<string>(PERMISSIONS.map((p) => p.code));
const WILDCARD = new RegExp(`^${PERMISSION_PREFIX}\\.(?:([a-z]+)\\.)?all$`);

/** A code from the registry, or a wildcard over a known resource or everything. */
export function isGrantable(code: string): boolean {
  if (KNOWN.has(code)) return true;
  const m = WILDCARD.exec(code);
  return !!m && (m[1] === undefined || m[1] in RESOURCES);
}

/** True when `granted` holds `code` itself, its resource wildcard, or the global wildcard. */
export function hasPermission(granted: readonly string[], code: PermissionCode): boolean {
  const [prefix, resource] = code.split(".");
  return (
    granted.includes(code) ||
    granted.includes(`${prefix}.${resource}.all`) ||
    granted.includes(`${prefix}.all`)
  );
}

/** Built-in roles, least privilege first. Platform operators hold `uc.all` above tenants. */
export const BUILT_IN_ROLES = {
  user: { description: "Self-service only", permissions: ["uc.me.all"] },
  partner: { description: "Self-service, and their referral team", permissions: ["uc.me.all", "uc.team.get"] },
  developer: {
    description: "Manages their own clients and APIs",
    permissions: [
      "uc.me.all", "uc.permission.get", "uc.client.all", "uc.apiresource.all", "uc.apiscope.all",
      "uc.identityresource.get", "uc.identityresource.detail", "uc.export.all", "uc.file.post",
    ],
  },
  administrator: {
    description: "Manages the whole tenant",
    permissions: [
      "uc.me.all", "uc.permission.get", "uc.tenant.detail", "uc.session.all", "uc.lock.all",
      "uc.user.all", "uc.team.all", "uc.role.all", "uc.client.all", "uc.apiresource.all",
      "uc.apiscope.all", "uc.identityresource.all", "uc.audit.get", "uc.export.all", "uc.file.all",
    ],
  },
} as const satisfies Record<string, { description: string; permissions: readonly string[] }>;

export type BuiltInRole = keyof typeof BUILT_IN_ROLES;
export const OPERATOR_PERMISSIONS = [`${PERMISSION_PREFIX}.all`] as const;
