import "server-only";
import type { Db } from "~/server/db";
import type { Secrets } from "~/server/secrets";
import { seed, type SeedOptions } from "~/server/seed";
import { ensureSigningKey } from "~/server/services/tokens";
import { checkInstanceSecrets } from "~/server/startup";

/**
 * What every start does before serving, in order: the key check (a mismatched instance writes
 * nothing), the idempotent seed, and the active signing key (so /.well-known/jwks.json has a key
 * from the first start). `npm run db:seed` (part of `npm start`) runs this.
 */
export async function prepareInstance(db: Db, opts: SeedOptions & { secrets?: Secrets }) {
  await checkInstanceSecrets(db, opts.secrets);
  const result = await seed(db, opts);
  await ensureSigningKey(db);
  return result;
}
