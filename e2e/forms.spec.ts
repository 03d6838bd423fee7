import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { setLocale, shot, FIELD_ERROR } from "./helpers";

// Forms that say what is wrong, and a console that says why it signed someone out (issue 12,
// items 2, 5 and 9). Runs as the operator (storage state) and, for the end user's side, in
// browser contexts of their own.
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

const RUN = Date.now().toString(36);
const PASSWORD = "forms e2e passphrase";

/** A fresh user of the default tenant with the built-in `user` role, signed in through the real form in a context of its own. */
async function signedInUser(browser: Browser, request: APIRequestContext, baseURL: string, name: string) {
  const roles = (await (await request.get("/api/v1/users/role-options")).json()) as { id: string; name: string }[];
  const userName = `e2e-${name}-${RUN}`;
  const created = await request.post("/api/v1/users", {
    headers: { origin: baseURL },
    data: { userName, password: PASSWORD, mustChangePassword: false, roleIds: [roles.find((r) => r.name === "user")!.id] },
  });
  expect(created.status()).toBe(200);
  const ctx = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await setLocale(page, "zh-CN", baseURL);
  await page.goto("/login");
  await page.getByLabel(/手机号、邮箱或用户名|Phone, email or user name/).fill(userName);
  await page.getByLabel(/^(密码|Password)$/).fill(PASSWORD);
  await page.getByRole("button", { name: /登\s*录|Sign in/ }).click();
  await expect(page).toHaveURL(/\/account/);
  return { userName, page, close: () => ctx.close() };
}

/** The Popconfirm that is open now (closed ones stay in the page, hidden). */
const openConfirm = (page: Page) => page.locator(".ant-popconfirm:visible");

test("a wrong current password is said on its field; the page stays on the Password tab, signed in", async ({ browser, request, baseURL }) => {
  const { page, close } = await signedInUser(browser, request, baseURL!, "wrongpw");
  await page.getByRole("tab", { name: "修改密码" }).click();
  await expect(page).toHaveURL(/\/account\?tab=password/);
  await page.getByTestId("current-password").fill("not my password");
  await page.getByTestId("new-password").fill("a brand new passphrase");
  await page.getByRole("button", { name: /修改密码/ }).click();
  const current = page.locator(".ant-form-item").filter({ has: page.getByTestId("current-password") });
  await expect(current.locator(FIELD_ERROR)).toHaveText("当前密码不正确");
  await shot(page, "account-wrong-current-password-zh");
  // No sign-out, no reload: the same tab, the same values, and the session still works.
  await expect(page).toHaveURL(/\/account\?tab=password/);
  await expect(page.getByRole("tab", { name: "修改密码", selected: true })).toBeVisible();
  await expect(page.getByTestId("new-password")).toHaveValue("a brand new passphrase");
  expect(await page.evaluate(async () => (await fetch("/api/v1/me")).status)).toBe(200);
  // The error goes as soon as the field changes.
  await page.getByTestId("current-password").fill(PASSWORD);
  await expect(current.locator(FIELD_ERROR)).toHaveCount(0);
  await close();
});

test("Link WeChat on a tenant without WeChat says it is not set up, on the linked-accounts tab", async ({ browser, request, baseURL }) => {
  // The default tenant may have WeChat from wechat.spec.ts: take its app id away for this test only.
  const { items } = (await (await request.get("/api/v1/tenants?host=localhost")).json()) as { items: { id: string }[] };
  type Tenant = { name: string; status: string; hosts: string[]; claims: unknown[]; properties: { key: string; value: string | null; secret: boolean }[] };
  const tenant = (await (await request.get(`/api/v1/tenants/${items[0]!.id}`)).json()) as Tenant;
  const put = (properties: Tenant["properties"]) =>
    request.put(`/api/v1/tenants/${items[0]!.id}`, {
      headers: { origin: baseURL! },
      data: { name: tenant.name, status: tenant.status, hosts: tenant.hosts, claims: tenant.claims, properties },
    });
  expect((await put(tenant.properties.filter((p) => p.key !== "wechat.appId"))).status()).toBe(200);
  try {
    const { page, close } = await signedInUser(browser, request, baseURL!, "wechat");
    await page.goto("/account?tab=linked");
    await page.getByTestId("bind-wechat").click();
    await expect(page).toHaveURL(/\/account\?tab=linked/);
    await expect(page.getByTestId("bind-error")).toHaveText("此应用尚未配置微信登录，暂时无法绑定微信。请联系应用管理员配置微信。");
    await expect(page.getByRole("tab", { name: "第三方账号", selected: true })).toBeVisible();
    await shot(page, "account-bind-wechat-unconfigured-zh");
    await close();
  } finally {
    expect((await put(tenant.properties)).status()).toBe(200);
  }
});

test("a client's redirect URIs split on Enter and commas only, and each bad one is named on the field", async ({ page, baseURL }) => {
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/clients");
  await page.getByRole("button", { name: /新建客户端/ }).click();
  const drawer = page.getByRole("dialog");
  await drawer.getByLabel("名称", { exact: true }).fill(`E2E redirect ${RUN}`);
  // Redirect URIs belong to apps that sign users in (a new client starts as a machine).
  await drawer.getByTestId("client-type").getByText("网站应用").click();
  const uris = drawer.getByLabel("回调地址");
  await uris.fill("not a url");
  await uris.press("Enter");
  await uris.fill("https://app.example.com/signed-in,ftp://files.example.com/x");
  await uris.press("Enter");
  const field = drawer.locator(".ant-form-item").filter({ has: page.locator("label", { hasText: /^(\* ?)?回调地址$/ }) });
  const tags = field.locator(".ant-select-selection-item");
  await expect(tags).toHaveCount(3);
  await expect(tags.nth(0)).toContainText("not a url");
  await drawer.getByTestId("client-save").click();
  const errors = field.locator(FIELD_ERROR);
  await expect(errors.filter({ hasText: "not a url" })).toHaveCount(1);
  await expect(errors.filter({ hasText: "ftp://files.example.com/x" })).toHaveCount(1);
  // (Not the valid one; "https://app.example.com/callback" is the example the messages give.)
  await expect(errors.filter({ hasText: "https://app.example.com/signed-in" })).toHaveCount(0);
  await shot(page, "client-redirect-uri-errors-zh");
  // Nothing was saved: the drawer is still open on the form.
  await expect(page).toHaveURL(/\/clients$/);
  await expect(drawer.getByTestId("client-save")).toBeVisible();
  await drawer.getByRole("button", { name: /取\s*消|Cancel/ }).click();
});

