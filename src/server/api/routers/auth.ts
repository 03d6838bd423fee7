import { z } from "zod";
import { createTRPCRouter, errorCodesProcedure, publicTenantProcedure, requirePermission } from "~/server/api/trpc";
import { changePasswordInput, registerInput, resetPasswordInput, sendCodeInput } from "~/lib/validators/auth";
import * as account from "~/server/services/account";
import { createChallenge } from "~/server/security/captcha";
import { auditActor, writeAudit } from "~/server/services/audit";

const tags = ["auth"];

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
    .mutation(({ ctx, input }) => account.requestCode(ctx.db, ctx, input)),

  register: publicTenantProcedure
    .meta({ openapi: { method: "POST", path: "/auth/register", tags, summary: "Register with a verified phone (and email, when given)" } })
    .input(registerInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => account.register(ctx.db, ctx, input)),

  resetPassword: publicTenantProcedure
    .meta({ openapi: { method: "POST", path: "/auth/password/reset", tags, summary: "Set a new password with a code; ends every session" } })
    .input(resetPasswordInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => account.resetPassword(ctx.db, ctx, input)),

  changePassword: requirePermission("uc.me.put")
    .meta({
      openapi: { method: "PUT", path: "/me/password", tags, protect: true, summary: "Change my password; my other sessions end" },
      allowDuringPasswordChange: true,
    })
    .input(changePasswordInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const out = await account.changePassword(ctx.db, ctx.actor, input, ctx.locale, ctx.ip);
      await writeAudit(ctx.db, auditActor(ctx), "me.changePassword", ctx.actor.userId);
      return out;
    }),

  errorCodes: errorCodesProcedure("/auth/error-codes", tags, ["auth", "code"], publicTenantProcedure),
});
