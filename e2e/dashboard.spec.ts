import { expect, test } from "@playwright/test";
import { setLocale, shot } from "./helpers";

const TITLES = {
  "zh-CN": ["用户", "每日登录（按方式）", "登录失败与账号锁定", "活跃会话", "每日发送消息（按渠道）", "登录错误排行"],
  en: ["Users", "Sign-ins per day by method", "Failed sign-ins and account locks", "Active sessions", "Messages sent per day by channel", "Top sign-in errors"],
} as const;

test("the console opens on the dashboard: every chart titled in both languages, with its range, and no browser error", async ({ page, baseURL }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));

  for (const locale of ["zh-CN", "en"] as const) {
    await setLocale(page, locale, baseURL!);
    await page.goto("/");
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole("heading", { level: 3, name: locale === "en" ? "Dashboard" : "仪表盘" })).toBeVisible();
    for (const title of TITLES[locale]) await expect(page.getByRole("heading", { level: 2, name: title, exact: true })).toBeVisible();

    // The operator's sign-in is a password sign-in: the chart shows it (a picture named after its title, and its values as text).
    const signIns = page.getByTestId("dashboard-sign-ins");
    await expect(signIns.getByRole("img", { name: new RegExp(TITLES[locale][1]) })).toBeVisible();
    await expect(signIns.getByRole("table", { includeHidden: true })).toHaveCount(1);

    // Each chart picks its own range; the choice is in the URL.
    const users = page.getByTestId("dashboard-users");
    await users.getByText(locale === "en" ? "7 days" : "7 天").click();
    await expect(page).toHaveURL(/usersDays=7/);
    await expect(users.getByText(locale === "en" ? /in the last 7 days/ : /近 7 天/)).toBeVisible();
    await shot(page, `dashboard-${locale}`);
  }
  expect(errors).toEqual([]);
});
