import { createPrismaClient } from "~/server/db-client";
import { prepareInstance } from "~/server/prepare-instance";
import { SecretMismatchError } from "~/server/startup";

// Run with `--conditions=react-server` (package.json): the key check and the signing key use server-only modules.
const admin = process.env.ADMIN_USERNAME || "admin";
const { db, kind, close } = createPrismaClient({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR || "./.data" });
let refused = false;
try {
  await prepareInstance(db, { adminUsername: admin, adminPassword: process.env.ADMIN_PASSWORD || undefined, log: (l) => console.log(l) });
  console.log(`Seed done (${kind}).`);
} catch (e) {
  if (!(e instanceof SecretMismatchError)) throw e;
  console.error(`Refusing to start: ${e.message}`);
  refused = true;
} finally {
  await close();
}
// Explicitly: process.exitCode set before the embedded database closes does not survive here.
if (refused) process.exit(1);
