/**
 * The choice lists of the shared schemas, with no run-time zod: a page that only shows them
 * (filters, tags, sort orders) loads none of zod; the schemas beside them import them from here.
 */

// api.ts
export const API_ORDER = ["createdAt", "updatedAt", "name"] as const;
/**
 * OpenID Connect Core 1.0 §5.4: the standard scopes and the claims each one asks for. Display texts
 * in both languages: the seed stores the English ones; src/lib/seeded-text.ts shows the viewer's.
 */
export const STANDARD_IDENTITY_RESOURCES = [
  { name: "openid", displayName: { en: "OpenID", "zh-CN": "OpenID" }, description: { en: "Your user identifier", "zh-CN": "你的用户标识" }, claims: ["sub"] },
  {
    name: "profile",
    displayName: { en: "Profile", "zh-CN": "个人资料" },
    description: { en: "Your profile: name, nickname, picture, gender, birthday and more", "zh-CN": "你的个人资料：姓名、昵称、头像、性别、生日等" },
    claims: [
      "name",
      "family_name",
      "given_name",
      "middle_name",
      "nickname",
      "preferred_username",
      "profile",
      "picture",
      "website",
      "gender",
      "birthdate",
      "zoneinfo",
      "locale",
      "updated_at",
    ],
  },
  {
    name: "email",
    displayName: { en: "Email", "zh-CN": "邮箱" },
    description: { en: "Your email address", "zh-CN": "你的邮箱地址" },
    claims: ["email", "email_verified"],
  },
  {
    name: "phone",
    displayName: { en: "Phone", "zh-CN": "手机号" },
    description: { en: "Your phone number", "zh-CN": "你的手机号码" },
    claims: ["phone_number", "phone_number_verified"],
  },
  {
    name: "address",
    displayName: { en: "Address", "zh-CN": "地址" },
    description: { en: "Your postal address", "zh-CN": "你的邮寄地址" },
    claims: ["address"],
  },
] as const;

// client.ts
export const CLIENT_ORDER = ["createdAt", "updatedAt", "name"] as const;

// dashboard.ts
/** The ranges a dashboard chart offers: the last 7, 30 or 90 days, today included. */
export const DASHBOARD_RANGES = [7, 30, 90] as const;

// export.ts
/** An export is a job (kind "export"): its statuses are every job's, `cancelled` through job.cancel. */
export const EXPORT_STATUSES = ["queued", "running", "done", "failed", "cancelled"] as const;

// file.ts
export const FILE_KINDS = ["image", "video", "document", "avatar"] as const;

// profile.ts
export const GENDERS = ["male", "female", "other"] as const;

// role.ts
export const ROLE_ORDER = ["createdAt", "name", "updatedAt"] as const;

// session.ts
export const SESSION_STATES = ["active", "frozen", "offline", "ended"] as const;
export const SESSION_SITES = ["platform", "admin", "web"] as const;
export const SESSION_ORDER = ["createdAt", "lastSeenAt"] as const;

// tenant.ts
export const TENANT_STATUSES = ["created", "enabled", "disabled"] as const;
export const TENANT_ORDER = ["createdAt", "updatedAt", "name"] as const;

// user.ts
export const USER_STATUSES = ["active", "disabled"] as const;
export const USER_ORDER = ["createdAt", "userName", "phone", "email"] as const;

/** A nickname's longest length, wherever one is typed (my account, a user's profile, sign-up). */
export const NICKNAME_MAX = 64;
