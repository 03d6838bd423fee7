import { createHash } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { latestCode, operatorApi, rawRequest, shot, solveCaptcha } from "./helpers";
import { WECHAT_STUB_APP } from "../playwright.config";

// A second tenant on its own host name (`*.test` resolves to this machine in the browser): every
// way in works there exactly as on the platform's host, and its sessions belong to it alone.
test.describe.configure({ mode: "serial" });

const HOST = "second.test";
// Fresh per run, so a retry does not meet the first attempt's account.
const RUN = String(Date.now() % 100_000_000).padStart(8, "0");
const PHONE = `+86-137${RUN}`;
const PASSWORD = "second tenant passphrase";
const md5 = (s: string) => createHash("md5").update(s).digest("hex");

let operator: APIRequestContext;
let origin = "";
let tenantId = "";

test.beforeAll(async ({ playwright, baseURL }) => {
  origin = `http://${HOST}:${new URL(baseURL!).port}`;
  operator = await operatorApi(playwright, baseURL!);
  const res = await operator.post("/api/v1/tenants", {
    headers: { origin: baseURL! },
    data: {
      name: "第二租户 Second",
      status: "enabled",
      hosts: [HOST],
      claims: [],
      properties: [
        // Three codes go to one phone in this test: allow one a second.
        { key: "codes.resendAfterSeconds", value: "1", secret: false },
        { key: "wechat.appId", value: WECHAT_STUB_APP.id, secret: false },
        { key: "wechat.appSecret", value: WECHAT_STUB_APP.secret, secret: true },
        { key: "auth.allowWechatSignup", value: "true", secret: false },
      ],
    },
  });
  if (res.status() === 409) {
    // A retry: the first attempt made the tenant already.
    const found = (await (await operator.get(`/api/v1/tenants?host=${HOST}`)).json()) as { items: { id: string }[] };
    tenantId = found.items[0]!.id;
  } else {
    expect(res.status()).toBe(200);
    tenantId = ((await res.json()) as { id: string }).id;
  }
});
test.afterAll(() => operator?.dispose());

async function signOut(page: Page) {
  await page.getByTestId("user-menu").click();
  await page.getByText(/退出登录|Sign out/).click();
  await expect(page).toHaveURL(/\/login/);
}

async function signInWithPassword(page: Page, ustr: string, password: string) {
  await page.goto(`${origin}/login`);
  await page.getByLabel(/手机号、邮箱或用户名|Phone, email or user name/).fill(ustr);
  await page.getByLabel(/^(密码|Password)$/).fill(password);
  await page
    .getByRole("tabpanel")
    .getByRole("button", { name: /登\s*录|Sign in/ })
    .click();
  await expect(page).toHaveURL(new RegExp(`^${origin}/account`), { timeout: 30_000 });
}

test("every way in works on a second tenant's own host, in both languages", async ({ browser }) => {
  const started = new Date(Date.now() - 1000);
  const ctx = await browser.newContext({ locale: "zh-CN" });
  const page = await ctx.newPage();

  // Register on the tenant's host: the page names the tenant, the code goes to this tenant's phone.
  await page.goto(`${origin}/register`);
  await expect(page.getByText("第二租户 Second").first()).toBeVisible();
  await page.getByLabel("手机号", { exact: true }).fill(PHONE);
  await solveCaptcha(page);
  await page.getByTestId("send-sms-code").click();
  await expect(page.getByText(/验证码已发送/)).toBeVisible();
  await page.getByLabel("验证码", { exact: true }).fill(await latestCode(operator, PHONE));
  await page.getByLabel("密码", { exact: true }).fill(PASSWORD);
  await page.getByText(/我已阅读并同意/).click();
  await solveCaptcha(page, "last");
  await page.getByTestId("register-submit").click();
  await expect(page).toHaveURL(new RegExp(`^${origin}/account`), { timeout: 30_000 });
  await expect(page.getByTestId("profile")).toContainText(PHONE);
  await shot(page, "second-tenant-account-zh-CN");

  // Password, by phone.
  await signOut(page);
  await signInWithPassword(page, PHONE, PASSWORD);

  // SMS code, in English.
  await signOut(page);
  await ctx.addCookies([{ name: "NEXT_LOCALE", value: "en", url: origin }]);
  await page.goto(`${origin}/login`);
  await expect(page.getByText("Sign in to 第二租户 Second")).toBeVisible();
  await page.getByRole("tab", { name: "With SMS code" }).click();
  await page.getByLabel("Phone", { exact: true }).fill(PHONE);
  await solveCaptcha(page);
  await page.getByTestId("send-sms-code").click();
  await expect(page.getByText(/Code sent/)).toBeVisible();
  await page.getByLabel("Code", { exact: true }).fill(await latestCode(operator, PHONE));
  await shot(page, "second-tenant-login-sms-en");
  await page.getByRole("tabpanel").getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`^${origin}/account`), { timeout: 30_000 });

  // WeChat QR: the stub sends the browser back to this tenant's host, which makes a new account.
  await signOut(page);
  await page.getByRole("tab", { name: "WeChat" }).click();
  await page.getByTestId("wechat-login").click();
  await expect(page.getByRole("heading", { name: /微信登录/ })).toBeVisible();
  expect(new URL(page.url()).searchParams.get("redirect_uri")).toContain(`${origin}/`);
  await page.getByLabel("openid").fill(`o-second-tenant-${RUN}`);
  await page.getByLabel("nickname").fill("Second WeChat");
  await page.getByRole("button", { name: "Scan and confirm" }).click();
  await expect(page).toHaveURL(new RegExp(`^${origin}/account`), { timeout: 30_000 });
  await page.getByRole("tab", { name: "Linked accounts" }).click();
  await expect(page.getByText("WeChat").first()).toBeVisible();
  await shot(page, "second-tenant-account-linked-en");
  await ctx.close();

  // Every sign-in was recorded for this tenant, by the way it was made.
  const list = await operator.get(`/api/v1/sessions?tenantId=${tenantId}&take=50&startTime=${encodeURIComponent(started.toISOString())}`);
  expect(list.status()).toBe(200);
  const { items } = (await list.json()) as { items: { method: string; tenantId: string }[] };
  expect(new Set(items.map((s) => s.method))).toEqual(new Set(["password", "sms-code", "wechat"]));
  expect(items.every((s) => s.tenantId === tenantId)).toBe(true);
});

