/**
 * Administering login sessions (seed 003 "loginx"): list, freeze / unfreeze, force offline,
 * soft-delete / recycle, delete for good; and the holder's own view. Every change takes effect
 * on the session's very next request because loadActor re-reads the record.
 */
import type { z } from "zod";
import type { Db, DbClient } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import { tenantWhere, type Scope } from "~/server/services/scope";
import { AppError } from "~/server/errors";
import { auditActor, writeAudit } from "~/server/services/audit";
import type { SessionItem, sessionLabelInput, sessionListInput } from "~/lib/validators/session";
import { describeUserAgent, locateIp } from "~/server/client-info";

const select = {
  id: true,
  tenantId: true,
  userId: true,
  site: true,
  method: true,
  actingRole: true,
  deviceId: true,
  ip: true,
  userAgent: true,
  state: true,
  name: true,
  brief: true,
  avatar: true,
  createdAt: true,
  lastSeenAt: true,
  expiresAt: true,
  endedAt: true,
  deletedAt: true,
  user: { select: { userName: true, nickname: true, phone: true, email: true } },
} satisfies Prisma.LoginSessionSelect;

type Row = Prisma.LoginSessionGetPayload<{ select: typeof select }>;

const toItem =
  (scope: Scope) =>
  (r: Row): SessionItem => {
    const { user, ...rest } = r;
    return {
      ...rest,
      userName: user.nickname ?? user.userName ?? user.phone ?? user.email,
      agent: describeUserAgent(r.userAgent),
      ipPlace: locateIp(r.ip),
      current: r.id === scope.actor.sessionId,
    };
  };

/** The record as stored, for the audit trail (without what toItem derives for display). */
const toRecord = ({ user, ...rest }: Row) => ({ ...rest, userName: user.nickname ?? user.userName ?? user.phone ?? user.email });

export async function listSessions(scope: Scope, input: z.output<typeof sessionListInput>) {
  const { db } = scope;
  const u = input.user;
  const where: Prisma.LoginSessionWhereInput = {
    AND: [
      tenantWhere(scope, input.tenantId),
      { deletedAt: input.deleted ? { not: null } : null },
      input.state ? { state: input.state } : {},
      input.site ? { site: input.site } : {},
      input.method ? { method: input.method } : {},
      input.userId ? { userId: input.userId } : {},
      input.ip ? { ip: { startsWith: input.ip } } : {},
      u
        ? {
            user: {
              OR: [
                { userName: { contains: u, mode: "insensitive" } },
                { nickname: { contains: u, mode: "insensitive" } },
                { phone: { contains: u } },
                { email: { contains: u.toLowerCase() } },
              ],
            },
          }
        : {},
      input.startTime || input.endTime ? { createdAt: { gte: input.startTime, lte: input.endTime } } : {},
    ],
  };
  const dir = input.asc ? "asc" : "desc";
  const [total, rows] = await db.$transaction([
    db.loginSession.count({ where }),
    db.loginSession.findMany({ where, orderBy: [{ [input.orderby]: dir }, { id: dir }], skip: input.skip, take: input.take, select }),
  ]);
  return { total, items: rows.map(toItem(scope)) };
}

async function find(db: DbClient, scope: Scope, id: string, opts: { deleted?: boolean } = {}) {
  const row = await db.loginSession.findFirst({
    where: { AND: [{ id }, tenantWhere(scope), opts.deleted === undefined ? {} : { deletedAt: opts.deleted ? { not: null } : null }] },
    select,
  });
  if (!row) throw new AppError(13001);
  return row;
}

export async function getSession(scope: Scope, id: string) {
  const { db } = scope;
  return toItem(scope)(await find(db, scope, id));
}

type Transition = "freeze" | "unfreeze" | "offline";
const TRANSITIONS: Record<Transition, { from: Row["state"][]; to: Row["state"] }> = {
  freeze: { from: ["active"], to: "frozen" },
  unfreeze: { from: ["frozen"], to: "active" },
  offline: { from: ["active", "frozen"], to: "offline" },
};

