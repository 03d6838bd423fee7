/**
 * The referral tree (distributors). Each user keeps a materialised path — the ids from the root
 * down to them, each followed by "/" — and a depth, so a subtree is one prefix match. Users made
 * before the tree existed have an empty path and count as roots: `teamPathOf` gives them theirs.
 */
import type { z } from "zod";
import type { Scope } from "~/server/services/scope";
import { Prisma } from "~/generated/prisma/client";
import { likePrefix } from "~/server/db/sql";
import { AppError } from "~/server/errors";
import { hasPermission } from "~/lib/permissions";
import type { teamListInput } from "~/lib/validators/team";
import { msg } from "~/lib/validators/common";

export const teamPathOf = (u: { id: string; teamPath: string }) => u.teamPath || `${u.id}/`;

/** Paths end in "/" and hold only [0-9a-f-/]: every path under `p` sorts before `p` with "/" → "0". */
const pathRange = (column: Prisma.Sql, p: string) => Prisma.sql`${column} >= ${p} AND ${column} < ${p.slice(0, -1) + "0"} AND ${column} LIKE ${likePrefix(p)}`;

/**
 * Puts `userId` (and its whole subtree) under `referrerId` (null: makes it a root). Refuses a
 * referrer from another tenant, the user itself, or anyone in its own subtree (15004). Must run
 * inside the caller's transaction so the subtree never shows half-moved.
 */
export async function setReferrer(tx: Prisma.TransactionClient, tenantId: string, userId: string, referrerId: string | null) {
  const user = await tx.user.findFirst({ where: { id: userId, tenantId }, select: { id: true, teamPath: true, teamDepth: true } });
  if (!user) throw new AppError(15001);
  const oldPath = teamPathOf(user);
  let newPath = `${userId}/`;
  let newDepth = 0;
  if (referrerId) {
    const ref = await tx.user.findFirst({ where: { id: referrerId, tenantId, deletedAt: null }, select: { id: true, teamPath: true, teamDepth: true } });
    if (!ref) throw new AppError(15004, { referrerId: [msg("invalidReferrer")] });
    const refPath = teamPathOf(ref);
    if (refPath.startsWith(oldPath)) throw new AppError(15004, { referrerId: [msg("invalidReferrer")] });
    newPath = `${refPath}${userId}/`;
    newDepth = ref.teamDepth + 1;
  }
  await tx.user.update({ where: { id: userId }, data: { referrerId, teamPath: newPath, teamDepth: newDepth } });
  const delta = newDepth - user.teamDepth;
  // The descendants: one statement rewrites every path's prefix and shifts every depth.
  await tx.$executeRaw`
    UPDATE "User" SET "teamPath" = ${newPath} || substr("teamPath", ${oldPath.length + 1}), "teamDepth" = "teamDepth" + ${delta}
    WHERE "tenantId" = ${tenantId}::uuid AND ${pathRange(Prisma.sql`"teamPath"`, oldPath)} AND "id" <> ${userId}::uuid`;
}

/** Administrators (whoever may list users) pick any subtree; everyone else sees only their own. */
const mayPickAnyone = (actor: Scope["actor"]) => actor.isOperator || hasPermission(actor.permissions, "uc.user.get");

interface MemberRow {
  id: string;
  userName: string | null;
  nickname: string | null;
  phone: string | null;
  email: string | null;
  avatar: string | null;
  referrerId: string | null;
  teamDepth: number;
  createdAt: Date;
  direct: bigint;
  total: bigint;
}

const COUNT_CAP = 10_000;

export async function listTeam({ db, actor }: Scope, input: z.output<typeof teamListInput>) {
  const rootId = input.userId ?? actor.userId;
  const tenantId = actor.tenantId;
  const root = await db.user.findFirst({
    where: { id: rootId, tenantId, deletedAt: null },
    select: { id: true, userName: true, nickname: true, phone: true, email: true, teamPath: true, teamDepth: true },
  });
  if (!root) throw new AppError(15001);
  const rootPath = teamPathOf(root);
  if (rootId !== actor.userId && !mayPickAnyone(actor)) {
    // A partner may look into their own subtree, never above or beside it.
    const me = await db.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { id: true, teamPath: true } });
    if (!rootPath.startsWith(teamPathOf(me))) throw new AppError(15001);
  }
  const q = input.search?.trim();
  const search = q
    ? Prisma.sql`AND ("userNameKey" LIKE ${likePrefix(q.toLowerCase())} OR "nickname" LIKE ${likePrefix(q)} OR "phone" LIKE ${likePrefix(q)} OR "email" LIKE ${likePrefix(q.toLowerCase())})`
    : Prisma.empty;
  const depthLimit = input.maxLevel ? Prisma.sql`AND "teamDepth" <= ${root.teamDepth + input.maxLevel}` : Prisma.empty;
  const base = Prisma.sql`FROM "User" WHERE "tenantId" = ${tenantId}::uuid AND "deletedAt" IS NULL AND ${pathRange(Prisma.sql`"teamPath"`, rootPath)} AND "id" <> ${root.id}::uuid ${search} ${depthLimit}`;
  const [countRows, rows, rootCounts] = await Promise.all([
    db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM (SELECT 1 ${base} LIMIT ${COUNT_CAP + 1}) s`,
    db.$queryRaw<MemberRow[]>`
      SELECT u."id", u."userName", u."nickname", u."phone", u."email", u."avatar", u."referrerId", u."teamDepth", u."createdAt",
        (SELECT count(*) FROM "User" d WHERE d."referrerId" = u."id" AND d."deletedAt" IS NULL) AS direct,
        (SELECT count(*) FROM "User" d WHERE d."tenantId" = u."tenantId" AND d."teamPath" >= u."teamPath" AND d."teamPath" < left(u."teamPath", -1) || '0'
           AND d."id" <> u."id" AND d."deletedAt" IS NULL) AS total
      FROM (SELECT * ${base} ORDER BY "teamPath" LIMIT ${input.take} OFFSET ${input.skip}) u
      ORDER BY u."teamPath"`,
    db.$queryRaw<{ direct: bigint; total: bigint }[]>`
      SELECT (SELECT count(*) FROM "User" WHERE "referrerId" = ${root.id}::uuid AND "deletedAt" IS NULL) AS direct,
             (SELECT count(*) FROM "User" WHERE "tenantId" = ${tenantId}::uuid AND "deletedAt" IS NULL AND ${pathRange(Prisma.sql`"teamPath"`, rootPath)} AND "id" <> ${root.id}::uuid) AS total`,
  ]);
  const counted = Number(countRows[0]?.n ?? 0);
  return {
    root: {
      id: root.id,
      name: root.nickname ?? root.userName ?? root.phone ?? root.email,
      directCount: Number(rootCounts[0]?.direct ?? 0),
      totalCount: Number(rootCounts[0]?.total ?? 0),
    },
    total: Math.min(counted, COUNT_CAP),
    totalCapped: counted > COUNT_CAP,
    items: rows.map((r) => ({
      id: r.id,
      userName: r.userName,
      nickname: r.nickname,
      phone: r.phone,
      email: r.email,
      avatar: r.avatar,
      referrerId: r.referrerId,
      level: r.teamDepth - root.teamDepth,
      directCount: Number(r.direct),
      totalCount: Number(r.total),
      createdAt: r.createdAt,
    })),
  };
}
