import { createPrismaClient } from "~/server/db-client";
import { seed } from "~/server/seed";

const admin = process.env.ADMIN_USERNAME || "admin";
const { db, kind, close } = createPrismaClient({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR || "./.data" });
try {
  await seed(db, { adminUsername: admin, adminPassword: process.env.ADMIN_PASSWORD || undefined, log: (l) => console.log(l) });
  console.log(`Seed done (${kind}).`);
} finally {
  await close();
}
