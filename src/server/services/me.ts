/**
 * The caller's own account (`uc.me.*`): who they are, their profile and language, their linked
 * WeChat / mini-program identities and their phone and email. Changes to how one signs in are
 * audited like an administrator's changes.
 */
import type { z } from "zod";
import type { DbClient } from "~/server/db";
import type { TenantCtx } from "~/server/api/trpc";
import type { Locale } from "~/lib/errors";
import { AppError } from "~/server/errors";
import { GENDERS, fromDateString, toDateString, type profileInput } from "~/lib/validators/profile";
import { readCookie } from "~/i18n/locale";
import { auditActor, writeAudit } from "~/server/services/audit";
import { bindContact, unbindContact } from "~/server/services/account";
import { bindIdentity, completeWechatRoundTrip, miniprogramIdentity, unbindIdentity, WECHAT_STATE_COOKIE } from "~/server/services/wechat-login";
import type { Scope } from "~/server/services/scope";

const audit = (scope: Scope, action: string, after?: unknown) => writeAudit(scope.db, auditActor(scope), action, scope.actor.userId, undefined, after);

/** The signed-in caller: the actor as loaded, plus the contact details it does not carry. */
export async function getMe({ db, actor: a }: Scope) {
  const u = await db.user.findUniqueOrThrow({ where: { id: a.userId }, select: { phone: true, email: true } });
  return {
    id: a.userId,
    tenantId: a.tenantId,
    userName: a.userName,
    nickname: a.nickname,
    ...u,
    locale: a.locale,
    isOperator: a.isOperator,
    roles: a.roles,
    permissions: a.permissions,
    mustChangePassword: !!a.mustChangePassword,
  };
}

async function readProfile(db: DbClient, userId: string) {
  const u = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { nickname: true, gender: true, birthday: true, address: true, description: true, avatar: true },
  });
  return { ...u, gender: GENDERS.find((g) => g === u.gender) ?? null, birthday: toDateString(u.birthday) };
}

export const getProfile = (scope: Scope) => readProfile(scope.db, scope.actor.userId);

export const updateProfile = (scope: Scope, input: z.output<typeof profileInput>) =>
  scope.db.$transaction(async (tx) => {
    const userId = scope.actor.userId;
    const before = await readProfile(tx, userId);
    await tx.user.update({ where: { id: userId }, data: { ...input, birthday: fromDateString(input.birthday) } });
    const after = await readProfile(tx, userId);
    await writeAudit(tx, auditActor(scope), "me.profile", userId, before, after);
    return after;
  });

export async function setLocale({ db, actor }: Scope, locale: Locale) {
  await db.user.update({ where: { id: actor.userId }, data: { locale } });
  return { locale };
}

/** My linked identities in the request's tenant. */
export const listExternalLogins = ({ db, actor, tenant }: Scope) =>
  db.externalLogin.findMany({
    where: { userId: actor.userId, tenantId: tenant.id },
    select: { provider: true, nickname: true, createdAt: true },
    orderBy: { createdAt: "asc" },
  });

/** Finishes the WeChat QR round trip started in bind mode by this very user (its state cookie). */
export async function bindWechat(scope: Scope & Pick<TenantCtx, "tenant" | "cookie">, input: { code: string; state: string }) {
  const { db, tenant, actor } = scope;
  const id = await completeWechatRoundTrip(db, { tenant, cookie: readCookie(scope.cookie, WECHAT_STATE_COOKIE), ...input });
  if (id.cookie.mode !== "bind" || id.cookie.userId !== actor.userId) throw new AppError(12007);
  await bindIdentity(db, tenant.id, actor.userId, { provider: "wechat", ...id });
  await audit(scope, "me.bindWechat", { provider: "wechat" });
  return { ok: true as const };
}

export async function bindMiniprogram(scope: Scope, code: string) {
  const { db, tenant, actor } = scope;
  const id = await miniprogramIdentity(db, tenant.id, code);
  await bindIdentity(db, tenant.id, actor.userId, id);
  await audit(scope, "me.bindMiniprogram", { provider: "miniprogram" });
  return { ok: true as const };
}

export async function unbindProvider(scope: Scope, provider: "wechat" | "miniprogram") {
  await unbindIdentity(scope.db, scope.tenant.id, scope.actor.userId, provider);
  await audit(scope, "me.unbind", { provider });
  return { ok: true as const };
}

/** Binds (or changes) my phone or email with a `bind` code sent to it. */
export async function bindMyContact(scope: Scope, kind: "phone" | "email", target: string, code: string) {
  const out = await bindContact(scope.db, scope.tenant.id, scope.actor.userId, kind, target, code);
  await audit(scope, kind === "phone" ? "me.bindPhone" : "me.bindEmail", { [kind]: target });
  return out;
}

export async function unbindMyContact(scope: Scope, kind: "phone" | "email") {
  const out = await unbindContact(scope.db, scope.actor.userId, kind);
  await audit(scope, "me.unbindContact", { kind });
  return out;
}
