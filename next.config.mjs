import createNextIntlPlugin from "next-intl/plugin";
import "./src/env.js";

const withNextIntl = createNextIntlPlugin("./src/i18n/request.ts");

/** @type {import("next").NextConfig} */
const config = {
  // These load Wasm, native binaries or data files at run time: keep them out of the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@node-rs/argon2", "@prisma/schema-engine-wasm", "pg", "exceljs"],
  poweredByHeader: false,
  typedRoutes: false,
  // Server code unminified: profiles (`node --cpu-prof`) and stack traces name our functions.
  // Only the server bundle; what browsers load stays minified.
  experimental: { turbopackMinify: { server: false, client: true } },
};

export default withNextIntl(config);
