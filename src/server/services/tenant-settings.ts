import type { Db } from "~/server/db";
import { decryptSecret } from "~/server/crypto";

/**
 * A tenant's properties as a flat map with secrets decrypted: server-side configuration
 * (messaging providers, WeChat app secrets, sign-up rules). Never sent to a browser.
 */
export async function tenantSettings(db: Db, tenantId: string): Promise<Record<string, string>> {
  const rows = await db.tenantProperty.findMany({ where: { tenantId }, select: { key: true, value: true, secret: true } });
  const out: Record<string, string> = {};
  for (const r of rows) {
    if (!r.value) continue;
    try {
      out[r.key] = r.secret ? decryptSecret(r.value) : r.value;
    } catch {
      // A secret encrypted under another key is unusable; treat it as unset rather than fail every request.
    }
  }
  return out;
}

export const flag = (settings: Record<string, string>, key: string, fallback = false) =>
  settings[key] === undefined ? fallback : settings[key] === "true" || settings[key] === "1";
