import { expect, test, type Page } from "@playwright/test";
import { ADMIN_PASSWORD, setLocale, shot } from "./helpers";

test.describe.configure({ timeout: 240_000 });

/** Console errors, uncaught exceptions and any request that leaves this machine (CDNs, font hosts, telemetry). */
function watch(page: Page) {
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!["data:", "blob:"].includes(u.protocol) && !["localhost", "127.0.0.1"].includes(u.hostname)) foreign.push(r.url());
  });
  return { errors, foreign };
}

/**
 * Expands GET /tenants, opens its Test Request client and sends it: the call goes to this host's
 * /api/v1 with the console's own session cookie and answers 200.
 */
async function tryListTenants(page: Page, origin: string, en: boolean) {
  await page.goto(`${origin}/api-docs`);
  const reference = page.getByTestId("api-reference");
  // The document's server is the host the page is on. (The reference's bundle and the whole document
  // load and render in the browser: slow on a busy 2-core machine.)
  await expect(reference.locator(".scalar-reference-intro-server")).toContainText(`${origin}/api/v1`, { timeout: 90_000 });
  const operation = reference.locator(".reference-endpoint", { has: page.locator(".endpoint-label-name", { hasText: "List tenants" }) });
  await operation.locator(".section-accordion-button").first().click();
  const tryIt = operation.getByRole("button", { name: en ? /Test Request/ : /测试请求/ });
  await expect(tryIt).toBeVisible();
  await tryIt.click();
  const send = page.getByRole("button", { name: en ? /^Send/ : /^发送/ }).first();
  await expect(send).toBeVisible({ timeout: 30_000 });
  const answered = page.waitForResponse((r) => r.url().startsWith(`${origin}/api/v1/tenants?`) && r.request().method() === "GET");
  await send.click();
  const response = await answered;
  expect(response.status()).toBe(200);
  expect(((await response.json()) as { items: { isDefault: boolean }[] }).items.some((t) => t.isDefault)).toBe(true);
}

test.describe("signed in on localhost", () => {
  test.use({ storageState: "e2e/.auth/operator.json" });

  test("the API reference expands an operation and its Test Request reaches /api/v1 with the session, in both languages, with no console error and no CDN", async ({
    page,
    baseURL,
  }) => {
    const seen = watch(page);
    for (const locale of ["zh-CN", "en"] as const) {
      await setLocale(page, locale, baseURL!);
      await tryListTenants(page, baseURL!, locale === "en");
      await shot(page, `api-docs-try-${locale === "en" ? "en" : "zh"}`);
      await page.keyboard.press("Escape");
    }
    // The reference's own labels follow the console's language.
    await setLocale(page, "zh-CN", baseURL!);
    await page.goto("/api-docs");
    await expect(page.getByTestId("api-reference").getByText("服务器", { exact: true })).toBeVisible({ timeout: 90_000 });
    await shot(page, "api-docs-zh");
    expect(seen.errors).toEqual([]);
    expect(seen.foreign).toEqual([]);
  });
});

test("on the tenant's other host the reference names that host and Test Request works there too", async ({ page, baseURL }) => {
  const seen = watch(page);
  const other = baseURL!.replace("localhost", "127.0.0.1");
  await setLocale(page, "en", other);
  await page.goto(`${other}/login`);
  await page.getByLabel(/Phone, email or user name/).fill("admin");
  await page.getByLabel(/^Password$/).fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: /Sign in/ }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  await tryListTenants(page, other, true);
  await shot(page, "api-docs-try-127");
  expect(seen.errors).toEqual([]);
  expect(seen.foreign).toEqual([]);
});
