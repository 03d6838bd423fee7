/**
 * Uploaded files: what arrives is judged by its bytes (`checkFileContent`), images are re-encoded,
 * quotas are checked, and the row is written in one transaction with its audit entry. Anything
 * refused is removed from the file store again, so nothing is left behind on disk or in the
 * database. Used by the uploadthing file router (console uploads), /api/v1 (programs) and the
 * tRPC `file` router.
 */
import { createHash } from "node:crypto";
import type { z } from "zod";
import type { Db, DbClient } from "~/server/db";
import type { Scope } from "~/server/services/scope";
import type { FileKind, Prisma } from "~/generated/prisma/client";
import { AppError } from "~/server/errors";
import { auditActor, writeAudit } from "~/server/services/audit";
import { tenantSettings } from "~/server/services/tenant-settings";
import { MAX_BYTES, checkFileContent } from "~/server/files/validate";
import { fileStore, type StoredBytes } from "~/server/files/store";
import { hasPermission } from "~/lib/permissions";
import { todayFolder, type FileItem, type fileListInput } from "~/lib/validators/file";

const MB = 1024 * 1024;
/** Defaults, overridable per tenant with the `files.userQuotaMB` and `files.tenantQuotaMB` properties. */
export const DEFAULT_QUOTAS = { userMB: 200, tenantMB: 5 * 1024 };

/** The longest name a file keeps, in characters (code points). */
export const MAX_FILE_NAME = 200;

/**
 * A file's name as the library keeps it: whatever the client sent, with control characters (C0,
 * DEL, C1), lone surrogates and bidirectional overrides (which make "evil\u202Efdp.exe" read as
 * "evilexe.pdf") removed, trimmed, cut to 200 characters without splitting a pair, and "file"
 * when nothing is left. Every way in (multipart, base64, uploadthing) names its files through
 * here, so no such character reaches the database, the store or a download header.
 */
export function cleanFileName(name: string): string {
  const cleaned = Array.from(name.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g, ""))
    .filter((c) => !/^[\ud800-\udfff]$/.test(c))
    .join("")
    .trim();
  const capped = Array.from(cleaned).slice(0, MAX_FILE_NAME).join("").trim();
  return capped || "file";
}

export async function quotas(db: Db, tenantId: string) {
  const s = await tenantSettings(db, tenantId);
  const num = (v: string | undefined, d: number) => (Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : d);
  return { user: num(s["files.userQuotaMB"], DEFAULT_QUOTAS.userMB) * MB, tenant: num(s["files.tenantQuotaMB"], DEFAULT_QUOTAS.tenantMB) * MB };
}

const sumSize = async (db: DbClient, where: Prisma.StoredFileWhereInput) => (await db.storedFile.aggregate({ where, _sum: { size: true } }))._sum.size ?? 0;

/** Refuses `adding` more bytes when the uploader's or the tenant's quota would be passed. */
export async function assertQuota(db: DbClient, q: { user: number; tenant: number }, tenantId: string, ownerId: string | null, adding: number) {
  if (ownerId && (await sumSize(db, { tenantId, ownerId })) + adding > q.user) throw new AppError(20006);
  if ((await sumSize(db, { tenantId })) + adding > q.tenant) throw new AppError(20007);
}

export async function usage(scope: Scope) {
  const { db } = scope;
  const q = await quotas(db, scope.tenant.id);
  return {
    userBytes: await sumSize(db, { tenantId: scope.tenant.id, ownerId: scope.actor.userId }),
    userQuota: q.user,
    tenantBytes: await sumSize(db, { tenantId: scope.tenant.id }),
    tenantQuota: q.tenant,
  };
}

export interface ArrivedFile {
  tenantId: string;
  actorId: string;
  ownerId: string | null;
  clientId: string | null;
  kind: FileKind;
  folder: string | undefined;
  name: string;
  stored: StoredBytes;
  /** Narrower than the kind allows (the base64 endpoint takes PNG only). */
  onlyMime?: string;
  ip?: string | null;
  userAgent?: string | null;
}

