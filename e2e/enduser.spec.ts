import { expect, test } from "@playwright/test";
import { latestCode, operatorApi, shot, solveCaptcha } from "./helpers";

test.describe.configure({ mode: "serial" });

const PHONE = "+86-13912345678";
const PASSWORD = "my first passphrase";

test("a visitor registers with a phone code, then signs in by SMS code, then recovers the password", async ({ browser, playwright, baseURL }) => {
  test.setTimeout(150_000);
  // The operator reads codes from the outbox through the API, on a session of its own.
  const operator = await operatorApi(playwright, baseURL!);
  // One code a minute per phone is the default; this test sends three, so the tenant allows one a second.
  const { items } = (await (await operator.get("/api/v1/tenants?host=localhost")).json()) as { items: { id: string }[] };
  const tenant = (await (await operator.get(`/api/v1/tenants/${items[0]!.id}`)).json()) as {
    id: string;
    name: string;
    status: string;
    hosts: string[];
    claims: unknown[];
    properties: { key: string; value: string | null; secret: boolean }[];
  };
  const put = await operator.put(`/api/v1/tenants/${tenant.id}`, {
    headers: { origin: baseURL! },
    data: {
      name: tenant.name,
      status: tenant.status,
      hosts: tenant.hosts,
      claims: tenant.claims,
      properties: [...tenant.properties.filter((p) => p.key !== "codes.resendAfterSeconds"), { key: "codes.resendAfterSeconds", value: "1", secret: false }],
    },
  });
  expect(put.status()).toBe(200);
  const ctx = await browser.newContext({ locale: "zh-CN" });
  const page = await ctx.newPage();

  // Register.
  await page.goto("/register");
  await page.getByLabel("手机号", { exact: true }).fill(PHONE);
  await solveCaptcha(page);
  await page.getByTestId("send-sms-code").click();
  await expect(page.getByText(/验证码已发送/)).toBeVisible();
  await page.getByLabel("验证码", { exact: true }).fill(await latestCode(operator, PHONE));
  await page.getByLabel("密码", { exact: true }).fill("123456");
  await page.getByLabel("密码", { exact: true }).fill(PASSWORD);
  await expect(page.getByTestId("password-strength")).toContainText("强度");
  // check() clicks until the box is ticked (a click that lands while the form re-renders is lost).
  await page.getByRole("checkbox", { name: /我已阅读并同意/ }).check();
  await solveCaptcha(page, "last");
  await shot(page, "register-zh-CN");
  await page.getByTestId("register-submit").click();
  await expect(page).toHaveURL(/\/account/, { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "我的账户" })).toBeVisible();
  await expect(page.getByTestId("profile")).toContainText(PHONE);
  await shot(page, "account-zh-CN");

  // Edit the profile.
  await page.getByTestId("edit-profile").click();
  const profile = page.getByRole("dialog");
  await profile.getByLabel("昵称").fill("小明");
  await profile.getByLabel("地址").fill("北京市海淀区");
  await shot(page, "account-profile-edit-zh-CN");
  await profile.getByRole("button", { name: /确\s*定|OK/ }).click();
  await expect(page.getByText("资料已保存")).toBeVisible();
  await expect(page.getByTestId("profile")).toContainText("小明");
  await expect(page.getByTestId("profile")).toContainText("北京市海淀区");

  // Add an email, proven by a code sent to it.
  const EMAIL = "visitor@example.com";
  await page.getByTestId("profile").getByRole("button", { name: "绑定" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("邮箱").fill(EMAIL);
  await solveCaptcha(page);
  await dialog.getByTestId("send-email-code").click();
  await expect(page.getByText(/验证码已发送/)).toBeVisible();
  await dialog.getByLabel("验证码").fill(await latestCode(operator, EMAIL));
  await shot(page, "account-bind-email-zh-CN");
  await dialog.getByRole("button", { name: /确\s*定|OK/ }).click();
  await expect(page.getByTestId("profile")).toContainText(EMAIL);

  // Sign out, then in again by SMS code.
  await page.getByTestId("user-menu").click();
  await page.getByText("退出登录").click();
  await expect(page).toHaveURL(/\/login/);
  await page.getByRole("tab", { name: "短信登录" }).click();
  await page.getByLabel("手机号", { exact: true }).fill(PHONE);
  await solveCaptcha(page);
  await page.getByTestId("send-sms-code").click();
  await expect(page.getByText(/验证码已发送/)).toBeVisible();
  await page.getByLabel("验证码", { exact: true }).fill(await latestCode(operator, PHONE));
  await shot(page, "login-sms-zh-CN");
  await page
    .getByRole("tabpanel")
    .getByRole("button", { name: /登\s*录/ })
    .click();
  await expect(page).toHaveURL(/\/account/, { timeout: 30_000 });
  await page.getByRole("tab", { name: "我的会话" }).click();
  await expect(page.getByText(/短信验证码/).first()).toBeVisible();

  // Forgot password, in English this time.
  await ctx.clearCookies();
  await ctx.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
  await page.goto("/forgot-password");
  await page.getByLabel("Phone", { exact: true }).fill(PHONE);
  await solveCaptcha(page);
  await page.getByTestId("send-sms-code").click();
  await expect(page.getByText(/Code sent/)).toBeVisible();
  // The code limit is one a minute per phone: the register and login codes were earlier.
  await page.getByLabel("Code", { exact: true }).fill(await latestCode(operator, PHONE));
  await page.getByLabel("New password", { exact: true }).fill("my second passphrase");
  await shot(page, "forgot-en");
  await page.getByTestId("reset-submit").click();
  await expect(page.getByText(/Password changed/)).toBeVisible();
  await page.getByRole("link", { name: "Back to sign in" }).click();
  await page.getByLabel(/Phone, email or user name/).fill(PHONE);
  await page.getByLabel("Password", { exact: true }).fill("my second passphrase");
  await page.getByRole("tabpanel").getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account/, { timeout: 30_000 });
  await expect(page.getByTestId("profile")).toContainText(PHONE);
  await shot(page, "account-en");
  await ctx.close();
  await operator.dispose();
});
