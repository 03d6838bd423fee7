import { currentLog } from "~/server/log";
import type { Db } from "~/server/db";
import { readRows } from "~/server/db/fast-read";
import { Prisma } from "~/generated/prisma/client";
import { decryptSecret } from "~/server/crypto";
import { AppError } from "~/server/errors";
import { msg } from "~/lib/validators/common";

/**
 * A tenant's properties as a flat map with secrets decrypted: server-side configuration
 * (messaging providers, WeChat app secrets, sign-up rules). Never sent to a browser.
 */
/**
 * Read on hot paths (every sign-in, every code): kept for a few seconds per process. A changed
 * setting is seen by every instance within SETTINGS_TTL_MS; nothing security-critical (tenant or
 * user status, sessions, locks) is cached.
 */
const SETTINGS_TTL_MS = 5_000;
// On globalThis: Next.js bundles each route separately, and a module-level Map would be one
// copy per bundle, so a change made through the API would not clear the pages' copy.
const store = globalThis as unknown as { __ucTenantSettings?: Map<string, { at: number; value: Promise<Record<string, string>> }> };
const cache = (store.__ucTenantSettings ??= new Map());

export function tenantSettings(db: Db, tenantId: string): Promise<Record<string, string>> {
  const hit = cache.get(tenantId);
  if (hit && Date.now() - hit.at < SETTINGS_TTL_MS) return hit.value;
  const value = readSettings(db, tenantId);
  cache.set(tenantId, { at: Date.now(), value });
  value.catch(() => cache.delete(tenantId));
  return value;
}

/** Drops the cached copy after this process changed a tenant's properties. */
export const forgetTenantSettings = (tenantId: string) => void cache.delete(tenantId);

/** Undecryptable secrets already reported by this process (tenant, key, stored value). */
const reported = new Set<string>();

function reportUndecryptable(tenantId: string, key: string, value: string) {
  const id = `${tenantId}\u0000${key}\u0000${value}`;
  if (reported.has(id)) return;
  reported.add(id);
  currentLog().error(
    { event: "tenant.secret.undecryptable", tenantId, key },
    `Tenant ${tenantId}: the secret property "${key}" cannot be decrypted with this instance's ENCRYPTION_KEY ` +
      "(it was saved under another key). Set ENCRYPTION_KEY to the key it was saved with, or enter the value again in the console (Tenants → edit).",
  );
}

async function readSettings(db: Db, tenantId: string): Promise<Record<string, string>> {
  // A plain statement: every page of the sign-in flow reads these (the query compiler costs more than the query).
  const rows = await readRows<{ key: string; value: string; secret: boolean }[]>(
    db,
    Prisma.sql`SELECT "key", "value", "secret" FROM "TenantProperty" WHERE "tenantId" = ${tenantId}::uuid`,
  );
  const out: Record<string, string> = {};
  for (const r of rows) {
    if (!r.value) continue;
    if (!r.secret) {
      out[r.key] = r.value;
      continue;
    }
    try {
      out[r.key] = decryptSecret(r.value);
    } catch {
      // Never "unset": the error is logged, and whatever reads this setting fails with 11005 (the
      // operation that needs the secret stops, saying why), while the tenant's other settings work.
      reportUndecryptable(tenantId, r.key, r.value);
      Object.defineProperty(out, r.key, {
        enumerable: true,
        get: () => {
          throw new AppError(11005, { [r.key]: [msg("secretUndecryptable")] });
        },
      });
    }
  }
  return out;
}

export const flag = (settings: Record<string, string>, key: string, fallback = false) =>
  settings[key] === undefined ? fallback : settings[key] === "true" || settings[key] === "1";
