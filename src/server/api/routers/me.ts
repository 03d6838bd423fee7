import { z } from "zod";
import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { LOCALES } from "~/i18n/locale";
import { idInput, text } from "~/lib/validators/common";
import { sessionItem, sessionLabelInput } from "~/lib/validators/session";
import * as sessions from "~/server/services/login-sessions";
import { bindIdentity, completeWechatRoundTrip, miniprogramIdentity, unbindIdentity, WECHAT_STATE_COOKIE } from "~/server/services/wechat-login";
import { readCookie } from "~/i18n/locale";
import { bindContact, unbindContact } from "~/server/services/account";
import { codeSchema, emailSchema } from "~/lib/validators/auth";
import { phoneSchema } from "~/lib/validators/common";
import { AppError } from "~/server/errors";
import { GENDERS, fromDateString, profileInput, profileOutput, toDateString } from "~/lib/validators/profile";
import type { Db } from "~/server/db";
import type { Prisma } from "~/generated/prisma/client";

async function readProfile(db: Db | Prisma.TransactionClient, userId: string) {
  const u = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { nickname: true, gender: true, birthday: true, address: true, description: true, avatar: true },
  });
  return { ...u, gender: GENDERS.find((g) => g === u.gender) ?? null, birthday: toDateString(u.birthday) };
}
import { writeAudit } from "~/server/services/audit";
import type { Context } from "~/server/api/trpc";

/** Self-service changes to how one signs in are audited like admin changes. */
const audit = (ctx: Context & { actor: { userId: string; tenantId: string } }, action: string, recordId: string, after?: unknown) =>
  writeAudit(ctx.db, { actorId: ctx.actor.userId, tenantId: ctx.actor.tenantId, ip: ctx.ip, userAgent: ctx.userAgent }, action, recordId, undefined, after);

