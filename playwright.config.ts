import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
/** The loopback address the sdk-release e2e starts its npm registry and Git server on (e2e/sdk-release.spec.ts). */
export const SDK_E2E_HOST = "127.0.0.231";
/** The loopback WeChat stub the app talks to instead of open.weixin.qq.com / api.weixin.qq.com. */
export const WECHAT_STUB_PORT = PORT + 90;
export const WECHAT_STUB_APP = { id: "wxe2e0000000000001", secret: "e2e-wechat-secret-000000000001" };
export const BASE_URL = `http://localhost:${PORT}`;
/** Tenant host names the browser tests use, besides localhost. */
const TEST_HOSTS = ["acme.test", "second.test", "brand.test", "oidc-en.test", "oidc-zh.test"];
export const E2E_ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e-Operator-pass";

// The app under test is the production build (`next build` ran before), served by `npm start`
// (server.mjs in front of Next, as in production) on its own
// database: a fresh PostgreSQL database from scripts/test.ts, or a fresh PGlite directory.
const dbEnv: Record<string, string> = process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    locale: "zh-CN",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        // Tenant host names used by the tests all lead to this machine.
        "--host-resolver-rules=MAP *.test 127.0.0.1",
        // Production serves tenants over HTTPS; here they are plain HTTP, so mark them secure
        // like localhost (the captcha's Web Crypto exists only in secure contexts).
        `--unsafely-treat-insecure-origin-as-secure=${TEST_HOSTS.map((h) => `http://${h}:${PORT}`).join(",")}`,
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    { name: "api", testMatch: /(^|\/)(api|edge-http|gateway-http)\.spec\.ts$/ },
    { name: "edge-browser", testMatch: /edge-browser\.spec\.ts/, dependencies: ["setup"] },
    { name: "api-docs", testMatch: /api-docs\.spec\.ts/, dependencies: ["setup"] },
    { name: "console", testMatch: /console\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "roles-audit", testMatch: /roles-audit\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "api-publishing", testMatch: /api-publishing\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "codegen", testMatch: /codegen\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "sdk-release", testMatch: /sdk-release\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "api-subscribers", testMatch: /api-subscribers\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "clients", testMatch: /clients\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "client-try", testMatch: /client-try\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "forms", testMatch: /forms\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "enduser", testMatch: /(enduser|wechat)\.spec\.ts/ },
    { name: "second-tenant", testMatch: /second-tenant\.spec\.ts/, dependencies: ["setup"] },
    { name: "users", testMatch: /(^|\/)users\.spec\.ts$/ },
    { name: "bulk-users", testMatch: /bulk-users\.spec\.ts/ },
    { name: "user-import", testMatch: /user-import\.spec\.ts/ },
    { name: "files-api", testMatch: /files-api\.spec\.ts/ },
    { name: "files", testMatch: /files\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "branding", testMatch: /branding\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "field-errors", testMatch: /field-errors\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "dashboard", testMatch: /dashboard\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "layout", testMatch: /layout\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "console-errors", testMatch: /console-errors\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "message-templates", testMatch: /message-templates\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    { name: "ssr", testMatch: /ssr\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    // Its own browser contexts (signed out); the operator's API session comes from e2e/helpers.ts.
    { name: "oidc", testMatch: /oidc\.spec\.ts/ },
    { name: "client-types", testMatch: /client-types\.spec\.ts/, dependencies: ["setup"], use: { storageState: "e2e/.auth/operator.json" } },
    // Two tenants' providers on their own hosts (their own browser contexts, the operator's API session from e2e/helpers.ts).
    { name: "oidc-tenants", testMatch: /oidc-tenants\.spec\.ts/ },
  ],
  webServer: [
    {
      // tsx directly (not npx): npx does not pass the stop signal on.
      command: "node_modules/.bin/tsx scripts/wechat-stub.ts",
      port: WECHAT_STUB_PORT,
      reuseExistingServer: false,
      env: { WECHAT_STUB_PORT: String(WECHAT_STUB_PORT), WECHAT_STUB_APPS: `${WECHAT_STUB_APP.id}:${WECHAT_STUB_APP.secret}` },
    },
    {
      command: "npm start",
      url: `${BASE_URL}/api/health`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        ...dbEnv,
        PORT: String(PORT),
        DATA_DIR: process.env.E2E_DATA_DIR ?? ".data/e2e",
        ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
        NEXT_TELEMETRY_DISABLED: "1",
        NODE_ENV: "production",
        // The server's JSON log lines would bury the test report: errors only (E2E_LOG_LEVEL=info to see all).
        LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "error",
        WECHAT_OPEN_BASE_URL: `http://127.0.0.1:${WECHAT_STUB_PORT}`,
        WECHAT_API_BASE_URL: `http://127.0.0.1:${WECHAT_STUB_PORT}`,
        // The sdk-release project's registry and Git server listen on this loopback address (and only they are let through).
        UC_OUTBOUND_ALLOW_ADDRESSES: SDK_E2E_HOST,
        // The gateway test's backend listens on loopback (the operator's allowance for internal backends).
        UC_GATEWAY_BACKEND_ALLOW: "127.0.0.1",
      },
    },
  ],
});
