import { expect, test } from "@playwright/test";
import { operatorApi, shot } from "./helpers";
import { WECHAT_STUB_APP } from "../playwright.config";

test("a visitor signs up and in by scanning WeChat's QR code, and sees WeChat linked", async ({ browser, playwright, baseURL }) => {
  // The operator gives the default tenant a WeChat app (secret stored encrypted) and allows sign-up by WeChat.
  const operator = await operatorApi(playwright, baseURL!);
  const { items } = (await (await operator.get("/api/v1/tenants?host=localhost")).json()) as { items: { id: string }[] };
  const t = (await (await operator.get(`/api/v1/tenants/${items[0]!.id}`)).json()) as {
    id: string;
    name: string;
    status: string;
    hosts: string[];
    claims: unknown[];
    properties: { key: string; value: string | null; secret: boolean }[];
  };
  const keep = t.properties.filter((p) => !p.key.startsWith("wechat.") && p.key !== "auth.allowWechatSignup");
  const put = await operator.put(`/api/v1/tenants/${t.id}`, {
    headers: { origin: baseURL! },
    data: {
      name: t.name,
      status: t.status,
      hosts: t.hosts,
      claims: t.claims,
      properties: [
        ...keep,
        { key: "wechat.appId", value: WECHAT_STUB_APP.id, secret: false },
        { key: "wechat.appSecret", value: WECHAT_STUB_APP.secret, secret: true },
        { key: "auth.allowWechatSignup", value: "true", secret: false },
      ],
    },
  });
  expect(put.status()).toBe(200);
  expect(JSON.stringify(await put.json())).not.toContain(WECHAT_STUB_APP.secret);
  await operator.dispose();

  const ctx = await browser.newContext({ locale: "zh-CN" });
  const page = await ctx.newPage();
  await page.goto("/login");
  await page.getByRole("tab", { name: "微信登录" }).click();
  await shot(page, "login-wechat-zh-CN");
  await page.getByTestId("wechat-login").click();
  // WeChat's page (the loopback stub): the user scans and confirms.
  await expect(page.getByRole("heading", { name: /微信登录/ })).toBeVisible();
  expect(new URL(page.url()).searchParams.get("scope")).toBe("snsapi_login");
  await page.getByLabel("openid").fill("o-e2e-wechat-user");
  await page.getByLabel("nickname").fill("微信用户");
  await page.getByRole("button", { name: "Scan and confirm" }).click();
  await expect(page).toHaveURL(/\/account/, { timeout: 30_000 });
  await page.getByRole("tab", { name: "第三方账号" }).click();
  await expect(page.getByText("微信").first()).toBeVisible();
  await shot(page, "account-linked-zh-CN");

  await ctx.close();
});
