import { z } from "zod";
import { listInput, refineRange, text, urlText } from "~/lib/validators/common";

export const SESSION_STATES = ["active", "frozen", "offline", "ended"] as const;
export const SESSION_SITES = ["platform", "admin", "web"] as const;
export const SESSION_ORDER = ["createdAt", "lastSeenAt"] as const;
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
  avatar: z.union([urlText().max(1000), z.literal("")]).nullish(),
});
