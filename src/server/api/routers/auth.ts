import { z } from "zod";
import { createTRPCRouter, publicTenantProcedure, requirePermission, type Context } from "~/server/api/trpc";
import { errorTable } from "~/lib/errors";
import { errorTableOutput } from "~/lib/validators/common";
import { changePasswordInput, registerInput, resetPasswordInput, sendCodeInput } from "~/lib/validators/auth";
import * as account from "~/server/services/account";
import { createChallenge } from "~/server/security/captcha";
import type { ResolvedTenant } from "~/server/services/host";
import { writeAudit } from "~/server/services/audit";

const tags = ["auth"];
const req = (ctx: Context & { tenant: ResolvedTenant }) => ({
  tenant: ctx.tenant,
  ip: ctx.ip,
  userAgent: ctx.userAgent,
  locale: ctx.locale,
  cookie: ctx.cookie,
});

/** Anonymous self-service on a tenant's host: captcha, codes, registration, recovery. */
export const authRouter = createTRPCRouter({
  captcha: publicTenantProcedure
    .meta({ openapi: { method: "GET", path: "/auth/captcha", tags, summary: "An ALTCHA proof-of-work challenge; send the solved payload as `afs`" } })
    .input(z.object({}).optional())
    .output(z.looseObject({ parameters: z.looseObject({}), signature: z.string().optional() }))
    .query(async () => (await createChallenge(account.captchaKey())) as unknown as { parameters: Record<string, unknown>; signature?: string }),

  sendCode: publicTenantProcedure
    .meta({ openapi: { method: "POST", path: "/auth/codes", tags, summary: "Send a one-time code by SMS or email (captcha required)" } })
    .input(sendCodeInput)
    .output(z.object({ sent: z.literal(true), expiresAt: z.date(), resendAfter: z.date() }))
    .mutation(({ ctx, input }) => account.requestCode(ctx.db, req(ctx), input)),

  register: publicTenantProcedure
    .meta({ openapi: { method: "POST", path: "/auth/register", tags, summary: "Register with a verified phone (and email, when given)" } })
    .input(registerInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const out = await account.register(ctx.db, req(ctx), input);
      await writeAudit(ctx.db, { actorId: out.id, tenantId: ctx.tenant.id, ip: ctx.ip, userAgent: ctx.userAgent }, "user.register", out.id, undefined, {
        phone: input.phone,
        email: input.email || undefined,
        userName: input.userName || undefined,
      });
      return out;
    }),

  resetPassword: publicTenantProcedure
    .meta({ openapi: { method: "POST", path: "/auth/password/reset", tags, summary: "Set a new password with a code; ends every session" } })
    .input(resetPasswordInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const out = await account.resetPassword(ctx.db, req(ctx), input);
      // Anonymous: the account is named by the phone or email the code went to.
      await writeAudit(ctx.db, { actorId: null, tenantId: ctx.tenant.id, ip: ctx.ip, userAgent: ctx.userAgent }, "user.resetPassword", null, undefined, {
        channel: input.channel,
        account: input.target,
      });
      return out;
    }),

  changePassword: requirePermission("uc.me.put")
    .meta({ openapi: { method: "PUT", path: "/me/password", tags, protect: true, summary: "Change my password; my other sessions end" } })
    .input(changePasswordInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const out = await account.changePassword(ctx.db, ctx.actor, input, ctx.locale, ctx.ip);
      await writeAudit(
        ctx.db,
        { actorId: ctx.actor.userId, tenantId: ctx.actor.tenantId, ip: ctx.ip, userAgent: ctx.userAgent },
        "me.changePassword",
        ctx.actor.userId,
      );
      return out;
    }),

  errorCodes: publicTenantProcedure
    .meta({ openapi: { method: "GET", path: "/auth/error-codes", tags, summary: "Error-code table" } })
    .input(z.object({}).optional())
    .output(errorTableOutput)
    .query(({ ctx }) => [...errorTable("common", ctx.locale), ...errorTable("auth", ctx.locale), ...errorTable("code", ctx.locale)]),
});
