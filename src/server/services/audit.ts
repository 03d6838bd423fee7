import type { z } from "zod";
import type { DbClient } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";
import { tenantWhere, type Scope } from "~/server/services/scope";
import type { AuditItem, auditListInput } from "~/lib/validators/audit";

export interface AuditActor {
  actorId: string | null;
  tenantId: string | null;
  ip: string | null;
  /** The caller's User-Agent (ctx.userAgent); optional so older call sites keep compiling. */
  userAgent?: string | null;
  /** The OAuth client (row id) the user acted through (an app's access token), if any. */
  clientId?: string | null;
}

/** Who an audit row says acted: the scope's actor and request, in `tenantId` (default: the actor's tenant). */
export const auditActor = (scope: Pick<Scope, "actor" | "audit">, tenantId: string | null = scope.actor.tenantId): AuditActor => ({
  actorId: scope.actor.userId,
  tenantId,
  ip: scope.audit.ip,
  userAgent: scope.audit.userAgent,
  clientId: scope.actor.app?.id ?? null,
});

export const MASK = "***";

/** Keys whose values never reach the audit log (compared case-insensitively). */
const SECRET_KEYS = new Set(
  [
    "password",
    "passwordHash",
    "secret",
    "token",
    "hash",
    "privateJwk",
    "codeHash",
    "clientSecret",
    "secretHash",
    "accessToken",
    "refreshToken",
    "appSecret",
  ].map((k) => k.toLowerCase()),
);
const isSecretKey = (key: string) => {
  const k = key.toLowerCase();
  return SECRET_KEYS.has(k) || /(password|secret|token)$/.test(k) || k.endsWith("hash");
};

/**
 * A copy of `value` with every secret replaced by "***": values under secret-looking keys, and
 * the value of any `{ secret: true, value }` entry (tenant properties marked secret). A boolean
 * under a secret key is a flag (`secret: false`), not a secret, and is kept.
 */
export function maskSecrets(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return MASK;
  if (typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  const secretEntry = obj.secret === true && "value" in obj;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (secretEntry && k === "value") out[k] = v === null || v === "" ? v : MASK;
    else if (isSecretKey(k) && v !== null && typeof v !== "boolean") out[k] = MASK;
    else out[k] = maskSecrets(v);
  }
  return out;
}

const json = (v: unknown) => (v === undefined ? undefined : (JSON.parse(JSON.stringify(maskSecrets(v))) as Prisma.InputJsonValue));

/** Every admin mutation writes one entry; secrets in before/after are masked here, whatever the caller sent. */
export async function writeAudit(db: DbClient, who: AuditActor, action: string, recordId: string | null, before?: unknown, after?: unknown) {
  await db.auditLog.create({
    data: {
      tenantId: who.tenantId,
      actorId: who.actorId,
      clientId: who.clientId ?? null,
      ip: who.ip?.slice(0, 64) ?? null,
      userAgent: who.userAgent?.slice(0, 512) ?? null,
      action,
      recordId,
      before: json(before),
      after: json(after),
    },
  });
}

type ListInput = z.output<typeof auditListInput>;

/** The WHERE of the audit list, shared by the table and the exporter. */
export async function auditWhere({ db, actor }: Pick<Scope, "db" | "actor">, input: ListInput): Promise<Prisma.AuditLogWhereInput> {
  // Tenant administrators only ever see their own tenant; operators all, or the one they pick.
  const and: Prisma.AuditLogWhereInput[] = [tenantWhere({ actor }, input.tenantId)];
  if (input.actorId) and.push({ actorId: input.actorId });
  if (input.actor) {
    const q = input.actor;
    const users = await db.user.findMany({
      where: {
        ...tenantWhere({ actor }),
        OR: [
          { userName: { contains: q, mode: "insensitive" } },
          { nickname: { contains: q, mode: "insensitive" } },
          { phone: { contains: q } },
          { email: { contains: q, mode: "insensitive" } },
        ],
      },
      select: { id: true },
      take: 500,
    });
    and.push({ actorId: { in: users.map((u) => u.id) } });
  }
  if (input.resource) and.push({ action: { startsWith: `${input.resource}.` } });
  if (input.action) and.push({ action: { contains: input.action, mode: "insensitive" } });
  if (input.recordId) and.push({ recordId: input.recordId });
  if (input.startTime || input.endTime) and.push({ createdAt: { gte: input.startTime, lte: input.endTime } });
  return { AND: and };
}

/**
 * Newest first. Paging is by offset (skip) for the table's page numbers, or by keyset (`cursor`:
 * the last row's id) for the exporter and for API callers walking a long log.
 */
export async function listAudit(scope: Scope, input: ListInput) {
  const { db } = scope;
  const where = await auditWhere(scope, input);
  let page: Prisma.AuditLogWhereInput = where;
  if (input.cursor) {
    const last = await db.auditLog.findFirst({ where: { AND: [where, { id: input.cursor }] }, select: { id: true, createdAt: true } });
    if (last)
      page = {
        AND: [where, { OR: [{ createdAt: { lt: last.createdAt } }, { createdAt: last.createdAt, id: { lt: last.id } }] }],
      };
  }
  const [total, rows] = await db.$transaction([
    db.auditLog.count({ where }),
    db.auditLog.findMany({
      where: page,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: input.cursor ? 0 : input.skip,
      take: input.take,
    }),
  ]);
  const actorIds = [...new Set(rows.flatMap((r) => (r.actorId ? [r.actorId] : [])))];
  const tenantIds = [...new Set(rows.flatMap((r) => (r.tenantId ? [r.tenantId] : [])))];
  const clientIds = [...new Set(rows.flatMap((r) => (r.clientId ? [r.clientId] : [])))];
  const [users, tenants, clients] = await Promise.all([
    db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, userName: true, nickname: true, phone: true, email: true } }),
    db.tenant.findMany({ where: { id: { in: tenantIds } }, select: { id: true, name: true } }),
    clientIds.length ? db.oAuthClient.findMany({ where: { id: { in: clientIds } }, select: { id: true, name: true } }) : [],
  ]);
  const clientName = new Map(clients.map((c) => [c.id, c.name]));
  const actorName = new Map(users.map((u) => [u.id, u.nickname ?? u.userName ?? u.phone ?? u.email ?? u.id]));
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  const items: AuditItem[] = rows.map((r) => ({
    id: r.id,
    tenantId: r.tenantId,
    tenantName: r.tenantId ? (tenantName.get(r.tenantId) ?? null) : null,
    actorId: r.actorId,
    actorName: r.actorId ? (actorName.get(r.actorId) ?? null) : null,
    clientId: r.clientId,
    clientName: r.clientId ? (clientName.get(r.clientId) ?? null) : null,
    action: r.action,
    recordId: r.recordId,
    before: r.before ?? null,
    after: r.after ?? null,
    ip: r.ip,
    userAgent: r.userAgent,
    createdAt: r.createdAt,
  }));
  const nextCursor = rows.length === input.take ? rows[rows.length - 1]!.id : null;
  return { total, items, nextCursor };
}
