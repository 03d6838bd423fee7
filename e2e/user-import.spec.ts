import { createHash } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { operatorApi, rawRequest, setLocale, shot } from "./helpers";

test.describe.configure({ mode: "serial" });

/** A host of this run's own, so a retry sets up a tenant of its own too. */
const HOST = `import-${Date.now().toString(36)}.test`;
const TENANT_ADMIN = { userName: "import-admin", password: "import admin passphrase 1" };
const MD5_USER = { userName: "imp-md5", password: "old system passphrase" };
const md5 = (s: string) => createHash("md5").update(s).digest("hex");

/** Two good rows (a seed-003 MD5 hash, an initial password) and a bad one (its user name starts with a digit). */
const CSV = [
  "用户名,手机号,邮箱,昵称,角色,禁用,初始密码,密码哈希",
  `${MD5_USER.userName},13600000001,imp-md5@example.test,老用户,普通用户,否,,${md5(MD5_USER.password).toUpperCase()}`,
  "9bad,,,,,,,",
  "imp-plain,,imp-plain@example.test,新用户,partner,,an initial passphrase,",
].join("\r\n");

/** The platform operator sets up a tenant and its administrator through the API. */
async function setUpTenant(operator: APIRequestContext, baseURL: string) {
  const headers = { origin: baseURL };
  const tenant = await operator.post("/api/v1/tenants", {
    headers,
    data: { name: "Import E2E", status: "enabled", hosts: [HOST], claims: [], properties: [] },
  });
  expect(tenant.status()).toBe(200);
  const { id: tenantId } = (await tenant.json()) as { id: string };
  const roles = (await (await operator.get(`/api/v1/users/role-options?tenantId=${tenantId}`)).json()) as { id: string; name: string }[];
  const created = await operator.post("/api/v1/users", {
    headers,
    data: {
      tenantId,
      userName: TENANT_ADMIN.userName,
      password: TENANT_ADMIN.password,
      mustChangePassword: false,
      roleIds: [roles.find((r) => r.name === "administrator")!.id],
    },
  });
  expect(created.status()).toBe(200);
}

async function signIn(page: Page, origin: string, ustr: string, password: string) {
  await page.goto(`${origin}/login`);
  await page.getByLabel(/手机号、邮箱或用户名|Phone, email or user name/).fill(ustr);
  await page.getByLabel(/^(密码|Password)$/).fill(password);
  await page
    .getByRole("tabpanel")
    .getByRole("button", { name: /登\s*录|Sign in/ })
    .click();
  await expect(page).not.toHaveURL(/\/login/, { timeout: 30_000 });
}

/** Opens the import dialog and chooses the CSV; answers the dialog once the preview is shown. */
async function previewFile(page: Page, button: RegExp) {
  await page.goto("/users");
  await page.getByRole("button", { name: button }).click();
  const dialog = page.getByRole("dialog");
  await dialog.locator('input[type="file"]').setInputFiles({ name: "users.csv", mimeType: "text/csv", buffer: Buffer.from(CSV, "utf8") });
  await expect(dialog.getByTestId("import-preview")).toBeVisible();
  return dialog;
}

test("an administrator previews a CSV with a bad row, imports the good ones, and an imported MD5 user signs in", async ({ browser, playwright, baseURL }) => {
  test.setTimeout(180_000);
  const origin = `http://${HOST}:${new URL(baseURL!).port}`;
  await setUpTenant(await operatorApi(playwright, baseURL!), baseURL!);

  // English first: the preview, then cancel (nothing is written).
  const en = await browser.newContext({ locale: "en", baseURL: origin });
  const enPage = await en.newPage();
  await setLocale(enPage, "en", origin);
  await signIn(enPage, origin, TENANT_ADMIN.userName, TENANT_ADMIN.password);
  const enDialog = await previewFile(enPage, /Import$/);
  await expect(enDialog.getByText("3 rows: 2 can be imported, 1 with errors")).toBeVisible();
  await expect(enDialog.getByText("User name: A user name starts with a letter and may contain letters, digits, _ . -")).toBeVisible();
  await expect(enDialog.getByText("Hash (md5)")).toBeVisible();
  // Built-in roles by their label in the console's language.
  await expect(enDialog.getByText("user", { exact: true })).toBeVisible();
  await shot(enPage, "user-import-preview-en");
  await enDialog.getByRole("button", { name: "Cancel" }).click();
  await expect(enPage.getByRole("link", { name: MD5_USER.userName })).toHaveCount(0);
  await en.close();

  // Chinese: the same preview in Chinese words, then the import.
  const ctx = await browser.newContext({ locale: "zh-CN", baseURL: origin });
  const page = await ctx.newPage();
  await setLocale(page, "zh-CN", origin);
  await signIn(page, origin, TENANT_ADMIN.userName, TENANT_ADMIN.password);
  const dialog = await previewFile(page, /导\s*入$/);
  await expect(dialog.getByText("共 3 行：2 行可导入，1 行有错误")).toBeVisible();
  // The bad row comes first, with its row number as a spreadsheet shows it.
  const firstRow = dialog.locator("tbody tr.ant-table-row").first();
  await expect(firstRow).toContainText("3");
  await expect(firstRow).toContainText("用户名：用户名以字母开头，只能包含字母、数字、_ . -");
  await expect(dialog.getByText("普通用户 (user)", { exact: true })).toBeVisible();
  await shot(page, "user-import-preview-zh");
  await dialog.getByRole("button", { name: /导入 2 行有效数据/ }).click();
  await expect(dialog.getByTestId("import-done")).toContainText("已创建 2 个用户；1 行未导入");
  await shot(page, "user-import-done-zh");
  await dialog.getByRole("button", { name: "关闭" }).click();

  // The imported users are in the list with their roles.
  await expect(page.getByRole("link", { name: MD5_USER.userName })).toBeVisible();
  await expect(page.getByRole("link", { name: "imp-plain" })).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(MD5_USER.userName) }).getByText("普通用户")).toBeVisible();
  await ctx.close();

  // The imported MD5 user signs in with the old password through the form…
  const user = await browser.newContext({ locale: "zh-CN", baseURL: origin });
  const userPage = await user.newPage();
  await signIn(userPage, origin, MD5_USER.userName, MD5_USER.password);
  await expect(userPage).toHaveURL(new RegExp(`^${origin}/account`));
  await user.close();

  // …and, re-hashed by then, through seed 003's JSON login API with the MD5 hex.
  const login = await rawRequest({
    path: "/api/v1/login/AddLogin",
    host: `${HOST}:${new URL(baseURL!).port}`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ustr: "+86-13600000001", pwd: md5(MD5_USER.password) }),
  });
  expect(JSON.parse(login.body)).toMatchObject({ status: 200, error: 0 });
});