const toItem = (r: Prisma.StoredFileGetPayload<object>, ownerName: string | null = null): FileItem => ({
  id: r.id,
  tenantId: r.tenantId,
  ownerId: r.ownerId,
  ownerName,
  clientId: r.clientId,
  folder: r.folder,
  kind: r.kind,
  mime: r.mime,
  ext: r.ext,
  name: r.name,
  size: r.size,
  width: r.width,
  height: r.height,
  checksum: r.checksum,
  url: r.url,
  createdAt: r.createdAt,
});

/**
 * Takes a file whose bytes are already in the store: checks them, re-encodes images, checks the
 * quotas and records it (an avatar also becomes the owner's avatar, replacing the previous one).
 * On any refusal the bytes are removed and the AppError is rethrown.
 */
export async function acceptFile(db: Db, f: ArrivedFile): Promise<FileItem> {
  const store = fileStore();
  let stored = f.stored;
  const name = cleanFileName(f.name);
  try {
    const checked = await checkFileContent(f.kind, await store.read(f.tenantId, stored));
    if (f.onlyMime && checked.mime !== f.onlyMime) throw new AppError(20001);
    if (f.kind === "image" || f.kind === "avatar") stored = await store.replace(f.tenantId, stored, name, checked.mime, checked.bytes);
    const q = await quotas(db, f.tenantId);
    const { row, replaced } = await db.$transaction(async (tx) => {
      await assertQuota(tx, q, f.tenantId, f.ownerId, checked.bytes.length);
      const row = await tx.storedFile.create({
        data: {
          tenantId: f.tenantId,
          ownerId: f.ownerId,
          clientId: f.clientId,
          folder: f.folder ?? todayFolder(),
          kind: f.kind,
          mime: checked.mime,
          ext: checked.ext,
          name,
          size: checked.bytes.length,
          width: checked.width,
          height: checked.height,
          checksum: createHash("sha256").update(checked.bytes).digest("hex"),
          storageKey: stored.key,
          url: stored.url,
        },
      });
      let replaced: { id: string; storageKey: string } | null = null;
      if (f.kind === "avatar" && f.ownerId) {
        const user = await tx.user.findUniqueOrThrow({ where: { id: f.ownerId }, select: { avatar: true } });
        replaced = user.avatar
          ? await tx.storedFile.findFirst({ where: { tenantId: f.tenantId, url: user.avatar, kind: "avatar" }, select: { id: true, storageKey: true } })
          : null;
        if (replaced) await tx.storedFile.delete({ where: { id: replaced.id } });
        await tx.user.update({ where: { id: f.ownerId }, data: { avatar: row.url } });
      }
      await writeAudit(tx, { actorId: f.actorId, tenantId: f.tenantId, ip: f.ip ?? null, userAgent: f.userAgent }, "file.create", row.id, undefined, row);
      return { row, replaced };
    });
    if (replaced) await store.remove(f.tenantId, replaced.storageKey).catch(() => undefined);
    return toItem(row);
  } catch (e) {
    await store.remove(f.tenantId, stored.key).catch(() => undefined);
    throw e;
  }
}

/** Programs' uploads (multipart or base64 through /api/v1): stored, then accepted like any other. */
export async function uploadBytes(scope: Scope, u: { kind: FileKind; folder: string | undefined; name: string; bytes: Buffer; onlyMime?: string }) {
  const { db } = scope;
  if (u.bytes.length > MAX_BYTES[u.kind]) throw new AppError(20002);
  const q = await quotas(db, scope.tenant.id);
  await assertQuota(db, q, scope.tenant.id, scope.actor.client ? null : scope.actor.userId, u.bytes.length);
  const name = cleanFileName(u.name);
  const stored = await fileStore().create(scope.tenant.id, name, "application/octet-stream", u.bytes);
  return acceptFile(db, {
    tenantId: scope.tenant.id,
    actorId: scope.actor.client?.id ?? scope.actor.userId,
    ownerId: scope.actor.client ? null : scope.actor.userId,
    clientId: scope.actor.client?.id ?? null,
    kind: u.kind,
    folder: u.folder,
    name,
    stored,
    onlyMime: u.onlyMime,
    ip: scope.audit.ip,
    userAgent: scope.audit.userAgent,
  });
}

