import type { Db } from "~/server/db";
import { Prisma } from "~/generated/prisma/client";
import { UUID_RE, userRolesJson, uuid7, type RoleJson } from "~/server/db/sql";
import { readRows } from "~/server/db/fast-read";
import { OPERATOR_PERMISSIONS } from "~/lib/permissions";
import { tenantSettings } from "~/server/services/tenant-settings";
import { normalizeHost, resolveTenant, type ResolvedTenant } from "~/server/services/host";
import type { SessionEndReason } from "~/lib/validators/session";
import { noteChange } from "~/server/security/change-epoch";

export type Site = "platform" | "admin" | "web";

/** Console sessions: 12 h absolute, 30 min idle. End-user sites: 7 days, 24 h idle. */
export const SESSION_POLICY: Record<Site, { absoluteMs: number; idleMs: number }> = {
  platform: { absoluteMs: 12 * 3600_000, idleMs: 30 * 60_000 },
  admin: { absoluteMs: 12 * 3600_000, idleMs: 30 * 60_000 },
  web: { absoluteMs: 7 * 24 * 3600_000, idleMs: 24 * 3600_000 },
};

/** lastSeenAt is written at most this often, to keep reads cheap. */
const TOUCH_EVERY_MS = 60_000;

export interface Actor {
  userId: string;
  tenantId: string;
  sessionId: string;
  isOperator: boolean;
  userName: string | null;
  nickname: string | null;
  /** What to call the user: nickname, user name, phone or email, whichever is set first. */
  displayName: string;
  /** The user's avatar URL (null for clients and users without one). */
  avatar?: string | null;
  locale: string | null;
  roles: string[];
  permissions: string[];
  /**
   * Set when the caller is an OAuth client with a client-credentials token, not a user: then
   * userId is the client's row id (what audit rows record), permissions are the token's scopes
   * ∩ the client's current scopes ∩ its owner's current permissions, and procedures that need a
   * user refuse it.
   */
  client?: { id: string; clientId: string; ownerId: string | null; ownerManagesAll: boolean };
  /**
   * Set when a user calls through an app: an access token of the tenant's OpenID Provider for our
   * API (src/server/oidc/api-token.ts). The actor is the user; permissions are the user's ∩ the
   * token's scopes ∩ the client's current scopes; `id` is the OAuthClient row (audit rows name it).
   */
  app?: { id: string; clientId: string };
  /** An administrator chose the user's password: until they choose their own, only `allowDuringPasswordChange` procedures answer. */
  mustChangePassword?: boolean;
}

/**
 * The policy for a new session: console sites are fixed; end-user sites follow the tenant's
 * `session.webDays` and `session.webIdleHours` properties when set.
 */
export function sessionPolicy(site: Site, settings: Record<string, string> = {}) {
  if (site !== "web") return SESSION_POLICY[site];
  const days = Number(settings["session.webDays"]);
  const idleHours = Number(settings["session.webIdleHours"]);
  return {
    absoluteMs: Number.isFinite(days) && days > 0 && days <= 365 ? days * 86400_000 : SESSION_POLICY.web.absoluteMs,
    idleMs: Number.isFinite(idleHours) && idleHours > 0 && idleHours <= 24 * 365 ? idleHours * 3600_000 : SESSION_POLICY.web.idleMs,
  };
}

export interface NewSession {
  tenantId: string;
  userId: string;
  site: Site;
  method: string;
  actingRole?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  deviceId?: string | null;
}

export async function createLoginSession(db: Db, s: NewSession): Promise<{ id: string; expiresAt: Date }> {
  const now = Date.now();
  const policy = s.site === "web" ? sessionPolicy("web", await tenantSettings(db, s.tenantId)) : SESSION_POLICY[s.site];
  // One plain INSERT on every sign-in (Prisma's create compiles and interprets its query: ~1 ms of CPU).
  const [row] = await readRows<{ id: string; expiresAt: Date }[]>(
    db,
    Prisma.sql`
    INSERT INTO "LoginSession" ("id", "tenantId", "userId", "site", "method", "actingRole", "ip", "userAgent", "deviceId", "expiresAt", "idleSeconds")
    VALUES (${uuid7(new Date(now))}::uuid, ${s.tenantId}::uuid, ${s.userId}::uuid, ${s.site}, ${s.method}, ${s.actingRole ?? null},
            ${s.ip?.slice(0, 64) ?? null}, ${s.userAgent?.slice(0, 512) ?? null}, ${s.deviceId?.slice(0, 128) ?? null},
            ${new Date(now + policy.absoluteMs)}::timestamptz, ${Math.round(policy.idleMs / 1000)}::int)
    RETURNING "id"::text AS "id", "expiresAt"`,
    "uc_session_insert",
  );
  return row!;
}

export async function endLoginSession(db: Db, sessionId: string) {
  await db.loginSession.updateMany({
    where: { id: sessionId, state: "active" },
    data: { state: "ended", endedAt: new Date() },
  });
  noteChange();
}

interface ActorRow {
  id: string;
  tenantId: string;
  state: string;
  deletedAt: Date | null;
  expiresAt: Date;
  lastSeenAt: Date;
  idleSeconds: number;
  actingRole: string | null;
  tenantStatus: string;
  userId: string;
  userStatus: string;
  userDeletedAt: Date | null;
  isOperator: boolean;
  userName: string | null;
  nickname: string | null;
  phone: string | null;
  email: string | null;
  locale: string | null;
  avatar: string | null;
  mustChangePassword: boolean;
  roles: RoleJson[];
}

