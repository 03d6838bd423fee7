import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db } from "~/server/db";
import { getSecrets, type Secrets } from "~/server/secrets";
import { decryptSecret } from "~/server/crypto";
import { advisoryXactLock } from "~/server/db/sql";
import { readRows } from "~/server/db/fast-read";
import { Prisma } from "~/generated/prisma/client";

/**
 * The start-up check that every instance on one database runs with the same keys. The database
 * keeps a check value of each (an HMAC-SHA256 of a fixed label under the key, which says nothing
 * about the key); the first instance writes them, every later start compares its own. Without it
 * a second instance with its own generated DATA_DIR/secrets.json could not read the first one's
 * signing keys (sign-in fails) nor the tenants' secret properties.
 */
export const SECRET_VARIABLES = ["NEXTAUTH_SECRET", "ENCRYPTION_KEY"] as const;
export type SecretVariable = (typeof SECRET_VARIABLES)[number];

const LABEL = "user-center secret check v1";

export function secretCheckValues(s: Secrets): Record<SecretVariable, string> {
  return {
    NEXTAUTH_SECRET: createHmac("sha256", s.authSecret).update(`${LABEL}:NEXTAUTH_SECRET`).digest("hex"),
    ENCRYPTION_KEY: createHmac("sha256", s.encryptionKey).update(`${LABEL}:ENCRYPTION_KEY`).digest("hex"),
  };
}

export class SecretMismatchError extends Error {
  constructor(readonly variables: SecretVariable[]) {
    const names = variables.join(" and ");
    super(
      `This instance's ${names} ${variables.length > 1 ? "differ" : "differs"} from what this database was first started with, ` +
        "so it could not read what the other instances signed and encrypted. Every instance on one database must use the same keys: " +
        `set ${names} in this instance's environment to the first instance's ${variables.length > 1 ? "values" : "value"} ` +
        "(from its environment, or from authSecret / encryptionKey in its DATA_DIR/secrets.json), then start again.",
    );
    this.name = "SecretMismatchError";
  }
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Compares this instance's keys with the check values in the database, writing them first when
 * none are there (under an advisory lock, so two first instances starting at once agree on one
 * pair). Before writing the ENCRYPTION_KEY check into a database that already holds signing keys
 * (a deployment from before the check existed), it makes sure this key decrypts them, so a
 * misconfigured instance cannot be the one that fixes the check value. Throws SecretMismatchError.
 */
export async function checkInstanceSecrets(db: Db, secrets: Secrets = getSecrets()): Promise<void> {
  const mine = secretCheckValues(secrets);
  // Every start after the first: the check values are there and never change, so one plain read
  // decides (no transaction, no lock, and no query compiler before the first request). Anything
  // missing or different takes the locked path below, which decides again.
  const seen = await readRows<{ name: string; check: string }[]>(db, Prisma.sql`SELECT "name", "check" FROM "SecretCheck"`);
  if (SECRET_VARIABLES.every((v) => seen.some((r) => r.name === v && same(r.check, mine[v])))) return;
  const stored = await db.$transaction(
    async (tx) => {
      await advisoryXactLock(tx, "user-center:secret-check");
      const rows = await tx.secretCheck.findMany({ select: { name: true, check: true } });
      const missing = SECRET_VARIABLES.filter((v) => !rows.some((r) => r.name === v));
      if (!missing.length) return rows;
      if (missing.includes("ENCRYPTION_KEY")) {
        const key = await tx.signingKey.findFirst({ orderBy: { createdAt: "desc" }, select: { privateJwk: true } });
        if (key) {
          try {
            decryptSecret(key.privateJwk, secrets.encryptionKey);
          } catch {
            throw new SecretMismatchError(["ENCRYPTION_KEY"]);
          }
        }
      }
      await tx.secretCheck.createMany({ data: missing.map((name) => ({ name, check: mine[name] })), skipDuplicates: true });
      return tx.secretCheck.findMany({ select: { name: true, check: true } });
    },
    { maxWait: 30_000, timeout: 30_000 },
  );
  const wrong = SECRET_VARIABLES.filter((v) => {
    const row = stored.find((r) => r.name === v);
    return !row || !same(row.check, mine[v]);
  });
  if (wrong.length) throw new SecretMismatchError(wrong);
}
