import { z } from "zod";
import { msg, phoneSchema, text, userNameSchema } from "~/lib/validators/common";
import { NICKNAME_MAX } from "~/lib/validators/values";

export const TERMS_VERSION = "2026-11";

export const codeSchema = text()
  .trim()
  .regex(/^\d{6}$/, msg("invalidCode"));
export const emailSchema = text().trim().toLowerCase().pipe(z.email().max(254));
export const newPasswordSchema = text().min(8, msg("passwordRule")).max(128, msg("passwordRule"));
const captcha = text().min(1).max(4000);

export const sendCodeInput = z
  .object({
    channel: z.enum(["sms", "email"]),
    target: text().trim().max(254),
    purpose: z.enum(["login", "register", "reset", "bind"]),
    afs: captcha,
  })
  .superRefine((v, ctx) => {
    const ok = v.channel === "sms" ? phoneSchema.safeParse(v.target).success : emailSchema.safeParse(v.target).success;
    if (!ok) ctx.addIssue({ code: "custom", path: ["target"], message: msg(v.channel === "sms" ? "invalidPhone" : "invalidEmail") });
  });

export const registerInput = z
  .object({
    phone: phoneSchema,
    phoneCode: codeSchema,
    email: z.union([emailSchema, z.literal("")]).optional(),
    emailCode: z.union([codeSchema, z.literal("")]).optional(),
    userName: z.union([userNameSchema, z.literal("")]).optional(),
    nickname: text().trim().max(NICKNAME_MAX).optional(),
    password: newPasswordSchema,
    acceptTerms: z.literal(true, { message: msg("mustAccept") }),
    afs: captcha,
  })
  .superRefine((v, ctx) => {
    if (v.email && !v.emailCode) ctx.addIssue({ code: "custom", path: ["emailCode"], message: msg("required") });
  });
export type RegisterInput = z.input<typeof registerInput>;

export const resetPasswordInput = z
  .object({
    channel: z.enum(["sms", "email"]),
    target: text().trim().max(254),
    code: codeSchema,
    password: newPasswordSchema,
  })
  .superRefine((v, ctx) => {
    const ok = v.channel === "sms" ? phoneSchema.safeParse(v.target).success : emailSchema.safeParse(v.target).success;
    if (!ok) ctx.addIssue({ code: "custom", path: ["target"], message: msg(v.channel === "sms" ? "invalidPhone" : "invalidEmail") });
  });

export const changePasswordInput = z.object({ current: text().min(1).max(128), password: newPasswordSchema });