type ListInput = z.output<typeof fileListInput>;

/** Keyset-friendly listing, newest first; everybody sees their own tenant's files (operators any host's). */
export async function listFiles(scope: Scope, input: ListInput) {
  const { db } = scope;
  const where: Prisma.StoredFileWhereInput = {
    tenantId: scope.tenant.id,
    ...(input.kind ? { kind: input.kind } : {}),
    ...(input.folder ? { folder: input.folder } : {}),
    ...(input.mine ? { ownerId: scope.actor.userId } : input.ownerId ? { ownerId: input.ownerId } : {}),
    ...(input.startTime || input.endTime ? { createdAt: { gte: input.startTime, lte: input.endTime } } : {}),
  };
  const order = input.asc ? "asc" : "desc";
  const [total, rows] = await Promise.all([
    db.storedFile.count({ where }),
    db.storedFile.findMany({ where, orderBy: [{ createdAt: order }, { id: order }], skip: input.skip, take: input.take }),
  ]);
  const ownerIds = [...new Set(rows.map((r) => r.ownerId).filter((x): x is string => !!x))];
  const owners = ownerIds.length
    ? await db.user.findMany({ where: { id: { in: ownerIds } }, select: { id: true, nickname: true, userName: true, phone: true, email: true } })
    : [];
  const names = new Map(owners.map((o) => [o.id, o.nickname ?? o.userName ?? o.phone ?? o.email ?? null]));
  return { total, items: rows.map((r) => toItem(r, r.ownerId ? (names.get(r.ownerId) ?? null) : null)) };
}

/** The folders in use, for the library's filter. */
export async function listFolders(scope: Scope) {
  const { db } = scope;
  const rows = await db.storedFile.groupBy({
    by: ["folder"],
    where: { tenantId: scope.tenant.id },
    _count: { _all: true },
    orderBy: { folder: "desc" },
    take: 200,
  });
  return rows.map((r) => ({ folder: r.folder, count: r._count._all }));
}

async function findFile(db: DbClient, scope: Scope, id: string) {
  const row = await db.storedFile.findFirst({ where: { id, tenantId: scope.tenant.id } });
  if (!row) throw new AppError(20008);
  return row;
}

export async function getFile(scope: Scope, id: string) {
  const { db } = scope;
  return toItem(await findFile(db, scope, id));
}

/** Removes the row (and an avatar from its user) and then the bytes. */
export async function deleteFile(scope: Scope, id: string) {
  const { db } = scope;
  const row = await db.$transaction(async (tx) => {
    const row = await findFile(tx, scope, id);
    await tx.storedFile.delete({ where: { id } });
    if (row.kind === "avatar" && row.ownerId) await tx.user.updateMany({ where: { id: row.ownerId, avatar: row.url }, data: { avatar: null } });
    await writeAudit(tx, auditActor(scope, row.tenantId), "file.delete", id, row);
    return row;
  });
  await fileStore()
    .remove(row.tenantId, row.storageKey)
    .catch(() => undefined);
  return { id };
}

/**
 * Who may read a file's bytes: its owner (or the client that uploaded it); anyone of the tenant with `uc.file.detail`; avatars
 * any signed-in user of the tenant (they are shown beside names). Other tenants' files are a 404.
 */
export async function fileForReading(scope: Scope, key: string) {
  const { db } = scope;
  const row = await db.storedFile.findUnique({ where: { storageKey: key } });
  if (!row || row.tenantId !== scope.tenant.id) throw new AppError(20008);
  // A program's uploads have no owner: the client that uploaded them reads them back.
  const uploader = row.ownerId === scope.actor.userId || (!!scope.actor.client && row.clientId === scope.actor.client.id);
  const allowed = row.kind === "avatar" || uploader || scope.actor.isOperator || hasPermission(scope.actor.permissions, "uc.file.detail");
  if (!allowed) throw new AppError(10002);
  return row;
}
