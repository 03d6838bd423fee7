import { expect, test, type Page } from "@playwright/test";
import { setLocale } from "./helpers";

// The walk a picky administrator makes: every console page and a detail page of each list, in
// both languages, with not one error in the browser's console and no uncaught exception.

const PAGES = [
  "/dashboard",
  "/tenants",
  "/users",
  "/team",
  "/roles",
  "/clients",
  "/api-resources",
  "/api-scopes",
  "/identity-resources",
  "/audit",
  "/exports",
  "/files",
  "/sessions",
  "/locks",
  "/outbox",
  "/account",
  "/permissions",
  "/tenant",
];
/** Lists whose first row has a detail page at `<list>/<id>`. */
const DETAILS = ["/users", "/roles", "/tenants", "/identity-resources", "/clients", "/api-scopes", "/api-resources"];

function watchErrors(page: Page): string[] {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") seen.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => seen.push(`${page.url()}: uncaught ${e.name}: ${e.message}`));
  return seen;
}

/** Waits until the page has settled: its main content shown and no request in flight. */
async function settle(page: Page) {
  await expect(page.locator("main, .ant-layout-content").first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  await expect(page.locator(".ant-spin-spinning")).toHaveCount(0, { timeout: 15_000 });
}

for (const locale of ["zh-CN", "en"] as const) {
  test(`every console page runs without a browser-console error (${locale})`, async ({ page, baseURL }) => {
    test.setTimeout(180_000);
    await setLocale(page, locale, baseURL!);
    const seen = watchErrors(page);
    for (const path of PAGES) {
      await page.goto(path);
      await settle(page);
      expect(page.url(), path).not.toContain("/login");
    }
    for (const list of DETAILS) {
      const res = await page.request.get(`/api/v1${list}?take=1`);
      const id = ((await res.json()) as { items?: { id: string }[] }).items?.[0]?.id;
      if (!id) continue;
      await page.goto(`${list}/${id}`);
      await settle(page);
      // Every tab of the detail page, too.
      const tabs = page.getByRole("tab");
      for (let i = 0; i < (await tabs.count()); i++) {
        await tabs.nth(i).click();
        await page.waitForLoadState("networkidle");
      }
    }
    expect(seen).toEqual([]);
  });
}