/** One row per session: itself, its tenant's status, the user and their roles (`sessionId` a uuid). */
const actorSelect = (sessionId: string) => Prisma.sql`
    SELECT s."id"::text AS "id", s."tenantId"::text AS "tenantId", s."state"::text AS "state", s."deletedAt", s."expiresAt",
           s."lastSeenAt", s."idleSeconds", s."actingRole", t."status"::text AS "tenantStatus",
           u."id"::text AS "userId", u."status"::text AS "userStatus", u."deletedAt" AS "userDeletedAt", u."isOperator",
           u."userName", u."nickname", u."phone", u."email", u."locale", u."avatar", u."mustChangePassword", ${userRolesJson(Prisma.raw('u."id"'))} AS "roles"
    FROM "LoginSession" s JOIN "Tenant" t ON t."id" = s."tenantId" JOIN "User" u ON u."id" = s."userId"
    WHERE s."id" = ${sessionId}::uuid`;

/**
 * The caller behind a session id, or null when the session is not usable right now: ended,
 * frozen, offline, deleted, expired, idle too long, bound to another tenant, or its user or
 * tenant disabled. Checked on every request, so a change takes effect at once.
 */
export async function loadActor(db: Db, sessionId: string, tenantId: string): Promise<Actor | null> {
  if (!UUID_RE.test(sessionId)) return null;
  const [s] = await readRows<ActorRow[]>(db, Prisma.sql`${actorSelect(sessionId)}`);
  return s ? actorOf(db, s, tenantId) : null;
}

/**
 * The tenant bound to `host` and the caller behind `sessionId` on it, in one statement: every
 * authenticated request needs both, and each round trip costs more CPU than the rest of a read.
 * `ended` says why a session the cookie still names is over (from the same row, at no cost).
 */
export async function loadTenantAndActor(
  db: Db,
  host: string,
  sessionId: string,
): Promise<{ tenant: ResolvedTenant | null; actor: Actor | null; ended: SessionEndReason | null }> {
  const name = normalizeHost(host);
  if (!name || !UUID_RE.test(sessionId)) return { tenant: await resolveTenant(db, host), actor: null, ended: null };
  const [row] = await readRows<(Omit<ActorRow, "id"> & { id: string | null; hostTenant: ResolvedTenant })[]>(
    db,
    Prisma.sql`
    SELECT json_build_object('id', t."id", 'name', t."name", 'status', t."status", 'isDefault', t."isDefault") AS "hostTenant", a.*
    FROM "TenantHost" h JOIN "Tenant" t ON t."id" = h."tenantId"
    LEFT JOIN (${actorSelect(sessionId)}) a ON true
    WHERE h."host" = ${name}
    LIMIT 1`,
  );
  if (!row) return { tenant: null, actor: null, ended: null };
  const { hostTenant: tenant, ...s } = row;
  if (!s.id) return { tenant, actor: null, ended: "deleted" };
  const actor = await actorOf(db, s as ActorRow, tenant.id);
  return { tenant, actor, ended: actor ? null : sessionEndReason(s as ActorRow, Date.now()) };
}

/**
 * Why a session record can no longer be used, in the words its owner is told; null when it can,
 * or when it is refused for another cause (its user or tenant disabled, another tenant's host),
 * which the sign-in page does not explain.
 */
export function sessionEndReason(s: Pick<ActorRow, "state" | "deletedAt" | "expiresAt" | "lastSeenAt" | "idleSeconds">, now: number): SessionEndReason | null {
  if (s.deletedAt) return "deleted";
  if (s.state === "frozen" || s.state === "offline" || s.state === "ended") return s.state;
  const lastSeen = new Date(s.lastSeenAt).getTime();
  if (new Date(s.expiresAt).getTime() <= now || lastSeen + s.idleSeconds * 1000 <= now) return "expired";
  return null;
}

async function actorOf(db: Db, s: ActorRow, tenantId: string): Promise<Actor | null> {
  const now = Date.now();
  if (s.state !== "active" || sessionEndReason(s, now)) return null;
  const lastSeen = new Date(s.lastSeenAt).getTime();
  if (s.userStatus !== "active" || s.userDeletedAt) return null;
  // Operators work from any host; everybody else only on their own tenant's hosts.
  if (!s.isOperator && (s.tenantId !== tenantId || s.tenantStatus !== "enabled")) return null;

  if (now - lastSeen > TOUCH_EVERY_MS) {
    await db.loginSession.update({ where: { id: s.id }, data: { lastSeenAt: new Date(now) } });
  }
  const held = s.roles.filter((r) => !s.actingRole || r.name === s.actingRole);
  const permissions = s.isOperator ? [...OPERATOR_PERMISSIONS] : [...new Set(held.flatMap((r) => r.permissions))];
  return {
    userId: s.userId,
    tenantId: s.tenantId,
    sessionId: s.id,
    isOperator: s.isOperator,
    userName: s.userName,
    nickname: s.nickname,
    displayName: s.nickname ?? s.userName ?? s.phone ?? s.email ?? "",
    avatar: s.avatar,
    locale: s.locale,
    roles: held.map((r) => r.name),
    permissions,
    mustChangePassword: s.mustChangePassword,
  };
}
