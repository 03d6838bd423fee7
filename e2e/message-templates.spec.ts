import { expect, test } from "@playwright/test";
import { operatorApi, setLocale, shot, solveCaptcha } from "./helpers";

// A tenant's own SMS text: written in the console (variables inserted from the chips, a live
// preview), refused with an unknown variable, sent with the next login code (the outbox shows
// it), and reset to the built-in text.
test.describe.configure({ mode: "serial" });

const PHONE = `+86-139${String(Date.now()).slice(-8)}`;

// A retry starts from the built-in text.
test.beforeAll(async ({ playwright, baseURL }) => {
  const operator = await operatorApi(playwright, baseURL!);
  for (const path of ["login/sms/zh-CN", "register/email/en"]) {
    expect((await operator.delete(`/api/v1/message-templates/${path}`, { headers: { origin: baseURL! } })).status()).toBe(200);
  }
  await operator.dispose();
});

test("edit the Chinese login SMS, see the preview, and a login code goes out with it", async ({ page, browser, baseURL }) => {
  test.setTimeout(150_000);
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/outbox");
  // In the side menu, right after the outbox.
  await page.getByTestId("console-sider").getByRole("link", { name: "消息模板" }).click();
  await expect(page).toHaveURL(/\/message-templates$/);
  await expect(page.getByRole("heading", { name: "消息模板" })).toBeVisible();
  await expect(page.getByTestId("template-text-login-sms-zh-CN")).toContainText("您的{purpose}验证码是 {code}");
  await shot(page, "message-templates-zh-CN");

  await page.getByTestId("template-edit-login-sms").click();
  const drawer = page.getByRole("dialog", { name: "登录 · 短信" });
  await expect(drawer.getByRole("tab", { name: "简体中文" })).toHaveAttribute("aria-selected", "true");
  const form = drawer.getByTestId("template-form-zh-CN");
  const body = form.getByTestId("template-body");
  // An unknown variable is refused in words, before anything is sent.
  await body.fill("登录码 {user}");
  await form.getByTestId("template-save-zh-CN").click();
  await expect(form.getByText("有未知的变量：只能使用 {code}、{minutes}、{tenant} 和 {purpose}")).toBeVisible();
  await expect(form.getByText("内容必须包含 {code}（验证码的位置）")).toBeVisible();

  // Typed text, then the variables from the chips at the cursor (the keyboard works the chips too).
  await body.fill("【{tenant}】E2E 专属登录码 ，");
  await body.press("End");
  await body.press("ArrowLeft");
  await form.getByTestId("template-var-code").click();
  // The caret comes back after the variable on the next frame: wait for the text before typing on.
  await expect(body).toHaveValue("【{tenant}】E2E 专属登录码 {code}，");
  await body.press("End");
  await body.pressSequentially("有效期 ");
  await form.getByTestId("template-var-minutes").focus();
  await page.keyboard.press("Enter");
  await expect(body).toHaveValue("【{tenant}】E2E 专属登录码 {code}，有效期 {minutes}");
  await expect(body).toBeFocused();
  await body.press("End");
  await body.pressSequentially(" 分钟");
  await expect(body).toHaveValue("【{tenant}】E2E 专属登录码 {code}，有效期 {minutes} 分钟");
  const preview = form.getByTestId("template-preview-text");
  await expect(preview).toHaveText(/^【.+】E2E 专属登录码 123456，有效期 5 分钟$/);
  await expect(form.getByTestId("template-segments")).toHaveText("1 条");
  await expect(drawer.getByRole("tab", { name: /简体中文.*未保存/ })).toBeVisible();
  await form.getByLabel("阿里云模板 CODE（TemplateCode）").fill("SMS_424242");
  await shot(page, "message-templates-drawer-zh-CN");
  // Ctrl+Enter saves.
  await body.press("Control+Enter");
  await expect(page.getByText("已保存").first()).toBeVisible();
  await expect(form.getByText(/本租户自定义的文字，修改于/)).toBeVisible();
  await drawer.getByRole("button", { name: "关闭" }).click();
  await expect(page.getByTestId("template-text-login-sms-zh-CN")).toHaveText("【{tenant}】E2E 专属登录码 {code}，有效期 {minutes} 分钟");

  // A visitor asks for a login code in Chinese (a new phone: the tenant lets it sign up by SMS).
  // Not the operator's stored session: a signed-in browser would skip the login page.
  const visitor = await browser.newContext({ locale: "zh-CN", storageState: { cookies: [], origins: [] } });
  const vp = await visitor.newPage();
  await setLocale(vp, "zh-CN", baseURL!);
  await vp.goto("/login");
  await vp.getByRole("tab", { name: "短信登录" }).click();
  await vp.getByLabel("手机号", { exact: true }).fill(PHONE);
  await solveCaptcha(vp);
  await vp.getByTestId("send-sms-code").click();
  await expect(vp.getByText(/验证码已发送/)).toBeVisible();
  await visitor.close();

  // The outbox shows the tenant's text, rendered.
  await page.goto(`/outbox?to=${encodeURIComponent(PHONE)}`);
  await expect(page.getByTestId("outbox-body").first()).toHaveText(/^【.+】E2E 专属登录码 \d{6}，有效期 5 分钟$/);
  await shot(page, "message-templates-outbox-zh-CN");
});

