/**
 * Application error codes. Every error the API returns carries one of these numbers; each
 * resource publishes its table (`{ code, name, description }`) in both languages.
 * The tRPC error formatter maps `AppError` to HTTP status through `status` here, in one place.
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 502 | 503;

interface ErrorDef {
  status: ErrorStatus;
  zh: [name: string, description: string];
  en: [name: string, description: string];
}

const def = (status: ErrorStatus, zh: ErrorDef["zh"], en: ErrorDef["en"]): ErrorDef => ({ status, zh, en });

export const ERROR_TABLES = {
  common: {
    10000: def(500, ["内部错误", "服务器发生了意外错误，请稍后再试"], ["Internal error", "Something went wrong on the server; try again later"]),
    10001: def(401, ["未登录", "需要登录，或登录已失效"], ["Not signed in", "Sign in first; the session or token is missing, expired or ended"]),
    10002: def(403, ["无权限", "当前身份没有执行此操作所需的权限"], ["Forbidden", "The caller lacks the permission this operation requires"]),
    10003: def(400, ["参数错误", "请求参数未通过校验，见各字段错误"], ["Invalid input", "The input did not validate; see the field errors"]),
    10004: def(404, ["记录不存在", "记录不存在或不属于当前租户"], ["Not found", "No such record in this tenant"]),
    10005: def(429, ["请求过于频繁", "请稍后再试"], ["Too many requests", "Slow down and try again later"]),
    10006: def(403, ["跨站请求被拒绝", "携带 Cookie 的请求必须来自本站"], ["Cross-site request refused", "Cookie-authenticated calls must come from this site"]),
    10007: def(404, ["未知的主机名", "此主机名未绑定任何租户"], ["Unknown host", "This host name is not bound to any tenant"]),
    10008: def(403, ["租户已停用", "此租户已停用"], ["Tenant disabled", "This tenant is disabled"]),
    10009: def(409, ["数据冲突", "与已有记录冲突"], ["Conflict", "The change clashes with an existing record"]),
    10010: def(400, ["请求方法错误", "修改类操作不能通过 GET 调用"], ["Wrong method", "A mutation cannot be called with GET"]),
  },
  auth: {
    12001: def(401, ["账号或密码错误", "账号或密码错误"], ["Wrong account or password", "The account or password is wrong"]),
    12002: def(403, ["角色不可用", "该用户不拥有所选角色"], ["Role not held", "The user does not hold the chosen role"]),
    12003: def(403, ["无权登录此站点", "该账号不能登录此控制台"], ["Not allowed on this site", "This account cannot sign in to this console"]),
    12004: def(404, ["未知的登录操作", "没有这个登录接口"], ["Unknown login operation", "There is no such login operation"]),
    12005: def(404, ["未绑定账号", "此微信尚未绑定本站账号"], ["No linked account", "No account here is linked to this WeChat identity"]),
    12006: def(400, ["微信登录未配置", "此站点未配置微信应用"], ["WeChat not configured", "This site has no WeChat app configured"]),
    12007: def(400, ["微信登录已失效", "登录请求已过期或已被使用，请重新扫码"], ["WeChat sign-in expired", "The sign-in request expired or was already used; scan again"]),
    12008: def(502, ["微信服务错误", "微信接口返回错误，请稍后再试"], ["WeChat error", "WeChat answered with an error; try again later"]),
    12009: def(409, ["已绑定其他账号", "此微信已绑定本站的另一个账号"], ["Linked elsewhere", "This WeChat identity is linked to another account here"]),
    12010: def(409, ["不能解绑", "解绑后账号将无法登录：请先设置密码或绑定手机"], ["Cannot unlink", "The account would have no way in: set a password or bind a phone first"]),
  },
  session: {
    13001: def(404, ["会话不存在", "会话不存在或不属于当前租户"], ["Session not found", "No such session in this tenant"]),
    13002: def(409, ["会话状态不允许此操作", "例如只能冻结活动中的会话、只能解冻已冻结的会话"], ["Not in this session state", "E.g. only an active session can be frozen, only a frozen one unfrozen"]),
  },
  code: {
    14001: def(400, ["验证码错误或已失效", "验证码错误、已过期、已使用或尝试次数过多，请重新获取"], ["Wrong or expired code", "The code is wrong, expired, used, or tried too often; request a new one"]),
    14002: def(429, ["发送太频繁", "同一号码或邮箱 60 秒内只能获取一次验证码"], ["Too soon", "A code can be requested once a minute per phone or email"]),
    14003: def(429, ["发送次数已达上限", "该号码或邮箱今日获取验证码次数过多，请稍后再试"], ["Too many codes", "Too many codes for this phone or email; try again later"]),
    14004: def(400, ["人机验证未通过", "请完成人机验证后重试"], ["Captcha failed", "Complete the human check and try again"]),
    14005: def(409, ["账号已存在", "该手机号、邮箱或用户名已被注册"], ["Account exists", "This phone, email or user name is already registered"]),
    14006: def(400, ["密码不符合要求", "密码需 8 到 128 个字符，且不能是常见密码"], ["Password not accepted", "Use 8 to 128 characters, and not a common password"]),
    14007: def(403, ["未开放注册", "此站点不允许自助注册"], ["Sign-up closed", "This site does not allow signing up"]),
    14008: def(400, ["需要同意用户协议", "注册前请阅读并同意用户协议"], ["Consent required", "Read and accept the terms to sign up"]),
  },
  tenant: {
    11001: def(404, ["租户不存在", "租户不存在"], ["Tenant not found", "No such tenant"]),
    11002: def(409, ["主机名已被占用", "该主机名已绑定到其他租户"], ["Host already bound", "This host name is already bound to a tenant"]),
    11003: def(409, ["不能删除默认租户", "默认租户承载平台控制台，不能删除或停用"], ["Default tenant is protected", "The default tenant hosts the platform console and cannot be deleted or disabled"]),
    11004: def(409, ["属性键重复", "同一租户内属性键必须唯一"], ["Duplicate property key", "Property keys must be unique within a tenant"]),
  },
  user: {
    15001: def(404, ["用户不存在", "用户不存在或不属于当前租户"], ["User not found", "No such user in this tenant"]),
    15002: def(409, ["账号已存在", "该手机号、邮箱或用户名已被使用"], ["Account exists", "This phone, email or user name is already taken"]),
    15003: def(409, ["不能操作自己", "不能删除、停用或锁定当前登录的账号"], ["Not on yourself", "You cannot delete, disable or lock the account you are signed in with"]),
    15004: def(400, ["推荐人无效", "推荐人不存在，或会使团队出现环"], ["Invalid referrer", "The referrer does not exist, or would make the team a loop"]),
  },
  role: {
    16001: def(404, ["角色不存在", "角色不存在或不属于当前租户"], ["Role not found", "No such role in this tenant"]),
    16002: def(409, ["内置角色不能修改", "内置角色不能删除，其权限也不能修改"], ["Built-in role", "Built-in roles cannot be deleted, nor their permissions changed"]),
    16003: def(409, ["不能移除最后一位管理员", "租户至少要保留一位管理员"], ["Last administrator", "A tenant must keep at least one administrator"]),
    16004: def(400, ["未知的权限码", "权限码不在注册表中"], ["Unknown permission code", "The permission code is not in the registry"]),
    16005: def(409, ["角色名已存在", "同一租户内角色名必须唯一"], ["Role name taken", "Role names are unique within a tenant"]),
    16006: def(403, ["权限超出租户范围", "租户管理员只能授予租户范围内的权限，平台级权限（如 uc.all、uc.tenant.post）只有平台运营者可以授予"], ["Platform-only permission", "Tenant administrators grant only tenant-scope permissions; platform codes such as uc.all or uc.tenant.post are granted by platform operators"]),
  },
  client: {
    17001: def(404, ["客户端不存在", "客户端不存在或不属于当前租户"], ["Client not found", "No such client in this tenant"]),
    17002: def(401, ["客户端认证失败", "client_id 或 client_secret 错误，或客户端已停用"], ["Client authentication failed", "Wrong client_id or client_secret, or the client is disabled"]),
    17003: def(400, ["不支持的授权类型", "该客户端不允许此 grant_type"], ["Unsupported grant type", "The client is not allowed this grant_type"]),
    17004: def(400, ["范围无效", "请求的 scope 超出客户端允许的范围"], ["Invalid scope", "The requested scope is beyond what the client is allowed"]),
    17005: def(403, ["令牌范围不足", "客户端令牌的 scope 不包含此操作的权限码"], ["Insufficient scope", "The client token's scopes do not include this operation's code"]),
    17006: def(403, ["需要用户身份", "此操作只能由登录用户调用，不接受客户端令牌"], ["User required", "This operation needs a signed-in user; client tokens cannot call it"]),
    17007: def(400, ["范围不可授予", "客户端的范围必须是注册表中的权限码或通配符，且为你本人所拥有"], ["Scope not grantable", "A client's scopes must be registry codes or wildcards that you hold yourself"]),
    17008: def(404, ["密钥不存在", "该客户端没有这个密钥"], ["Secret not found", "The client has no such secret"]),
  },
  api: {
    18001: def(404, ["API 资源不存在", "记录不存在或不属于当前租户"], ["API resource not found", "No such API resource in this tenant"]),
    18002: def(409, ["名称已存在", "同一租户内名称必须唯一"], ["Name taken", "Names are unique within a tenant"]),
    18003: def(409, ["标准身份资源不能删除", "openid、profile、email、phone、address 为标准身份资源"], ["Standard identity resource", "openid, profile, email, phone and address cannot be deleted"]),
    18004: def(400, ["未知的范围", "API 资源引用了不存在的 API 范围"], ["Unknown scope", "The API resource names a scope that does not exist"]),
    18005: def(400, ["未知的负责人", "负责人必须是本租户的用户"], ["Unknown owner", "Owners must be users of this tenant"]),
    18006: def(409, ["范围正在使用", "仍有 API 资源引用此范围：先从这些资源中移除它"], ["Scope in use", "API resources still name this scope; remove it from them first"]),
    18007: def(404, ["API 范围不存在", "记录不存在或不属于当前租户"], ["API scope not found", "No such API scope in this tenant"]),
    18008: def(404, ["身份资源不存在", "记录不存在或不属于当前租户"], ["Identity resource not found", "No such identity resource in this tenant"]),
    18009: def(409, ["标准身份资源不能改名", "标准身份资源的名称固定"], ["Standard name is fixed", "A standard identity resource keeps its name"]),
  },
  export: {
    19001: def(404, ["导出任务不存在", "导出任务不存在或不是你创建的"], ["Export not found", "No such export job of yours"]),
    19002: def(409, ["导出尚未完成", "导出完成后才能下载"], ["Export not finished", "The file can be downloaded once the export is done"]),
    19003: def(400, ["不支持导出", "此列表不支持导出"], ["Not exportable", "This list cannot be exported"]),
    19004: def(404, ["导出文件已过期", "导出文件保留期已过并已删除，请重新导出"], ["Export expired", "The file was deleted after its retention period; export the list again"]),
  },
  file: {
    20001: def(415, ["文件类型不允许", "按文件内容判断，这种文件不能上传到这里"], ["File type not allowed", "Judged by its content, this file cannot be uploaded here"]),
    20002: def(413, ["文件太大", "文件超过了允许的大小"], ["File too large", "The file is larger than allowed here"]),
    20003: def(400, ["图片尺寸太大", "图片宽高不能超过 4096 像素"], ["Image too large", "Images may be at most 4096 × 4096 pixels"]),
    20004: def(400, ["图片无法解码", "文件看起来是图片，但内容已损坏"], ["Image cannot be decoded", "The file looks like an image but its content is damaged"]),
    20005: def(400, ["文件夹名称不合法", "文件夹名称须为 5–30 个字母或数字"], ["Invalid folder name", "A folder name is 5–30 letters or digits"]),
    20006: def(413, ["超出个人空间配额", "你上传的文件总量已达上限"], ["Personal quota exceeded", "Your uploads have reached your storage quota"]),
    20007: def(413, ["超出租户空间配额", "本租户的文件总量已达上限"], ["Tenant quota exceeded", "This tenant's files have reached its storage quota"]),
    20008: def(404, ["文件不存在", "文件不存在或不属于当前租户"], ["File not found", "No such file in this tenant"]),
    20009: def(400, ["上传地址无效", "上传地址已过期或签名不正确"], ["Invalid upload URL", "The upload URL has expired or its signature is wrong"]),
    20010: def(400, ["文件数量太多", "一次上传的文件超过了允许的数量"], ["Too many files", "More files than allowed in one upload"]),
    20011: def(400, ["没有文件", "请求中没有文件内容"], ["No file", "The request carries no file"]),
  },
} as const satisfies Record<string, Record<number, ErrorDef>>;

export type ErrorResource = keyof typeof ERROR_TABLES;
type Codes<T> = T extends Record<infer K, ErrorDef> ? K : never;
export type AppErrorCode = { [R in ErrorResource]: Codes<(typeof ERROR_TABLES)[R]> }[ErrorResource];

const ALL: Record<number, ErrorDef> = Object.assign({}, ...Object.values(ERROR_TABLES));

export type Locale = "zh-CN" | "en";

export function describeError(code: number, locale: Locale) {
  const d = ALL[code] ?? ALL[10000]!;
  const [name, description] = locale === "en" ? d.en : d.zh;
  return { code: ALL[code] ? code : 10000, status: d.status, name, description };
}

export function errorTable(resource: ErrorResource, locale: Locale) {
  return Object.keys(ERROR_TABLES[resource]).map((code) => {
    const { status, ...rest } = describeError(Number(code), locale);
    return { ...rest, status };
  });
}

