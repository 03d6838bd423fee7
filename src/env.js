import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";

// next-auth v4 builds its callback URLs from NEXTAUTH_URL. A multi-tenant product is reached
// under many host names, so unless one URL is pinned we trust the Host header; the tenant
// resolver then refuses every host that is not bound to a tenant.
if (!process.env.NEXTAUTH_URL && !process.env.AUTH_TRUST_HOST) process.env.AUTH_TRUST_HOST = "true";

export const env = createEnv({
  server: {
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: z.url().optional(),
    DATA_DIR: z.string().min(1).default("./.data"),
    NEXTAUTH_SECRET: z.string().min(32).optional(),
    NEXTAUTH_URL: z.url().optional(),
    ENCRYPTION_KEY: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, "64 hex characters (32 bytes)")
      .optional(),
    ADMIN_USERNAME: z.string().min(3).max(64).default("admin"),
    ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
    // How many reverse proxies in front of us are trusted: their X-Forwarded-For hops, X-Forwarded-Host and -Proto.
    TRUSTED_PROXY: z
      .string()
      .regex(/^\d{1,2}$/, "a number of proxy hops: 0, 1, 2, …")
      .default("0"),
    WECHAT_OPEN_BASE_URL: z.url().optional(),
    WECHAT_API_BASE_URL: z.url().optional(),
    // Files: with no UploadThing token, or with an ingest URL, uploads go to the built-in ingest.
    UPLOADTHING_TOKEN: z.string().min(1).optional(),
    UPLOADTHING_INGEST_URL: z.url().optional(),
    // Where this instance reaches itself (the built-in ingest calls back the upload route here).
    UC_INTERNAL_URL: z.url().optional(),
    // Housekeeping (src/server/jobs/housekeeping.ts): days a finished export file, an outbox
    // message and an ended login session are kept.
    UC_EXPORT_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(7),
    UC_OUTBOX_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(30),
    UC_SESSION_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(90),
    // Hours a code generation preview's files are kept (src/server/codegen/previews.ts).
    UC_CODEGEN_PREVIEW_TTL_HOURS: z.coerce.number().positive().max(8760).default(24),
    // Tests only: addresses the provider may reach although not public (server/security/outbound.ts). Unset: none.
    UC_OUTBOUND_ALLOW_ADDRESSES: z.string().optional(),
    PORT: z.coerce.number().int().positive().default(3000),
    // Server log lines (JSON, pino): fatal | error | warn | info | debug | trace | silent. Tests default to silent.
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  },
  client: {},
  experimental__runtimeEnv: {},
  skipValidation: !!process.env.SKIP_ENV_VALIDATION,
  emptyStringAsUndefined: true,
});
