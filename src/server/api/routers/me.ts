import { z } from "zod";
import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { LOCALES } from "~/i18n/locale";
import { idInput } from "~/lib/validators/common";
import { sessionItem, sessionLabelInput } from "~/lib/validators/session";
import * as sessions from "~/server/services/login-sessions";

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
        locale: z.string().nullable(),
        isOperator: z.boolean(),
        roles: z.array(z.string()),
        permissions: z.array(z.string()),
      }),
    )
    .query(({ ctx }) => {
      const a = ctx.actor;
      return { id: a.userId, tenantId: a.tenantId, userName: a.userName, nickname: a.nickname, locale: a.locale, isOperator: a.isOperator, roles: a.roles, permissions: a.permissions };
    }),

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
    .query(({ ctx }) => sessions.listMySessions(ctx.db, ctx.actor)),

  labelSession: requirePermission("uc.me.put")
    .meta({ openapi: { method: "PUT", path: "/me/sessions/{id}", tags: ["me"], protect: true, summary: "Rename one of my sessions" } })
    .input(sessionLabelInput)
    .output(sessionItem)
    .mutation(({ ctx, input }) => sessions.labelMySession(ctx.db, ctx.actor, input)),

  endSession: requirePermission("uc.me.put")
    .meta({ openapi: { method: "DELETE", path: "/me/sessions/{id}", tags: ["me"], protect: true, summary: "End one of my sessions" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => sessions.endMySession(ctx.db, ctx.actor, input.id)),
});