test("the page and the drawer in English; reset to default", async ({ page, baseURL }) => {
  await setLocale(page, "en", baseURL!);
  await page.goto("/message-templates");
  await expect(page.getByRole("heading", { name: "Message templates" })).toBeVisible();
  await expect(page.getByTestId("template-text-login-sms-en")).toContainText("Your {purpose} code is {code}");
  await shot(page, "message-templates-en");

  await page.getByTestId("template-edit-register-email").click();
  let drawer = page.getByRole("dialog", { name: "Registration · Email" });
  await expect(drawer.getByRole("tab", { name: "English" })).toHaveAttribute("aria-selected", "true");
  const en = drawer.getByTestId("template-form-en");
  await en.getByLabel("Subject").fill("{tenant}: your {purpose} code");
  await expect(en.getByTestId("template-preview-subject")).toHaveText(/^.+: your registration code$/);
  await en.getByTestId("template-body").fill("<b>{code}</b>");
  await en.getByTestId("template-save-en").click();
  await expect(en.getByText("Emails are sent as plain text: remove the HTML tags")).toBeVisible();
  await shot(page, "message-templates-drawer-en");
  // Unsaved text: closing asks first. "Keep editing" keeps the drawer and what was typed.
  await drawer.getByRole("button", { name: "Close" }).click();
  let ask = page.getByRole("dialog").filter({ hasText: "Close without saving?" });
  await expect(ask).toContainText("What you changed in English is not saved and will be lost.");
  await shot(page, "message-templates-discard-en");
  await ask.getByRole("button", { name: "Keep editing" }).click();
  await expect(ask).toBeHidden();
  await expect(en.getByTestId("template-body")).toHaveValue("<b>{code}</b>");
  // Asked again; this time the changes go.
  await drawer.getByRole("button", { name: "Close" }).click();
  ask = page.getByRole("dialog").filter({ hasText: "Close without saving?" });
  await ask.getByRole("button", { name: "Close without saving" }).click();
  await expect(drawer).toBeHidden();
  await expect(page.getByTestId("template-text-register-email-en")).not.toContainText("<b>");

  // Back to the built-in Chinese login SMS.
  await page.getByTestId("template-edit-login-sms").click();
  drawer = page.getByRole("dialog", { name: "Sign-in · SMS" });
  await drawer.getByRole("tab", { name: "简体中文" }).click();
  const zh = drawer.getByTestId("template-form-zh-CN");
  await zh.getByTestId("template-reset-zh-CN").click();
  await page.getByRole("button", { name: "Yes" }).click();
  await expect(page.getByText("Back to the built-in text").first()).toBeVisible();
  await expect(zh.getByTestId("template-body")).toHaveValue(/您的\{purpose\}验证码是 \{code\}/);
  await expect(zh.getByTestId("template-reset-zh-CN")).toBeDisabled();
});