/**
 * Tells the apps the user signed in to through the tenant's OpenID Provider from these login
 * sessions (back-channel logout), after the change is committed; best effort, off the response
 * path. Loaded on first use, so instances that never served OpenID never load the provider.
 */
function notifyEnded(db: Db, ids: string[]) {
  void import("~/server/oidc/backchannel").then((m) => m.notifyLoginSessionsEnded(db, ids)).catch(() => undefined);
}

export async function changeSessionState(scope: Scope, id: string, action: Transition) {
  const { db } = scope;
  const t = TRANSITIONS[action];
  const item = await db.$transaction(async (tx) => {
    const before = await find(tx, scope, id, { deleted: false });
    if (!t.from.includes(before.state)) throw new AppError(13002);
    const after = await tx.loginSession.update({
      where: { id },
      data: { state: t.to, ...(t.to === "offline" ? { endedAt: new Date() } : {}) },
      select,
    });
    await writeAudit(tx, auditActor(scope, before.tenantId), `session.${action}`, id, { state: before.state }, { state: after.state });
    return toItem(scope)(after);
  });
  if (action !== "unfreeze") notifyEnded(db, [id]);
  return item;
}

export async function softDeleteSession(scope: Scope, id: string) {
  const { db } = scope;
  const item = await db.$transaction(async (tx) => {
    const before = await find(tx, scope, id, { deleted: false });
    const after = await tx.loginSession.update({ where: { id }, data: { deletedAt: new Date() }, select });
    await writeAudit(tx, auditActor(scope, before.tenantId), "session.delete", id);
    return toItem(scope)(after);
  });
  notifyEnded(db, [id]);
  return item;
}

export async function recycleSession(scope: Scope, id: string) {
  const { db } = scope;
  return db.$transaction(async (tx) => {
    const before = await find(tx, scope, id, { deleted: true });
    const after = await tx.loginSession.update({ where: { id }, data: { deletedAt: null }, select });
    await writeAudit(tx, auditActor(scope, before.tenantId), "session.recycle", id);
    return toItem(scope)(after);
  });
}

export async function purgeSession(scope: Scope, id: string) {
  const { db } = scope;
  const done = await db.$transaction(async (tx) => {
    const before = await find(tx, scope, id);
    await tx.loginSession.delete({ where: { id } });
    await writeAudit(tx, auditActor(scope, before.tenantId), "session.purge", id, toRecord(before));
    return { id };
  });
  notifyEnded(db, [id]);
  return done;
}

/** The holder's own sessions: live ones, newest first. */
export async function listMySessions(scope: Scope) {
  const rows = await scope.db.loginSession.findMany({
    where: { userId: scope.actor.userId, deletedAt: null, state: { in: ["active", "frozen"] }, expiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: "desc" },
    take: 100,
    select,
  });
  return rows.map(toItem(scope));
}

async function findMine(db: DbClient, scope: Scope, id: string) {
  const row = await db.loginSession.findFirst({ where: { id, userId: scope.actor.userId, deletedAt: null }, select: { id: true } });
  if (!row) throw new AppError(13001);
}

export async function labelMySession(scope: Scope, input: z.output<typeof sessionLabelInput>) {
  const { db } = scope;
  await findMine(db, scope, input.id);
  const row = await db.loginSession.update({
    where: { id: input.id },
    data: { name: input.name || null, brief: input.brief || null, avatar: input.avatar || null },
    select,
  });
  return toItem(scope)(row);
}

/** Ends one of the holder's sessions (audited like an administrator's change). */
export async function endMySession(scope: Scope, id: string) {
  const { db } = scope;
  await findMine(db, scope, id);
  await db.loginSession.updateMany({ where: { id, state: { in: ["active", "frozen"] } }, data: { state: "ended", endedAt: new Date() } });
  await writeAudit(db, auditActor(scope), "me.endSession", id);
  notifyEnded(db, [id]);
  return { id };
}
