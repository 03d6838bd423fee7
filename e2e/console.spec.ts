import { expect, test } from "@playwright/test";
import { ADMIN_PASSWORD, setLocale, shot } from "./helpers";

test.describe.configure({ mode: "serial" });

test("operator manages tenants in the console, in both languages", async ({ page, baseURL }) => {
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/tenants");
  await expect(page.getByRole("heading", { name: "租户" })).toBeVisible();
  await expect(page.getByRole("cell", { name: /Default/ })).toBeVisible();
  await shot(page, "tenants-zh");

  // Create a tenant with a host, a public claim and a secret property.
  await page.getByRole("button", { name: /新建租户/ }).click();
  const drawer = page.getByRole("dialog");
  await drawer.getByLabel("名称").fill("E2E Acme");
  await drawer.getByLabel("主机名").first().fill("bad host!");
  await drawer.getByTestId("tenant-save").click();
  await expect(drawer.getByText("主机名格式不正确")).toBeVisible();
  await drawer.getByLabel("主机名").first().fill("acme.test");
  await drawer.getByRole("button", { name: "添加" }).nth(1).click();
  await drawer.getByLabel("类型").fill("slogan");
  await drawer.getByLabel("值").first().fill("Hello from Acme");
  await drawer.getByRole("button", { name: "添加" }).nth(2).click();
  await drawer.getByLabel("键").fill("wechat.appSecret");
  await drawer.locator(".ant-checkbox-wrapper", { hasText: "保密" }).click();
  await drawer.getByLabel("值").last().fill("top-secret-value");
  await shot(page, "tenant-create-zh");
  await drawer.getByTestId("tenant-save").click();
  await expect(page.getByText("已保存")).toBeVisible();
  await expect(page.getByRole("cell", { name: "E2E Acme" })).toBeVisible();

  // Edit it: the secret comes back hidden, the name changes.
  await page
    .getByRole("row", { name: /E2E Acme/ })
    .getByRole("button", { name: /编\s*辑/ })
    .click();
  await expect(drawer.getByLabel("名称")).toHaveValue("E2E Acme");
  await expect(drawer.getByPlaceholder("已保存（隐藏），输入新值以替换")).toHaveValue("");
  await drawer.getByLabel("名称").fill("E2E Acme Corp");
  await drawer.getByTestId("tenant-save").click();
  await expect(page.getByRole("cell", { name: "E2E Acme Corp" })).toBeVisible();

  // Its detail page: hosts, the secret property shown only as stored, and the history of both saves.
  await page.getByRole("link", { name: "E2E Acme Corp", exact: true }).click();
  await expect(page.getByRole("heading", { name: /E2E Acme Corp/ })).toBeVisible();
  await page.getByRole("tab", { name: /主机名/ }).click();
  await expect(page.getByText("acme.test", { exact: true })).toBeVisible();
  await page.getByRole("tab", { name: /属性/ }).click();
  await expect(page.getByText("已保存（隐藏）")).toBeVisible();
  await page.getByRole("tab", { name: "变更记录" }).click();
  const history = page.getByTestId("record-history");
  await expect(history).toContainText("tenant.create");
  await expect(history).toContainText("tenant.update");
  await shot(page, "tenant-detail-zh");
  await page.getByRole("link", { name: "租户" }).first().click();

  // Filter by name: the state is in the URL.
  await page.getByLabel("名称包含").fill("acme");
  await page.getByLabel("名称包含").press("Enter");
  await expect(page).toHaveURL(/name=acme/);
  await expect(page.getByRole("cell", { name: /Default/ })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("cell", { name: "E2E Acme Corp" })).toBeVisible();
  await expect(page.getByLabel("名称包含")).toHaveValue("acme");

  // Switch to English from the header; the choice sticks across reloads.
  await page.getByText("English", { exact: true }).click();
  await expect(page.getByRole("heading", { name: "Tenants" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Tenants" })).toBeVisible();
  await expect(page.getByRole("link", { name: "E2E Acme Corp", exact: true })).toBeVisible();
  await shot(page, "tenants-en");
  await page.getByRole("link", { name: "E2E Acme Corp", exact: true }).click();
  await page.getByRole("tab", { name: /Properties/ }).click();
  await expect(page.getByText("Stored (hidden)")).toBeVisible();
  await shot(page, "tenant-detail-en");
  await page.getByRole("button", { name: "Edit" }).click();
  await expect(page.getByRole("dialog").getByLabel("Name", { exact: true })).toHaveValue("E2E Acme Corp");
  await shot(page, "tenant-edit-en");
  await page.keyboard.press("Escape");
});

test("anonymous visitors see the public tenant detail of a host", async ({ browser, baseURL }) => {
  const port = new URL(baseURL!).port;
  for (const locale of ["zh-CN", "en"] as const) {
    const ctx = await browser.newContext({ locale });
    const page = await ctx.newPage();
    await page.goto(`http://acme.test:${port}/tenant`);
    await expect(page.getByTestId("public-tenant")).toContainText("E2E Acme Corp");
    await expect(page.getByTestId("public-tenant")).toContainText("Hello from Acme");
    await expect(page.getByText("top-secret-value")).toHaveCount(0);
    await shot(page, `public-tenant-${locale}`);
    await page.goto(`http://acme.test:${port}/login`);
    await expect(page.getByText(/E2E Acme Corp/).first()).toBeVisible();
    await shot(page, `login-${locale}`);
    await ctx.close();
  }
  const ctx = await browser.newContext({ locale: "en" });
  const page = await ctx.newPage();
  await page.goto(`http://nowhere.test:${port}/login`);
  await expect(page.getByText("Unknown host")).toBeVisible();
  await shot(page, "unknown-host-en");
  await ctx.close();
});

test("permission codes and API reference pages", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL! });
  for (const locale of ["zh-CN", "en"] as const) {
    await setLocale(page, locale, baseURL!);
    await page.goto("/permissions");
    await expect(page.getByText("uc.tenant.get")).toBeVisible();
    // Each code copies with its button, named in the page's language, and says so.
    const copy = page.getByRole("row", { name: /uc\.tenant\.get/ }).getByRole("button", { name: locale === "en" ? "Copy" : "复制" });
    await copy.focus();
    await page.keyboard.press("Enter");
    await expect(page.locator(".ant-message").getByText(locale === "en" ? "Copied" : "已复制", { exact: true })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("uc.tenant.get");
    await expect(page.getByRole("row", { name: /uc\.tenant\.get/ }).getByRole("button", { name: locale === "en" ? "Copied" : "已复制" })).toBeVisible();
    await page.getByRole("searchbox").fill(locale === "en" ? "Tenants" : "租户");
    await expect(page.getByText("uc.permission.get")).toHaveCount(0);
    await shot(page, `permissions-${locale}`);
    await page.goto("/locks");
    await expect(page.getByRole("heading", { name: locale === "en" ? "Account locks" : "账号锁定" })).toBeVisible();
    await expect(page.locator(".ant-spin-spinning")).toHaveCount(0);
    await shot(page, `locks-${locale}`);
  }
  await page.goto("/api-docs");
  await expect(page.getByTestId("api-reference").getByText("/tenants/{id}").first()).toBeVisible({ timeout: 30_000 });
  await shot(page, "api-docs-en");
});

test("administrators freeze and unfreeze a bearer session from the console", async ({ page, request, baseURL }) => {
  const { createHash } = await import("node:crypto");
  const { ADMIN_PASSWORD } = await import("./helpers");
  const login = await request.post("/api/v1/login/AddNoginx", {
    data: { ustr: "admin", pwd: createHash("md5").update(ADMIN_PASSWORD).digest("hex") },
    headers: { "user-agent": "E2E-MiniProgram/1.0" },
  });
  expect(login.status()).toBe(200);
  const { result } = (await login.json()) as { result: { token: string } };
  const me = () => request.get("/api/v1/me", { headers: { authorization: `Bearer ${result.token}` } });
  expect((await me()).status()).toBe(200);

  for (const locale of ["en", "zh-CN"] as const) {
    await setLocale(page, locale, baseURL!);
    await page.goto("/sessions?user=admin&state=");
    // The newest session (this test's bearer login) heads the list; the operator's many others
    // (every spec signs in) may push the page's own session past the first page.
    await expect(page.getByRole("row").filter({ hasText: "E2E-MiniProgram" }).first()).toBeVisible();
    await shot(page, `sessions-${locale}`);
  }
  const row = page.getByRole("row").filter({ hasText: "E2E-MiniProgram" }).first();
  await row.getByRole("button", { name: "冻结" }).click();
  // Freezing signs someone out: it asks first.
  await page
    .locator(".ant-popconfirm")
    .getByRole("button", { name: /确\s*定|OK/ })
    .click();
  await expect(row.getByText("已冻结")).toBeVisible();
  expect((await me()).status()).toBe(401);
  await row.getByRole("button", { name: "解冻" }).click();
  await expect(row.getByText("活动")).toBeVisible();
  expect((await me()).status()).toBe(200);
});

test("sign-out ends the session", async ({ browser }) => {
  // A session of its own: the shared operator state must outlive this test for the other projects.
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await page.goto("/tenants");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel(/手机号、邮箱或用户名|Phone, email or user name/).fill("admin");
  await page.getByLabel(/^(密码|Password)$/).fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: /登\s*录|Sign in/ }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  // A click before the dashboard has hydrated opens nothing: click the menu until its item shows.
  const signOut = page.getByText(/退出登录|Sign out/);
  await expect(async () => {
    await page.getByTestId("user-menu").click();
    await expect(signOut).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await signOut.click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/tenants");
  await expect(page).toHaveURL(/\/login/);
  await ctx.close();
});
