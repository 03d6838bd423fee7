import { expect, test as setup } from "@playwright/test";
import { ADMIN_PASSWORD, shot } from "./helpers";

// Signs in once through the real form; the console specs reuse the stored session.
setup("operator signs in through the form", async ({ page }) => {
  await page.goto("/tenants");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel(/手机号、邮箱或用户名|Phone, email or user name/).fill("admin");
  await page.getByLabel(/^(密码|Password)$/).fill("wrong-password");
  await page.getByRole("button", { name: /登\s*录|Sign in/ }).click();
  await expect(page.locator(".ant-alert")).toContainText(/账号或密码错误|wrong/);
  await shot(page, "login-error-zh");

  await page.getByLabel(/^(密码|Password)$/).fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: /登\s*录|Sign in/ }).click();
  // The console's home is the dashboard.
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByRole("heading", { name: /仪表盘|Dashboard/ }).first()).toBeVisible();
  await page.context().storageState({ path: "e2e/.auth/operator.json" });
});
