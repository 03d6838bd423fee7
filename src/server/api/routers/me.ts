import { z } from "zod";
import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { LOCALES } from "~/i18n/locale";
import { idInput, text } from "~/lib/validators/common";
import { sessionItem, sessionLabelInput } from "~/lib/validators/session";
import * as sessions from "~/server/services/login-sessions";
import * as me from "~/server/services/me";
import * as apps from "~/server/services/connected-apps";
import { codeSchema, emailSchema } from "~/lib/validators/auth";
import { phoneSchema } from "~/lib/validators/common";
import { profileInput, profileOutput } from "~/lib/validators/profile";

/** The caller's own account; the work is in services/me.ts. */
export const meRouter = createTRPCRouter({
  get: requirePermission("uc.me.detail")
    .meta({ openapi: { method: "GET", path: "/me", tags: ["me"], protect: true, summary: "The signed-in caller" }, allowDuringPasswordChange: true })
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
        mustChangePassword: z.boolean(),
      }),
    )
    .query(({ ctx }) => me.getMe(ctx)),

  profile: requirePermission("uc.me.detail")
    .meta({ openapi: { method: "GET", path: "/me/profile", tags: ["me"], protect: true, summary: "The caller's profile" } })
    .input(z.object({}).optional())
    .output(profileOutput)
    .query(({ ctx }) => me.getProfile(ctx)),

  updateProfile: requirePermission("uc.me.put")
    .meta({ openapi: { method: "PUT", path: "/me/profile", tags: ["me"], protect: true, summary: "Edit the caller's profile" } })
    .input(profileInput)
    .output(profileOutput)
    .mutation(({ ctx, input }) => me.updateProfile(ctx, input)),

  setLocale: requirePermission("uc.me.put")
    .meta({
      openapi: { method: "PUT", path: "/me/locale", tags: ["me"], protect: true, summary: "Remember the caller's language" },
      allowDuringPasswordChange: true,
    })
    .input(z.object({ locale: z.enum(LOCALES) }))
    .output(z.object({ locale: z.enum(LOCALES) }))
    .mutation(({ ctx, input }) => me.setLocale(ctx, input.locale)),

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

  apps: requirePermission("uc.me.detail")
    .meta({ openapi: { method: "GET", path: "/me/apps", tags: ["me"], protect: true, summary: "Apps I let sign me in (connected apps)" } })
    .input(z.object({}).optional())
    .output(z.array(z.object({ grantId: z.string(), clientId: z.string(), name: z.string(), scopes: z.array(z.string()), grantedAt: z.date() })))
    .query(({ ctx }) => apps.listConnectedApps(ctx)),

  revokeApp: requirePermission("uc.me.put")
    .meta({ openapi: { method: "DELETE", path: "/me/apps/{grantId}", tags: ["me"], protect: true, summary: "End an app's access: its grant and tokens" } })
    .input(z.object({ grantId: text().trim().min(1).max(64) }))
    .output(z.object({ grantId: z.string() }))
    .mutation(({ ctx, input }) => apps.revokeConnectedApp(ctx, input.grantId)),

  endSession: requirePermission("uc.me.put")
    .meta({ openapi: { method: "DELETE", path: "/me/sessions/{id}", tags: ["me"], protect: true, summary: "End one of my sessions" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => sessions.endMySession(ctx, input.id)),

  externalLogins: requirePermission("uc.me.detail")
    .meta({ openapi: { method: "GET", path: "/me/external-logins", tags: ["me"], protect: true, summary: "My linked WeChat and mini-program identities" } })
    .input(z.object({}).optional())
    .output(z.array(z.object({ provider: z.string(), nickname: z.string().nullable(), createdAt: z.date() })))
    .query(({ ctx }) => me.listExternalLogins(ctx)),

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
    .mutation(({ ctx, input }) => me.bindWechat(ctx, input)),

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
    .mutation(({ ctx, input }) => me.bindMiniprogram(ctx, input.code)),

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
    .mutation(({ ctx, input }) => me.unbindProvider(ctx, input.provider)),

  bindPhone: requirePermission("uc.me.put")
    .meta({ openapi: { method: "PUT", path: "/me/phone", tags: ["me"], protect: true, summary: "Bind or change my phone (with a `bind` code sent to it)" } })
    .input(z.object({ phone: phoneSchema, code: codeSchema }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => me.bindMyContact(ctx, "phone", input.phone, input.code)),

  bindEmail: requirePermission("uc.me.put")
    .meta({ openapi: { method: "PUT", path: "/me/email", tags: ["me"], protect: true, summary: "Bind or change my email (with a `bind` code sent to it)" } })
    .input(z.object({ email: emailSchema, code: codeSchema }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => me.bindMyContact(ctx, "email", input.email, input.code)),

  unbindContact: requirePermission("uc.me.put")
    .meta({
      openapi: { method: "DELETE", path: "/me/contact/{kind}", tags: ["me"], protect: true, summary: "Remove my phone or email (never the last way in)" },
    })
    .input(z.object({ kind: z.enum(["phone", "email"]) }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => me.unbindMyContact(ctx, input.kind)),
});
