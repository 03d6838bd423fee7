import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { getSecrets } from "~/server/secrets";

const VERSION = "v1";

/** AES-256-GCM envelope `v1.<iv>.<tag>.<ciphertext>` (base64url) for secrets at rest. */
export function encryptSecret(plain: string, key: Buffer = getSecrets().encryptionKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function decryptSecret(envelope: string, key: Buffer = getSecrets().encryptionKey): string {
  const [version, iv, tag, data] = envelope.split(".");
  if (version !== VERSION || !iv || !tag || data === undefined) throw new Error("Not an encrypted secret");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}