test("the JSON login API on the tenant's host gives a token for that tenant only", async () => {
  // Node's resolver does not know `*.test`: talk to 127.0.0.1 with the tenant's Host header.
  const host = `${HOST}:${new URL(origin).port}`;
  const post = (path: string, data: unknown) =>
    rawRequest({ path, host, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(data) });
  const web = await post("/api/v1/login/AddLogin", { ustr: PHONE, pwd: md5(PASSWORD) });
  expect(web.status).toBe(200);
  const body = JSON.parse(web.body) as { status: number; error: number; result: { token: string } };
  expect(body).toMatchObject({ status: 200, error: 0 });
  const bearer = { authorization: `Bearer ${body.result.token}` };
  const me = await rawRequest({ path: "/api/v1/me", host, headers: bearer });
  expect(me.status).toBe(200);
  expect((JSON.parse(me.body) as { tenantId: string }).tenantId).toBe(tenantId);
  // The same token on the platform's host is somebody else's tenant: refused.
  expect((await rawRequest({ path: "/api/v1/me", host: "localhost", headers: bearer })).status).toBe(401);
  // A plain user cannot sign in to the tenant's admin site.
  const admin = await post("/api/v1/login/AddToginr", { ustr: PHONE, pwd: md5(PASSWORD) });
  expect((JSON.parse(admin.body) as { error: number }).error).toBe(12003);
});

test("an administrator freezes a session in one browser and the other browser is refused on its next click", async ({ browser }) => {
  // Browser B: the user, signed in on the tenant's host.
  const user = await browser.newContext({ locale: "zh-CN", userAgent: "E2E-Second-Browser/1.0" });
  const userPage = await user.newPage();
  await signInWithPassword(userPage, PHONE, PASSWORD);
  await userPage.getByRole("tab", { name: "我的会话" }).click();
  await expect(userPage.getByText("本设备").first()).toBeVisible();

  // Browser A: the operator's console finds that session and freezes it.
  const admin = await browser.newContext({ locale: "zh-CN", storageState: "e2e/.auth/operator.json" });
  const adminPage = await admin.newPage();
  await adminPage.goto(`/sessions?tenantId=${tenantId}&user=${encodeURIComponent(PHONE)}&state=`);
  const row = adminPage.getByRole("row").filter({ hasText: "E2E-Second-Browser" });
  await row.getByRole("button", { name: "冻结" }).click();
  await adminPage
    .locator(".ant-popconfirm")
    .getByRole("button", { name: /确\s*定|OK/ })
    .click();
  await expect(row.getByText("已冻结")).toBeVisible();
  await shot(adminPage, "second-tenant-session-frozen-zh-CN");

  // Browser B's next click is refused: it lands on the sign-in page.
  await userPage.getByRole("tab", { name: "个人资料" }).click();
  await userPage.getByRole("tab", { name: "第三方账号" }).click();
  await expect(userPage).toHaveURL(/\/login\?callbackUrl=%2Faccount/, { timeout: 15_000 });
  await expect(userPage.getByTestId("session-ended")).toHaveText("管理员冻结了你的会话，你已被登出。请重新登录后继续。");
  await shot(userPage, "second-tenant-refused-zh-CN");
  await Promise.all([user.close(), admin.close()]);
});
