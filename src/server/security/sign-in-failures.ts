/**
 * Every refused sign-in leaves one `SignInFailure` row (tenant, method, the answer's code, when)
 * for the dashboard's failures per day and top errors. The row names neither the account nor
 * what was typed, and it is written on every refusal alike, after the answer is decided, so it
 * costs a known account what it costs an unknown one.
 */
import type { PrismaClient } from "~/generated/prisma/client";
import { AppError } from "~/server/errors";
import { currentLog } from "~/server/log";

/** How someone tried to sign in, as the dashboard groups it (`LoginSession.method` for successes). */
export type SignInMethod = "password" | "sms-code" | string;

/** Runs a sign-in; an application refusal is recorded, then rethrown unchanged. */
export async function recordingFailure<T>(db: PrismaClient, tenantId: string, method: SignInMethod, signIn: () => Promise<T>): Promise<T> {
  try {
    return await signIn();
  } catch (e) {
    if (e instanceof AppError) {
      // The record is for statistics: losing one must never change the answer.
      await db.signInFailure
        .create({ data: { tenantId, method, code: e.appCode } })
        .catch((err: unknown) => currentLog().warn({ err, event: "signin.failure.unrecorded" }, "sign-in failure not recorded"));
    }
    throw e;
  }
}
