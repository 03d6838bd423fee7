import { expect, test } from "@playwright/test";
import { FIELD_ERROR, setLocale, shot } from "./helpers";

test.describe.configure({ timeout: 180_000 });

test("someone subscribes to an API's releases, confirms through the emailed link; the console lists them and keeps the API's packages", async ({
  page,
  baseURL,
  request,
}) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  await setLocale(page, "en", baseURL!);
  const name = `orders-${Date.now()}`;
  const created = await request.post("/api/v1/api-resources", { data: { name, displayName: "Orders" } });
  expect(created.status()).toBe(200);
  const api = (await created.json()) as { id: string };

  // The public REST mirror; the development outbox keeps the confirmation email's text.
  const email = `sub-${Date.now()}@example.com`;
  expect((await request.post(`/api/v1/api-resources/${api.id}/subscribers`, { data: { email } })).status()).toBe(200);
  const outbox = (await (await request.get(`/api/v1/outbox?to=${encodeURIComponent(email)}`)).json()) as { items: { subject: string; body: string }[] };
  const confirmUrl = new URL(/https?:\/\/\S+\/subscriptions\/confirm\?t=\S+/.exec(outbox.items[0]!.body)![0]);

  // The page does nothing by itself (mail scanners open links): the button confirms.
  await page.goto(`${confirmUrl.pathname}${confirmUrl.search}`);
  await expect(page.getByRole("heading", { name: "Confirm your subscription" })).toBeVisible();
  await shot(page, "subscription-confirm-en");
  await page.getByTestId("subscription-submit").click();
  await expect(page.getByTestId("subscription-result-ok")).toContainText("Subscription confirmed");
  await shot(page, "subscription-confirmed-en");

  await page.goto(`/api-resources/${api.id}`);
  await page.getByRole("tab", { name: "Subscribers" }).click();
  const panel = page.getByRole("tabpanel");
  await expect(panel.locator(".ant-table-tbody")).toContainText(email);
  await expect(panel.locator(".ant-table-tbody")).toContainText("Confirmed");
  await shot(page, "api-subscribers-en");

  // With twelve tabs the nav scrolls: a click may only focus the tab while the list moves, so click until its panel shows.
  await expect(async () => {
    await page.getByRole("tab", { name: "Packages", exact: true }).click();
    await expect(page.getByTestId("package-new")).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await page.getByTestId("package-new").click();
  await page.getByTestId("package-name").fill("@orders/client");
  await page.getByTestId("package-link").fill("javascript:alert(1)");
  await page.getByTestId("package-save").click();
  await expect(page.locator(FIELD_ERROR)).toContainText("Use an https:// address");
  await page.getByTestId("package-link").fill("https://www.npmjs.com/package/@orders/client");
  await page.getByTestId("package-save").click();
  await expect(page.getByRole("tabpanel").locator(".ant-table-tbody")).toContainText("@orders/client");
  await shot(page, "api-packages-en");

  // In Chinese: a tampered unsubscribe link says so and changes nothing.
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto(`/subscriptions/unsubscribe?t=${encodeURIComponent(confirmUrl.searchParams.get("t")!)}`);
  await expect(page.getByRole("heading", { name: "退订" })).toBeVisible();
  await page.getByTestId("subscription-submit").click();
  await expect(page.getByTestId("subscription-result-invalid")).toContainText("该链接无效");
  await shot(page, "subscription-unsubscribe-invalid-zh");
  await page.goto(`/api-resources/${api.id}`);
  await page.getByRole("tab", { name: "订阅者" }).click();
  await expect(page.getByRole("tabpanel").locator(".ant-table-tbody")).toContainText(email);
  await shot(page, "api-subscribers-zh");
  expect(errors).toEqual([]);
});
