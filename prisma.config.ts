import { defineConfig } from "prisma/config";

// Prisma 7 reads the datasource URL from here. The CLI is only used for `generate`
// (the native schema engine cannot be downloaded offline); migrations go through
// scripts/db.ts and the Wasm schema engine.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/unused" },
});
