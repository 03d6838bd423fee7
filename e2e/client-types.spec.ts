import { expect, test, type Locator, type Page } from "@playwright/test";
import { setLocale, shot, FIELD_ERROR } from "./helpers";

/**
 * Issue 13, "Clients in the console": the operator creates a single-page app and a web app that
 * authenticates with private_key_jwt in the browser; the form shows only the fields of the
 * chosen type, and bad addresses are refused on their field in words, in both languages.
 */
test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

const RUN = Date.now().toString(36);

/** Adds tag items to a tags input (one per Enter). */
async function addTags(field: Locator, values: string[]) {
  for (const v of values) {
    await field.fill(v);
    await field.press("Enter");
  }
}

/** The form item holding the label `label` (a required one starts with its mark, "*"). */
const itemOf = (page: Page, drawer: Locator, label: RegExp) => drawer.locator(".ant-form-item").filter({ has: page.locator("label", { hasText: label }) });

async function openNew(page: Page, newLabel: RegExp) {
  await page.goto("/clients");
  await page.getByRole("button", { name: newLabel }).click();
  return page.getByRole("dialog");
}

test("bad redirect URIs are refused on their field, in Chinese and in English", async ({ page, baseURL }) => {
  await setLocale(page, "zh-CN", baseURL!);
  let drawer = await openNew(page, /新建客户端/);
  await drawer.getByLabel("名称", { exact: true }).fill(`E2E SPA bad ${RUN}`);
  await drawer.getByTestId("client-type").getByText("单页应用").click();
  // A machine's fields give way to the sign-in ones.
  await expect(drawer.getByLabel("回调地址")).toBeVisible();
  await expect(drawer.getByTestId("client-public-auth")).toBeVisible();
  await addTags(drawer.getByLabel("回调地址"), ["http://app.example.com/cb", "https://app.example.com/*", "https://app.example.com/cb#x"]);
  await drawer.getByTestId("client-save").click();
  const zhErrors = itemOf(page, drawer, /^(\* ?)?回调地址$/).locator(FIELD_ERROR);
  await expect(zhErrors.filter({ hasText: "只有本机回环地址可以不加密" })).toHaveCount(1);
  await expect(zhErrors.filter({ hasText: "不允许使用通配符" })).toHaveCount(1);
  await expect(zhErrors.filter({ hasText: "不能带片段" })).toHaveCount(1);
  await shot(page, "oidc-client-bad-uris-zh");
  await drawer.getByRole("button", { name: /取\s*消/ }).click();

  await setLocale(page, "en", baseURL!);
  drawer = await openNew(page, /New client/);
  await drawer.getByLabel("Name", { exact: true }).fill(`E2E SPA bad ${RUN}`);
  await drawer.getByTestId("client-type").getByText("Single-page app").click();
  await addTags(drawer.getByLabel("Redirect URIs"), ["http://app.example.com/cb", "https://*.example.com/cb"]);
  await drawer.getByTestId("client-save").click();
  const enErrors = itemOf(page, drawer, /^(\* ?)?Redirect URIs$/).locator(FIELD_ERROR);
  await expect(enErrors.filter({ hasText: "http:// is allowed only for 127.0.0.1, [::1] and localhost" })).toHaveCount(1);
  await expect(enErrors.filter({ hasText: "wildcards (*) are not allowed" })).toHaveCount(1);
  await shot(page, "oidc-client-bad-uris-en");
  // Nothing was saved.
  await expect(page).toHaveURL(/\/clients$/);
  await drawer.getByRole("button", { name: /Cancel/ }).click();
});

test("an operator creates a single-page app: public, PKCE only, with identity scopes from the tenant", async ({ page, baseURL }) => {
  await setLocale(page, "en", baseURL!);
  const drawer = await openNew(page, /New client/);
  await drawer.getByLabel("Name", { exact: true }).fill(`E2E SPA ${RUN}`);
  await drawer.getByTestId("client-type").getByText("Single-page app").click();
  // A public app has no authentication method to choose and no JWKS address.
  await expect(drawer.getByTestId("client-public-auth")).toBeVisible();
  await expect(drawer.getByLabel("JWKS URI")).toHaveCount(0);
  await addTags(drawer.getByLabel("Redirect URIs"), ["http://127.0.0.1:8080/callback"]);
  await addTags(drawer.getByLabel("CORS origins"), ["http://127.0.0.1:8080"]);
  const scopes = drawer.getByLabel("Allowed scopes");
  for (const name of ["openid", "profile", "offline_access"]) {
    const chosen = drawer.locator(".ant-select-selection-item", { hasText: new RegExp(`^${name}`) });
    await expect(async () => {
      if (await chosen.count()) return;
      await scopes.click();
      await scopes.fill(name);
      await page
        .locator(".ant-select-item-option", { hasText: new RegExp(`^${name}( —|$)`) })
        .first()
        .click({ timeout: 3000 });
      await expect(chosen).toBeVisible({ timeout: 2000 });
    }).toPass({ timeout: 30_000 });
  }
  await scopes.press("Escape");
  await shot(page, "oidc-client-spa-form-en");
  await drawer.getByTestId("client-save").click();
  await expect(page).toHaveURL(/\/clients\/[0-9a-f-]{36}\?tab=secrets/);
  await page.getByRole("tab", { name: "Settings" }).click();
  await expect(page.getByTestId("client-type-tag")).toHaveText("Single-page app");
  await expect(page.getByTestId("client-auth-method")).toHaveText("none");
  await shot(page, "oidc-client-spa-detail-en");
});

test("an operator creates a web app with private_key_jwt: the JWKS URI must be https", async ({ page, baseURL }) => {
  await setLocale(page, "zh-CN", baseURL!);
  const drawer = await openNew(page, /新建客户端/);
  await drawer.getByLabel("名称", { exact: true }).fill(`E2E Web PKJ ${RUN}`);
  await drawer.getByTestId("client-type").getByText("网站应用").click();
  await addTags(drawer.getByLabel("回调地址"), ["https://app.example.com/callback"]);
  await drawer.getByLabel("令牌端点认证方式").click();
  await page.locator(".ant-select-item-option", { hasText: "private_key_jwt" }).click();
  const jwks = drawer.getByLabel("公钥集地址（JWKS URI）");
  await expect(jwks).toBeVisible();
  await jwks.fill("http://keys.example.com/jwks.json");
  await drawer.getByLabel("后端通道注销地址").fill("https://app.example.com/backchannel-logout");
  await drawer.getByTestId("client-save").click();
  await expect(itemOf(page, drawer, /^(\* ?)?公钥集地址（JWKS URI）$/).locator(FIELD_ERROR)).toHaveText("请使用 https:// 地址");
  await shot(page, "oidc-client-web-jwks-error-zh");
  await jwks.fill("https://keys.example.com/jwks.json");
  await drawer.getByTestId("client-save").click();
  await expect(page).toHaveURL(/\/clients\/[0-9a-f-]{36}\?tab=secrets/);
  await page.getByRole("tab", { name: "设置" }).click();
  await expect(page.getByTestId("client-type-tag")).toHaveText("网站应用");
  await expect(page.getByTestId("client-auth-method")).toHaveText("private_key_jwt");
  await expect(page.getByText("https://keys.example.com/jwks.json")).toBeVisible();
  await shot(page, "oidc-client-web-detail-zh");
});
