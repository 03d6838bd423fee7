import { expect, test, type Locator } from "@playwright/test";
import { setLocale, FIELD_ERROR } from "./helpers";

/**
 * Field errors a person can read (issue 12 items 3, 7, 8): the console's forms say in words, in the
 * page's language, what is wrong and what is allowed (never a pattern, a type name or zod's own
 * text), a field's error goes as soon as its value changes, and a duplicate names the field.
 */
test.describe.configure({ mode: "serial" });

const errorsIn = (drawer: Locator) => drawer.locator(FIELD_ERROR);
/** What must never show: a pattern, a type name, zod's default wording, the word "taken". */
const DEVELOPER_TEXT = /\^|\$|\\d|\[A-Z|\bstring\b|\bundefined\b|期望|实际接收|无效输入|数值过|taken/i;

test("the user form says what a user name may be, in Chinese, and the error goes once the value changes", async ({ page, baseURL }) => {
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/users");
  await page.getByRole("button", { name: /新建用户/ }).click();
  const drawer = page.getByRole("dialog");
  const userName = drawer.getByLabel("用户名");
  // `has` is queried inside each form item, so its locator starts from the page, not the drawer.
  const userNameInItem = page.getByLabel("用户名");

  await userName.fill("1bad name");
  await drawer.getByTestId("user-save").click();
  const error = drawer.locator(".ant-form-item", { has: userNameInItem }).locator(FIELD_ERROR);
  await expect(error).toHaveText("用户名以字母开头，只能包含字母、数字、_ . -");
  for (const text of await errorsIn(drawer).allTextContents()) expect(text).not.toMatch(DEVELOPER_TEXT);

  await userName.fill("ab");
  await drawer.getByTestId("user-save").click();
  await expect(error).toHaveText("用户名长度为 3 到 32 个字符");

  // Fixing the value clears the error at once, before any save.
  await userName.fill("good-name");
  await expect(error).toHaveCount(0);

  // A phone without its country code, then fixed.
  const phone = drawer.getByLabel("手机号");
  await phone.fill("13912340000");
  await drawer.getByTestId("user-save").click();
  const phoneError = drawer.locator(".ant-form-item", { has: page.getByLabel("手机号") }).locator(FIELD_ERROR);
  await expect(phoneError).toHaveText("手机号格式为“国家码-号码”，例如 +86-15810419011");
  await phone.fill("+86-13912340001");
  await expect(phoneError).toHaveCount(0);

  // A duplicate names the field that clashes, in Chinese, without the value; editing clears it.
  await userName.fill("admin");
  await phone.fill("");
  await drawer.getByTestId("user-save").click();
  await expect(error).toHaveText("该用户名已被使用");
  await expect(drawer.getByText(/taken/i)).toHaveCount(0);
  await userName.fill("admin-2");
  await expect(error).toHaveCount(0);
  await drawer.getByRole("button", { name: /取\s*消/ }).click();
});

test("the same sentences in English", async ({ page, baseURL }) => {
  await setLocale(page, "en", baseURL!);
  await page.goto("/users");
  await page.getByRole("button", { name: /New user/ }).click();
  const drawer = page.getByRole("dialog");
  const userName = drawer.getByLabel("User name");
  const userNameInItem = page.getByLabel("User name");
  await userName.fill("1bad name");
  await drawer.getByTestId("user-save").click();
  const error = drawer.locator(".ant-form-item", { has: userNameInItem }).locator(FIELD_ERROR);
  await expect(error).toHaveText("A user name starts with a letter and may contain letters, digits, _ . -");
  for (const text of await errorsIn(drawer).allTextContents()) expect(text).not.toMatch(DEVELOPER_TEXT);
  await userName.fill("good-name");
  await expect(error).toHaveCount(0);
  await drawer.getByRole("button", { name: "Cancel" }).click();
});

test("the tenant form refuses a javascript: logo, and the API a theme that is not a colour", async ({ page, baseURL }) => {
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/tenants");
  await page.getByRole("button", { name: /新建租户/ }).click();
  const drawer = page.getByRole("dialog");
  await drawer.getByLabel("名称").fill("E2E Junk");
  const logo = drawer.getByLabel("Logo 地址");
  await logo.fill("javascript:alert(1)");
  await drawer.getByTestId("tenant-save").click();
  const logoError = drawer.locator(".ant-form-item", { has: page.getByLabel("Logo 地址") }).locator(FIELD_ERROR);
  await expect(logoError).toHaveText("请填写 https:// 开头的网址，或使用文件库中上传的文件");
  await logo.fill("https://cdn.example.com/logo.png");
  await expect(logoError).toHaveCount(0);
  await drawer.getByRole("button", { name: /取\s*消/ }).click();
  // The theme is picked with a colour picker in the form; the API refuses anything else in words.
  const res = await page.request.post("/api/v1/tenants", {
    headers: { origin: baseURL!, "accept-language": "zh-CN" },
    data: { name: "E2E Junk", theme: "not-a-color", hosts: [], claims: [], properties: [] },
  });
  expect(res.status()).toBe(400);
  expect(((await res.json()) as { data: { fields: Record<string, string[]> } }).data.fields.theme).toEqual([
    "颜色为 # 加 3 位或 6 位十六进制数字，例如 #1d4ed8",
  ]);
});
