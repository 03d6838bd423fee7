/**
 * Idempotent seed, run on every start: the permission registry, the default tenant bound to
 * localhost and 127.0.0.1, the built-in roles of every tenant, and one platform operator.
 */
import { randomBytes } from "node:crypto";
import type { Db } from "~/server/db";
import { PERMISSIONS } from "~/lib/permissions";
import { hashPassword, verifyPassword } from "~/server/password";
import { ensureBuiltInRoles } from "~/server/services/roles";
import { ensureStandardIdentityResources } from "~/server/services/api-resources";
import { DEFAULT_TENANT_TEXT, OPERATOR_TEXT } from "~/lib/seeded-text";

export const DEFAULT_HOSTS = ["localhost", "127.0.0.1"];

export interface SeedOptions {
  adminUsername: string;
  /** When unset, a password is generated on first seed and returned once. */
  adminPassword?: string;
  log?: (line: string) => void;
}

export async function seed(db: Db, opts: SeedOptions) {
  const log = opts.log ?? (() => {});
  await db.$transaction([
    db.permission.deleteMany({ where: { code: { notIn: PERMISSIONS.map((p) => p.code) } } }),
    ...PERMISSIONS.map((p) => db.permission.upsert({ where: { code: p.code }, create: { ...p }, update: { ...p } })),
  ]);

  let tenant = await db.tenant.findFirst({ where: { isDefault: true }, select: { id: true } });
  if (!tenant) {
    const taken = new Set((await db.tenantHost.findMany({ where: { host: { in: DEFAULT_HOSTS } } })).map((h) => h.host));
    tenant = await db.tenant.create({
      data: {
        name: "Default",
        description: DEFAULT_TENANT_TEXT.description.en,
        status: "enabled",
        isDefault: true,
        hosts: { create: DEFAULT_HOSTS.filter((h) => !taken.has(h)).map((host) => ({ host })) },
      },
      select: { id: true },
    });
    log(`Created the default tenant (${DEFAULT_HOSTS.join(", ")}).`);
  }
  for (const t of await db.tenant.findMany({ select: { id: true } })) {
    await ensureBuiltInRoles(db, t.id);
    await ensureStandardIdentityResources(db, t.id);
  }

  const key = opts.adminUsername.toLowerCase();
  const existing = await db.user.findFirst({
    where: { tenantId: tenant.id, userNameKey: key },
    select: { id: true, passwordHash: true },
  });
  let generated: string | undefined;
  if (!existing) {
    const password = opts.adminPassword ?? (generated = randomBytes(12).toString("base64url"));
    const admin = await db.role.findUniqueOrThrow({ where: { tenantId_name: { tenantId: tenant.id, name: "administrator" } } });
    await db.user.create({
      data: {
        tenantId: tenant.id,
        userName: opts.adminUsername,
        userNameKey: key,
        nickname: OPERATOR_TEXT.nickname.en,
        isOperator: true,
        passwordHash: await hashPassword(password),
        roles: { create: [{ roleId: admin.id }] },
      },
    });
    log(`Created platform operator "${opts.adminUsername}".`);
    if (generated) {
      log("┌──────────────────────────────────────────────────────────────");
      log(`│ Generated password for "${opts.adminUsername}": ${generated}`);
      log("│ It is shown only this once. Set ADMIN_PASSWORD to choose one.");
      log("└──────────────────────────────────────────────────────────────");
    }
  } else if (opts.adminPassword && !(existing.passwordHash && (await verifyPassword(existing.passwordHash, opts.adminPassword)))) {
    // ADMIN_PASSWORD is authoritative when set: a changed value takes effect on next start.
    await db.user.update({ where: { id: existing.id }, data: { passwordHash: await hashPassword(opts.adminPassword), isOperator: true } });
    log(`Updated the password of "${opts.adminUsername}" from ADMIN_PASSWORD.`);
  }
  return { defaultTenantId: tenant.id, generatedPassword: generated };
}
