import createNextIntlPlugin from "next-intl/plugin";
import "./src/env.js";

const withNextIntl = createNextIntlPlugin("./src/i18n/request.ts");

/** @type {import("next").NextConfig} */
const config = {
  // These load Wasm, native binaries or data files at run time: keep them out of the bundle
  // (ip2region finds its database beside its own code; oidc-provider is a Koa app served from
  // server.mjs on Node's request and response).
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@node-rs/argon2",
    "@prisma/schema-engine-wasm",
    "pg",
    "exceljs",
    "ip2region",
    "oidc-provider",
    // The SDK release pipeline's npm and Git clients (plain Node packages with dynamic requires).
    "libnpmpublish",
    "isomorphic-git",
  ],
  poweredByHeader: false,
  typedRoutes: false,
  // UC_UNMINIFIED_SERVER=1 builds the server bundle unminified, so that CPU profiles
  // (`node --cpu-prof`, BENCH_CPU_PROF) name our functions. Off by default: unminified chunks
  // hold ~100 MB more in every server's memory.
  experimental: {
    // Next loads every page and route at start by default (~50 entries here, each with its own
    // copy of shared chunks): ~100 MB of memory and CPU that competes with the first requests.
    // Pages load when first asked for instead; server.mjs warms the sign-in page itself.
    preloadEntriesOnStart: false,
    ...(process.env.UC_UNMINIFIED_SERVER === "1" ? { turbopackMinify: { server: false, client: true } } : {}),
  },
};

export default withNextIntl(config);