test("an administrator freezes a session after confirming; its owner is sent to sign in and told why, in both languages", async ({
  page,
  browser,
  request,
  baseURL,
}) => {
  const user = await signedInUser(browser, request, baseURL!, "frozen");
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto(`/sessions?user=${user.userName}&state=`);
  const row = page.getByRole("row").filter({ hasText: user.userName }).first();
  await expect(row.getByText("活动")).toBeVisible();
  await row.getByRole("button", { name: "冻结" }).click();
  await expect(openConfirm(page)).toContainText(`冻结此会话？${user.userName} 将被登出`);
  await openConfirm(page)
    .getByRole("button", { name: /确\s*定|OK/ })
    .click();
  await expect(page.getByText(`会话已冻结：${user.userName} 已被登出`)).toBeVisible();
  await expect(row.getByText("已冻结")).toBeVisible();

  // The owner's next call is refused: the console goes to the sign-in page, which reads why from the session itself.
  await user.page.getByRole("tab", { name: "我的会话" }).click();
  await expect(user.page).toHaveURL(/\/login/);
  await expect(user.page.getByTestId("session-ended")).toHaveText("管理员冻结了你的会话，你已被登出。请重新登录后继续。");
  await shot(user.page, "login-session-frozen-zh");
  // A page load of the console says it too, through the link.
  await user.page.goto("/account");
  await expect(user.page).toHaveURL(/\/login\?reason=frozen/);
  await setLocale(user.page, "en", baseURL!);
  await user.page.reload();
  await expect(user.page.getByTestId("session-ended")).toHaveText("An administrator froze your session, so you were signed out. Sign in again to continue.");
  await shot(user.page, "login-session-frozen-en");
  await user.close();

  // A made-up reason shows nothing: only the fixed messages exist.
  const stranger = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const p = await stranger.newPage();
  await p.goto("/login?reason=%3Cb%3Ehello%3C/b%3E");
  await expect(p.getByRole("button", { name: /登\s*录|Sign in/ })).toBeVisible();
  await expect(p.getByTestId("session-ended")).toHaveCount(0);
  await p.goto("/login?reason=offline");
  await expect(p.getByTestId("session-ended")).toHaveText("管理员已强制你的会话下线。请重新登录后继续。");
  await stranger.close();

  // Forcing offline and deleting ask first too, and their toasts say what happened.
  await row.getByRole("button", { name: "强制下线" }).click();
  await expect(openConfirm(page)).toContainText(user.userName);
  await openConfirm(page)
    .getByRole("button", { name: /确\s*定|OK/ })
    .click();
  await expect(page.getByText(`会话已强制下线：${user.userName} 已被登出`)).toBeVisible();
  await row.getByRole("button", { name: "删除" }).click();
  await openConfirm(page)
    .getByRole("button", { name: /确\s*定|OK/ })
    .click();
  await expect(page.getByText("会话已删除")).toBeVisible();
});

test("/register: a missing or malformed phone says so, one captcha for the whole form, and long pastes are counted, not cut silently", async ({
  browser,
  baseURL,
}) => {
  const ctx = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/register");
  await expect(page.getByRole("heading", { name: "注册新账号" })).toBeVisible();
  const phone = page.locator(".ant-form-item").filter({ has: page.getByLabel("手机号", { exact: true }) });
  await page.getByTestId("register-submit").click();
  // (getByText: while one message fades out the next fades in, both are in the page for a moment.)
  await expect(phone.getByText("此项必填", { exact: true })).toBeVisible();
  await page.getByLabel("手机号", { exact: true }).fill("12345");
  await page.getByTestId("register-submit").click();
  await expect(phone.getByText("手机号格式为“国家码-号码”，例如 +86-15810419011", { exact: true })).toBeVisible();
  await page.getByLabel("手机号", { exact: true }).fill("+86-13912340000");
  await expect(phone.locator(FIELD_ERROR)).toHaveCount(0);
  // One human check, also once the email code sender shows.
  await expect(page.locator("altcha-widget")).toHaveCount(1);
  await page.getByLabel("邮箱（可选）").fill("someone@example.com");
  await expect(page.getByTestId("send-email-code")).toBeVisible();
  await expect(page.locator("altcha-widget")).toHaveCount(1);
  // The password rules read the same as everywhere else.
  await expect(page.getByTestId("password-rule")).toHaveText("密码需 8 到 128 个字符，且不能是常见密码");
  // 5,000 pasted characters: the field keeps its maximum and shows the count.
  const userName = page.getByLabel("用户名（可选）");
  await userName.fill("a".repeat(5000));
  await expect(userName).toHaveValue("a".repeat(32));
  await expect(page.locator(".ant-form-item").filter({ has: userName }).locator(".ant-input-show-count-suffix")).toHaveText("32 / 32");
  await shot(page, "register-validation-zh");
  await ctx.close();
});
