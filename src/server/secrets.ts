import "server-only";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "~/env";

export interface Secrets {
  authSecret: string;
  encryptionKey: Buffer;
}

let cached: Secrets | undefined;

/**
 * NEXTAUTH_SECRET and ENCRYPTION_KEY from the environment; when unset (the zero-configuration
 * default), generated once and kept in DATA_DIR/secrets.json (mode 0600). Several instances
 * behind one load balancer must share both through the environment.
 */
export function getSecrets(): Secrets {
  if (cached) return cached;
  let stored: { authSecret?: string; encryptionKey?: string } = {};
  const file = path.resolve(env.DATA_DIR, "secrets.json");
  if (!env.NEXTAUTH_SECRET || !env.ENCRYPTION_KEY) {
    try {
      stored = JSON.parse(readFileSync(file, "utf8")) as typeof stored;
    } catch {
      stored = {};
    }
    if (!stored.authSecret || !stored.encryptionKey) {
      stored = {
        authSecret: stored.authSecret ?? randomBytes(32).toString("base64url"),
        encryptionKey: stored.encryptionKey ?? randomBytes(32).toString("hex"),
      };
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    }
  }
  cached = {
    authSecret: env.NEXTAUTH_SECRET ?? stored.authSecret!,
    encryptionKey: Buffer.from(env.ENCRYPTION_KEY ?? stored.encryptionKey!, "hex"),
  };
  return cached;
}
