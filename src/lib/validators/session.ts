import { z } from "zod";
import { imageUrlSchema, listInput, refineRange, text } from "~/lib/validators/common";
import { SESSION_STATES, SESSION_SITES, SESSION_ORDER } from "./values";
export { SESSION_STATES, SESSION_SITES, SESSION_ORDER };

/**
 * Why a session its browser still names can no longer be used, as the sign-in page tells its
 * owner (`/login?reason=…`, or read from the dead session's cookie): a fixed set of message keys.
 */
export const SESSION_END_REASONS = ["frozen", "offline", "deleted", "ended", "expired"] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];
export const isSessionEndReason = (v: unknown): v is SessionEndReason => SESSION_END_REASONS.includes(v as SessionEndReason);

export const sessionListInput = listInput
  .extend({
    orderby: z.enum(SESSION_ORDER).default("createdAt"),
    state: z.enum(SESSION_STATES).optional(),
    site: z.enum(SESSION_SITES).optional(),
    method: text().trim().max(32).optional(),
    userId: z.uuid().optional(),
    /** Partial match on the user's name, phone or email. */
    user: text().trim().max(100).optional(),
    ip: text().trim().max(64).optional(),
    /** true: the recycle bin (soft-deleted sessions) instead of the live ones. */
    deleted: z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean()).default(false),
    /** Operators only: another tenant's sessions. */
    tenantId: z.uuid().optional(),
  })
  .superRefine(refineRange);
export type SessionListInput = z.input<typeof sessionListInput>;

export const DEVICE_TYPES = ["desktop", "mobile", "tablet", "other"] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** The User-Agent read for a person (the raw string stays in `userAgent`). */
export const userAgentInfo = z.object({
  /** "Chrome 131", "WeChat 8", "curl 8.4.0". */
  browser: z.string().nullable(),
  /** "Windows 10", "iOS 17.5". */
  os: z.string().nullable(),
  /** "Apple iPhone", "Vivo V2203A"; null for computers, which do not say. */
  model: z.string().nullable(),
  /** desktop, mobile, tablet; other for TVs, consoles and non-browser clients such as curl. */
  deviceType: z.enum(DEVICE_TYPES),
});
export type UserAgentInfo = z.infer<typeof userAgentInfo>;

/** Where the IP address is, from the offline ip2region database. */
export const ipPlace = z.object({
  /** A private, loopback or link-local address (IPv4 or IPv6): the local network. */
  local: z.boolean(),
  /** "中国 江苏省 南京市": country, province, city as far as known (the database's own language). */
  region: z.string().nullable(),
  /** The carrier or network ("阿里云", "中国电信"), when known. */
  isp: z.string().nullable(),
});
export type IpPlace = z.infer<typeof ipPlace>;

export const sessionItem = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  userId: z.uuid(),
  userName: z.string().nullable(),
  site: z.string(),
  method: z.string(),
  actingRole: z.string().nullable(),
  deviceId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** Parsed from `userAgent`; null without one. */
  agent: userAgentInfo.nullable(),
  /** Looked up from `ip`; null without an address (or an unreadable one). */
  ipPlace: ipPlace.nullable(),
  state: z.enum(SESSION_STATES),
  name: z.string().nullable(),
  brief: z.string().nullable(),
  avatar: z.string().nullable(),
  createdAt: z.date(),
  lastSeenAt: z.date(),
  expiresAt: z.date(),
  endedAt: z.date().nullable(),
  deletedAt: z.date().nullable(),
  current: z.boolean(),
});
export type SessionItem = z.infer<typeof sessionItem>;

export const sessionLabelInput = z.object({
  id: z.uuid(),
  name: text().trim().max(64).nullish(),
  brief: text().trim().max(200).nullish(),
  avatar: imageUrlSchema.nullish(),
});
