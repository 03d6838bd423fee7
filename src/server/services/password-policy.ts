import type { Db, DbClient } from "~/server/db";
import type { Locale } from "~/lib/errors";
import { AppError } from "~/server/errors";
import { translator } from "~/i18n/catalog";
import { verifyPassword } from "~/server/password";
import { checkPasswordPolicy, HISTORY_MAX, passwordPolicyFrom, type PasswordPolicy } from "~/server/security/passwords";
import { tenantSettings } from "~/server/services/tenant-settings";
import { describePasswordRule } from "~/lib/password-rule";

/**
 * The one place a new password is judged against its tenant's rules (length, the common list,
 * reuse of the last N) and the one place a replaced hash is remembered. Every path that sets a
 * password goes through here: registration, the forgot-password reset, changing one's own, and
 * an administrator's create / reset.
 */

export const tenantPasswordPolicy = async (db: Db, tenantId: string): Promise<PasswordPolicy> => passwordPolicyFrom(await tenantSettings(db, tenantId));

/** The rule in words, as the forms show it: "Use 10 to 128 characters, and not a common password". */
export const describePasswordPolicy = (policy: PasswordPolicy, locale: Locale): string => describePasswordRule(policy, translator(locale, "validation"));

/**
 * Throws 14006 with the field's message when `password` breaks the tenant's policy, or (for an
 * existing user) is one of their last `historyCount` passwords — the current one included.
 */
export async function assertNewPassword(
  db: Db,
  input: { tenantId: string; userId?: string | null; password: string; locale: Locale; field?: string },
): Promise<void> {
  const policy = await tenantPasswordPolicy(db, input.tenantId);
  const field = input.field ?? "password";
  const r = checkPasswordPolicy(input.password, policy);
  if (!r.ok) {
    const t = translator(input.locale, "validation");
    throw new AppError(14006, { [field]: [r.reason === "tooCommon" ? t("tooCommon") : describePasswordPolicy(policy, input.locale)] });
  }
  if (!input.userId || policy.historyCount === 0) return;
  const user = await db.user.findUnique({ where: { id: input.userId }, select: { passwordHash: true } });
  const earlier = await db.passwordHistory.findMany({
    where: { userId: input.userId },
    orderBy: { createdAt: "desc" },
    take: Math.max(0, policy.historyCount - 1),
    select: { hash: true },
  });
  const hashes = [user?.passwordHash, ...earlier.map((h) => h.hash)].filter((h): h is string => !!h);
  for (const hash of hashes) {
    if (await verifyPassword(hash, input.password))
      throw new AppError(14006, { [field]: [translator(input.locale, "validation")("passwordReused", { n: policy.historyCount })] });
  }
}

/** Keeps the hash being replaced (so "not the last N" can be checked later); at most HISTORY_MAX per user. */
export async function rememberReplacedPassword(tx: DbClient, userId: string, replacedHash: string | null): Promise<void> {
  if (!replacedHash) return;
  await tx.passwordHistory.create({ data: { userId, hash: replacedHash } });
  const stale = await tx.passwordHistory.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, skip: HISTORY_MAX, select: { id: true } });
  if (stale.length) await tx.passwordHistory.deleteMany({ where: { id: { in: stale.map((s) => s.id) } } });
}
