import type { Db } from "~/server/db";
import { OPERATOR_PERMISSIONS } from "~/lib/permissions";
import { tenantSettings } from "~/server/services/tenant-settings";

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
  locale: string | null;
  roles: string[];
  permissions: string[];
  /**
   * Set when the caller is an OAuth client with a client-credentials token, not a user: then
   * userId is the client's row id (what audit rows record), permissions are exactly the
   * token's scopes, and procedures that need a user refuse it.
   */
  client?: { id: string; clientId: string; ownerId: string | null; ownerManagesAll: boolean };
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

export async function createLoginSession(db: Db, s: NewSession) {
  const now = Date.now();
  const policy = s.site === "web" ? sessionPolicy("web", await tenantSettings(db, s.tenantId)) : SESSION_POLICY[s.site];
  return db.loginSession.create({
    data: {
      tenantId: s.tenantId,
      userId: s.userId,
      site: s.site,
      method: s.method,
      actingRole: s.actingRole ?? null,
      ip: s.ip?.slice(0, 64) ?? null,
      userAgent: s.userAgent?.slice(0, 512) ?? null,
      deviceId: s.deviceId?.slice(0, 128) ?? null,
      expiresAt: new Date(now + policy.absoluteMs),
      idleSeconds: Math.round(policy.idleMs / 1000),
    },
    select: { id: true, expiresAt: true },
  });
}

export async function endLoginSession(db: Db, sessionId: string) {
  await db.loginSession.updateMany({
    where: { id: sessionId, state: "active" },
    data: { state: "ended", endedAt: new Date() },
  });
}

/**
 * The caller behind a session id, or null when the session is not usable right now: ended,
 * frozen, offline, deleted, expired, idle too long, bound to another tenant, or its user or
 * tenant disabled. Checked on every request, so a change takes effect at once.
 */
export async function loadActor(db: Db, sessionId: string, tenantId: string): Promise<Actor | null> {
  const s = await db.loginSession.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      tenantId: true,
      site: true,
      state: true,
      deletedAt: true,
      expiresAt: true,
      lastSeenAt: true,
      idleSeconds: true,
      actingRole: true,
      tenant: { select: { status: true } },
      user: {
        select: {
          id: true,
          status: true,
          deletedAt: true,
          isOperator: true,
          userName: true,
          nickname: true,
          phone: true,
          email: true,
          locale: true,
          roles: { select: { role: { select: { name: true, permissions: true } } } },
        },
      },
    },
  });
  if (!s || s.state !== "active" || s.deletedAt) return null;
  const now = Date.now();
  if (s.expiresAt.getTime() <= now || s.lastSeenAt.getTime() + s.idleSeconds * 1000 <= now) return null;
  const u = s.user;
  if (u.status !== "active" || u.deletedAt) return null;
  // Operators work from any host; everybody else only on their own tenant's hosts.
  if (!u.isOperator && (s.tenantId !== tenantId || s.tenant.status !== "enabled")) return null;

  if (now - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.loginSession.update({ where: { id: s.id }, data: { lastSeenAt: new Date(now) } });
  }
  const held = u.roles.map((r) => r.role).filter((r) => !s.actingRole || r.name === s.actingRole);
  const permissions = u.isOperator ? [...OPERATOR_PERMISSIONS] : [...new Set(held.flatMap((r) => r.permissions))];
  return {
    userId: u.id,
    tenantId: s.tenantId,
    sessionId: s.id,
    isOperator: u.isOperator,
    userName: u.userName,
    nickname: u.nickname,
    displayName: u.nickname ?? u.userName ?? u.phone ?? u.email ?? "",
    locale: u.locale,
    roles: held.map((r) => r.name),
    permissions,
  };
}
