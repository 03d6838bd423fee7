import { z } from "zod";
import { text } from "~/lib/validators/common";

/**
 * Seed 003's JSON login operations: x = the platform console, r = a tenant's admin site;
 * T phone, M email, N user name. (W WeChat and A mini-program come with their providers.)
 */
export const LOGIN_OPERATIONS = {
  AddLogin: { site: null, by: null },
  AddLoginx: { site: "platform", by: null },
  AddLoginr: { site: "admin", by: null },
  AddToginx: { site: "platform", by: "phone" },
  AddMoginx: { site: "platform", by: "email" },
  AddNoginx: { site: "platform", by: "name" },
  AddToginr: { site: "admin", by: "phone" },
  AddMoginr: { site: "admin", by: "email" },
  AddNoginr: { site: "admin", by: "name" },
} as const satisfies Record<string, { site: "platform" | "admin" | null; by: "phone" | "email" | "name" | null }>;

export type LoginOperation = keyof typeof LOGIN_OPERATIONS;

export const PHONE_RE = /^\+\d{1,4}-\d{4,14}$/;

/** `pwd` is the 32-character MD5 hex of the password, as seed-003 clients send it. */
export const jsonLoginInput = z.object({
  ustr: text().trim().min(1).max(254),
  pwd: text()
    .regex(/^[0-9a-fA-F]{32}$/)
    .transform((v) => v.toLowerCase()),
  role: text().trim().max(64).optional(),
  afs: text().max(2000).optional(),
  by: z.enum(["tel", "mail"]).optional(),
  deviceId: text().max(128).optional(),
  deviceToken: text()
    .max(2000)
    .optional()
    .describe(
      "The `deviceToken` of an earlier successful sign-in on this device: while the account is locked by others' failures, this device may still sign in.",
    ),
});

export const jsonLoginResult = z.object({
  id: z.string(),
  token: z.string(),
  expire: z.string(),
  roles: z.array(z.string()),
  rules: z.array(z.string()),
  deviceToken: z.string().optional().describe("Keep it and send it as `deviceToken` with later sign-ins from this device (like a browser's device cookie)."),
});

/** AddAoginr: a mini-program's `wx.login()` code in `ustr`; AddWoginx / AddWoginr: a WeChat website code. */
export const WECHAT_LOGIN_OPERATIONS = ["AddWoginx", "AddWoginr", "AddAoginr"] as const;
export const miniprogramLoginInput = z.object({
  ustr: text().trim().min(1).max(256),
  deviceId: text().max(128).optional(),
});
