/**
 * Administering login sessions (seed 003 "loginx"): list, freeze / unfreeze, force offline,
 * soft-delete / recycle, delete for good; and the holder's own view. Every change takes effect
 * on the session's very next request because loadActor re-reads the record.
 */
import type { z } from "zod";
import type { Db } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import type { Actor } from "~/server/services/session";
import { AppError } from "~/server/errors";
import { writeAudit } from "~/server/services/audit";
import type { SessionItem, sessionLabelInput, sessionListInput } from "~/lib/validators/session";

type Who = Pick<Actor, "userId" | "tenantId" | "isOperator" | "sessionId"> & { ip?: string | null; userAgent?: string | null };

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
  (who: Who) =>
  (r: Row): SessionItem => {
    const { user, ...rest } = r;
    return { ...rest, userName: user.nickname ?? user.userName ?? user.phone ?? user.email, current: r.id === who.sessionId };
  };

/** Operators may look into any tenant; everyone else stays in their own. */
function tenantScope(who: Who, tenantId?: string): Prisma.LoginSessionWhereInput {
  if (who.isOperator) return tenantId ? { tenantId } : {};
  return { tenantId: who.tenantId };
}

export async function listSessions(db: Db, who: Who, input: z.output<typeof sessionListInput>) {
  const u = input.user;
  const where: Prisma.LoginSessionWhereInput = {
    AND: [
      tenantScope(who, input.tenantId),
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
  return { total, items: rows.map(toItem(who)) };
}

async function find(db: Db | Prisma.TransactionClient, who: Who, id: string, opts: { deleted?: boolean } = {}) {
  const row = await db.loginSession.findFirst({
    where: { AND: [{ id }, tenantScope(who), opts.deleted === undefined ? {} : { deletedAt: opts.deleted ? { not: null } : null }] },
    select,
  });
  if (!row) throw new AppError(13001);
  return row;
}

export async function getSession(db: Db, who: Who, id: string) {
  return toItem(who)(await find(db, who, id));
}

type Transition = "freeze" | "unfreeze" | "offline";
const TRANSITIONS: Record<Transition, { from: Row["state"][]; to: Row["state"] }> = {
  freeze: { from: ["active"], to: "frozen" },
  unfreeze: { from: ["frozen"], to: "active" },
  offline: { from: ["active", "frozen"], to: "offline" },
};

export async function changeSessionState(db: Db, who: Who, id: string, action: Transition) {
  const t = TRANSITIONS[action];
  return db.$transaction(async (tx) => {
    const before = await find(tx, who, id, { deleted: false });
    if (!t.from.includes(before.state)) throw new AppError(13002);
    const after = await tx.loginSession.update({
      where: { id },
      data: { state: t.to, ...(t.to === "offline" ? { endedAt: new Date() } : {}) },
      select,
    });
    await writeAudit(
      tx,
      { actorId: who.userId, tenantId: before.tenantId, ip: who.ip ?? null, userAgent: who.userAgent ?? null },
      `session.${action}`,
      id,
      { state: before.state },
      { state: after.state },
    );
    return toItem(who)(after);
  });
}

export async function softDeleteSession(db: Db, who: Who, id: string) {
  return db.$transaction(async (tx) => {
    const before = await find(tx, who, id, { deleted: false });
    const after = await tx.loginSession.update({ where: { id }, data: { deletedAt: new Date() }, select });
    await writeAudit(tx, { actorId: who.userId, tenantId: before.tenantId, ip: who.ip ?? null, userAgent: who.userAgent ?? null }, "session.delete", id);
    return toItem(who)(after);
  });
}

export async function recycleSession(db: Db, who: Who, id: string) {
  return db.$transaction(async (tx) => {
    const before = await find(tx, who, id, { deleted: true });
    const after = await tx.loginSession.update({ where: { id }, data: { deletedAt: null }, select });
    await writeAudit(tx, { actorId: who.userId, tenantId: before.tenantId, ip: who.ip ?? null, userAgent: who.userAgent ?? null }, "session.recycle", id);
    return toItem(who)(after);
  });
}

export async function purgeSession(db: Db, who: Who, id: string) {
  return db.$transaction(async (tx) => {
    const before = await find(tx, who, id);
    await tx.loginSession.delete({ where: { id } });
    await writeAudit(
      tx,
      { actorId: who.userId, tenantId: before.tenantId, ip: who.ip ?? null, userAgent: who.userAgent ?? null },
      "session.purge",
      id,
      toItem(who)(before),
    );
    return { id };
  });
}

/** The holder's own sessions: live ones, newest first. */
export async function listMySessions(db: Db, who: Who) {
  const rows = await db.loginSession.findMany({
    where: { userId: who.userId, deletedAt: null, state: { in: ["active", "frozen"] }, expiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: "desc" },
    take: 100,
    select,
  });
  return rows.map(toItem(who));
}

async function findMine(db: Db, who: Who, id: string) {
  const row = await db.loginSession.findFirst({ where: { id, userId: who.userId, deletedAt: null }, select: { id: true } });
  if (!row) throw new AppError(13001);
}

export async function labelMySession(db: Db, who: Who, input: z.output<typeof sessionLabelInput>) {
  await findMine(db, who, input.id);
  const row = await db.loginSession.update({
    where: { id: input.id },
    data: { name: input.name || null, brief: input.brief || null, avatar: input.avatar || null },
    select,
  });
  return toItem(who)(row);
}

export async function endMySession(db: Db, who: Who, id: string) {
  await findMine(db, who, id);
  await db.loginSession.updateMany({ where: { id, state: { in: ["active", "frozen"] } }, data: { state: "ended", endedAt: new Date() } });
  return { id };
}