export const meRouter = createTRPCRouter({
  get: requirePermission("uc.me.detail")
    .meta({ openapi: { method: "GET", path: "/me", tags: ["me"], protect: true, summary: "The signed-in caller" } })
    .input(z.object({}).optional())
    .output(
      z.object({
        id: z.uuid(),
        tenantId: z.uuid(),
        userName: z.string().nullable(),
        nickname: z.string().nullable(),
        phone: z.string().nullable(),
        email: z.string().nullable(),
        locale: z.string().nullable(),
        isOperator: z.boolean(),
        roles: z.array(z.string()),
        permissions: z.array(z.string()),
      }),
    )
    .query(async ({ ctx }) => {
      const a = ctx.actor;
      const u = await ctx.db.user.findUniqueOrThrow({ where: { id: a.userId }, select: { phone: true, email: true } });
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
      };
    }),

  profile: requirePermission("uc.me.detail")
    .meta({ openapi: { method: "GET", path: "/me/profile", tags: ["me"], protect: true, summary: "The caller's profile" } })
    .input(z.object({}).optional())
    .output(profileOutput)
    .query(async ({ ctx }) => readProfile(ctx.db, ctx.actor.userId)),

  updateProfile: requirePermission("uc.me.put")
    .meta({ openapi: { method: "PUT", path: "/me/profile", tags: ["me"], protect: true, summary: "Edit the caller's profile" } })
    .input(profileInput)
    .output(profileOutput)
    .mutation(async ({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const before = await readProfile(tx, ctx.actor.userId);
        await tx.user.update({ where: { id: ctx.actor.userId }, data: { ...input, birthday: fromDateString(input.birthday) } });
        const after = await readProfile(tx, ctx.actor.userId);
        await writeAudit(
          tx,
          { actorId: ctx.actor.userId, tenantId: ctx.actor.tenantId, ip: ctx.ip, userAgent: ctx.userAgent },
          "me.profile",
          ctx.actor.userId,
          before,
          after,
        );
        return after;
      }),
    ),

  setLocale: requirePermission("uc.me.put")
    .meta({ openapi: { method: "PUT", path: "/me/locale", tags: ["me"], protect: true, summary: "Remember the caller's language" } })
    .input(z.object({ locale: z.enum(LOCALES) }))
    .output(z.object({ locale: z.enum(LOCALES) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.db.user.update({ where: { id: ctx.actor.userId }, data: { locale: input.locale } });
      return { locale: input.locale };
    }),

  sessions: requirePermission("uc.me.detail")
    .meta({ openapi: { method: "GET", path: "/me/sessions", tags: ["me"], protect: true, summary: "My live sessions" } })
    .input(z.object({}).optional())
    .output(z.array(sessionItem))
    .query(({ ctx }) => sessions.listMySessions(ctx)),

  labelSession: requirePermission("uc.me.put")
    .meta({ openapi: { method: "PUT", path: "/me/sessions/{id}", tags: ["me"], protect: true, summary: "Rename one of my sessions" } })
    .input(sessionLabelInput)
    .output(sessionItem)
    .mutation(({ ctx, input }) => sessions.labelMySession(ctx, input)),

  endSession: requirePermission("uc.me.put")
    .meta({ openapi: { method: "DELETE", path: "/me/sessions/{id}", tags: ["me"], protect: true, summary: "End one of my sessions" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const out = await sessions.endMySession(ctx, input.id);
      await audit(ctx, "me.endSession", input.id);
      return out;
    }),

  externalLogins: requirePermission("uc.me.detail")
    .meta({ openapi: { method: "GET", path: "/me/external-logins", tags: ["me"], protect: true, summary: "My linked WeChat and mini-program identities" } })
    .input(z.object({}).optional())
    .output(z.array(z.object({ provider: z.string(), nickname: z.string().nullable(), createdAt: z.date() })))
    .query(({ ctx }) =>
      ctx.db.externalLogin.findMany({
        where: { userId: ctx.actor.userId, tenantId: ctx.tenant.id },
        select: { provider: true, nickname: true, createdAt: true },
        orderBy: { createdAt: "asc" },
      }),
    ),

  bindWechat: requirePermission("uc.me.put")
    .meta({
      openapi: {
        method: "POST",
        path: "/me/external-logins/wechat",
        tags: ["me"],
        protect: true,
        summary: "Link WeChat (finishes the QR round trip started at /api/auth/wechat/start?mode=bind)",
      },
    })
    .input(z.object({ code: text().min(1).max(256), state: text().max(128) }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const id = await completeWechatRoundTrip(ctx.db, { tenant: ctx.tenant, cookie: readCookie(ctx.cookie, WECHAT_STATE_COOKIE), ...input });
      if (id.cookie.mode !== "bind" || id.cookie.userId !== ctx.actor.userId) throw new AppError(12007);
      await bindIdentity(ctx.db, ctx.tenant.id, ctx.actor.userId, { provider: "wechat", ...id });
      await audit(ctx, "me.bindWechat", ctx.actor.userId, { provider: "wechat" });
      return { ok: true as const };
    }),

  bindMiniprogram: requirePermission("uc.me.put")
    .meta({
      openapi: {
        method: "POST",
        path: "/me/external-logins/miniprogram",
        tags: ["me"],
        protect: true,
        summary: "Link this mini-program identity (a wx.login() code)",
      },
    })
    .input(z.object({ code: text().min(1).max(256) }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const id = await miniprogramIdentity(ctx.db, ctx.tenant.id, input.code);
      await bindIdentity(ctx.db, ctx.tenant.id, ctx.actor.userId, id);
      await audit(ctx, "me.bindMiniprogram", ctx.actor.userId, { provider: "miniprogram" });
      return { ok: true as const };
    }),

  unbind: requirePermission("uc.me.put")
    .meta({
      openapi: {
        method: "DELETE",
        path: "/me/external-logins/{provider}",
        tags: ["me"],
        protect: true,
        summary: "Unlink WeChat or the mini-program (never the last way in)",
      },
    })
    .input(z.object({ provider: z.enum(["wechat", "miniprogram"]) }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await unbindIdentity(ctx.db, ctx.tenant.id, ctx.actor.userId, input.provider);
      await audit(ctx, "me.unbind", ctx.actor.userId, { provider: input.provider });
      return { ok: true as const };
    }),

  bindPhone: requirePermission("uc.me.put")
    .meta({ openapi: { method: "PUT", path: "/me/phone", tags: ["me"], protect: true, summary: "Bind or change my phone (with a `bind` code sent to it)" } })
    .input(z.object({ phone: phoneSchema, code: codeSchema }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const out = await bindContact(ctx.db, ctx.tenant.id, ctx.actor.userId, "phone", input.phone, input.code);
      await audit(ctx, "me.bindPhone", ctx.actor.userId, { phone: input.phone });
      return out;
    }),

  bindEmail: requirePermission("uc.me.put")
    .meta({ openapi: { method: "PUT", path: "/me/email", tags: ["me"], protect: true, summary: "Bind or change my email (with a `bind` code sent to it)" } })
    .input(z.object({ email: emailSchema, code: codeSchema }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const out = await bindContact(ctx.db, ctx.tenant.id, ctx.actor.userId, "email", input.email, input.code);
      await audit(ctx, "me.bindEmail", ctx.actor.userId, { email: input.email });
      return out;
    }),

  unbindContact: requirePermission("uc.me.put")
    .meta({
      openapi: { method: "DELETE", path: "/me/contact/{kind}", tags: ["me"], protect: true, summary: "Remove my phone or email (never the last way in)" },
    })
    .input(z.object({ kind: z.enum(["phone", "email"]) }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const out = await unbindContact(ctx.db, ctx.actor.userId, input.kind);
      await audit(ctx, "me.unbindContact", ctx.actor.userId, { kind: input.kind });
      return out;
    }),
});
