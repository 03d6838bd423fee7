import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { ADMIN_PASSWORD, exportCsv, setLocale, shot, FIELD_ERROR } from "./helpers";

test.describe.configure({ mode: "serial" });

const HOST = "users-e2e.test";
const TENANT_ADMIN = { userName: "acme-admin", password: "acme admin passphrase 1" };

/** The platform operator, on an API session of its own, sets up a tenant and its administrator. */
async function setUpTenant(request: APIRequestContext, baseURL: string) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await request.post("/api/auth/callback/password", { form: { csrfToken, ustr: "admin", pwd: ADMIN_PASSWORD, json: "true" } });
  const headers = { origin: baseURL };
  const tenant = await request.post("/api/v1/tenants", { headers, data: { name: "Users E2E", status: "enabled", hosts: [HOST], claims: [], properties: [] } });
  expect(tenant.status()).toBe(200);
  const { id: tenantId } = (await tenant.json()) as { id: string };
  const roles = (await (await request.get(`/api/v1/users/role-options?tenantId=${tenantId}`)).json()) as { id: string; name: string }[];
  const admin = roles.find((r) => r.name === "administrator")!;
  const created = await request.post("/api/v1/users", {
    headers,
    data: {
      tenantId,
      userName: TENANT_ADMIN.userName,
      nickname: "Acme Admin",
      password: TENANT_ADMIN.password,
      mustChangePassword: false,
      roleIds: [admin.id],
    },
  });
  expect(created.status()).toBe(200);
  // A user of the platform tenant the tenant administrator must never see.
  const outsider = await request.post("/api/v1/users", { headers, data: { userName: "platform-outsider", phone: "+86-13800000077" } });
  expect(outsider.status()).toBe(200);
  return { tenantId, outsiderId: ((await outsider.json()) as { id: string }).id };
}

async function signIn(page: Page, origin: string) {
  await page.goto(`${origin}/login`);
  await page.getByLabel(/手机号、邮箱或用户名|Phone, email or user name/).fill(TENANT_ADMIN.userName);
  await page.getByLabel(/^(密码|Password)$/).fill(TENANT_ADMIN.password);
  await page.getByRole("button", { name: /登\s*录|Sign in/ }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

test("a tenant administrator manages users in both languages and never sees another tenant's", async ({ browser, playwright, baseURL }) => {
  test.setTimeout(240_000);
  const port = new URL(baseURL!).port;
  const origin = `http://${HOST}:${port}`;
  const operator = await playwright.request.newContext({ baseURL });
  const { outsiderId } = await setUpTenant(operator, baseURL!);

  const ctx = await browser.newContext({ locale: "zh-CN", baseURL: origin });
  const page = await ctx.newPage();
  await setLocale(page, "zh-CN", origin);
  await signIn(page, origin);

  // The list: only this tenant's users.
  await page.goto("/users");
  await expect(page.getByRole("heading", { name: "用户", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: TENANT_ADMIN.userName })).toBeVisible();
  await expect(page.getByText("platform-outsider")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "admin", exact: true })).toHaveCount(0);
  await shot(page, "users-list-zh");

  // Create: a bad phone is marked on the field, then the user is created and opened.
  await page.getByRole("button", { name: /新建用户/ }).click();
  const drawer = page.getByRole("dialog");
  await drawer.getByLabel("用户名").fill("e2e-alice");
  await drawer.getByLabel("手机号").fill("13912340000");
  await drawer.getByTestId("user-save").click();
  await expect(drawer.getByText("手机号格式为“国家码-号码”，例如 +86-15810419011")).toBeVisible();
  await drawer.getByLabel("手机号").fill("+86-13912340000");
  await drawer.getByLabel("邮箱").fill("alice@users-e2e.test");
  await drawer.getByLabel("角色").click();
  await page.locator(".ant-select-item-option", { hasText: "partner" }).click();
  await page.keyboard.press("Escape");
  await drawer.getByLabel("初始密码").fill("alice first passphrase");
  // The referrer is searched by name through the user picker (no ids to type) and picked with the
  // keyboard; another tenant's user is never offered.
  const referrer = drawer.getByLabel("推荐人");
  await referrer.click();
  await referrer.fill("platform");
  await expect(page.getByText("没有匹配的用户")).toBeVisible();
  await referrer.fill("acme");
  await expect(page.getByText("搜索中…")).toHaveCount(0); // the debounced search has answered
  const acmeOption = page.getByTestId("user-picker-option").filter({ hasText: TENANT_ADMIN.userName });
  await expect(acmeOption).toBeVisible();
  await expect(acmeOption).toContainText("Acme Admin");
  await expect(page.getByTestId("user-picker-option")).toHaveCount(1);
  await shot(page, "user-referrer-picker-zh");
  await referrer.press("Enter");
  await expect(drawer.getByTestId("user-referrer")).toContainText("Acme Admin");
  await shot(page, "user-create-zh");
  await drawer.getByTestId("user-save").click();
  await expect(page).toHaveURL(/\/users\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: "用户：e2e-alice" })).toBeVisible();
  const aliceId = page.url().split("/").pop()!;
  // Saved as the administrator's id, and shown by name on the page and in the picker.
  await expect(page.getByRole("link", { name: "Acme Admin" })).toBeVisible();
  await expect(page.getByTestId("user-referrer")).toContainText("Acme Admin");

  // A duplicate is refused with the field that clashes marked, in words (not the value, not "taken").
  await page.goto("/users");
  await page.getByRole("button", { name: /新建用户/ }).click();
  await drawer.getByLabel("用户名").fill("E2E-Alice");
  await drawer.getByTestId("user-save").click();
  await expect(drawer.locator(FIELD_ERROR, { hasText: "该用户名已被使用" })).toBeVisible();
  await expect(drawer.getByText(/taken/i)).toHaveCount(0);
  await drawer.getByRole("button", { name: /取\s*消/ }).click();

  // Filter by name prefix; the state is in the URL and survives a reload.
  await page.getByLabel("用户名或昵称开头").fill("e2e-al");
  await page.getByLabel("用户名或昵称开头").press("Enter");
  await expect(page).toHaveURL(/name=e2e-al/);
  await expect(page.getByRole("link", { name: "e2e-alice" })).toBeVisible();
  await expect(page.getByRole("link", { name: TENANT_ADMIN.userName })).toHaveCount(0);
  await page.reload();
  await expect(page.getByLabel("用户名或昵称开头")).toHaveValue("e2e-al");
  await expect(page.getByRole("link", { name: "e2e-alice" })).toBeVisible();
  await shot(page, "users-filtered-zh");
  // The export carries the table's filter: the CSV holds exactly the rows shown.
  const shown = await page.locator(".ant-table-tbody tr.ant-table-row").count();
  const { text: csv } = await exportCsv(page, "users", /^CSV$/);
  const lines = csv
    .replace(/^\uFEFF/, "")
    .trim()
    .split(/\r?\n/);
  expect(lines).toHaveLength(1 + shown);
  expect(lines[1]).toContain("e2e-alice");
  expect(csv).not.toContain(TENANT_ADMIN.userName);

  // Edit the profile.
  await page.getByRole("link", { name: "e2e-alice" }).click();
  // The form is filled from the user's record once it arrives; typing before that would be reset.
  await expect(page.getByRole("textbox", { name: "用户名", exact: true })).toHaveValue("e2e-alice");
  await page.getByLabel("昵称").fill("爱丽丝");
  await page.getByTestId("profile-save").click();
  await expect(page.getByText("已保存").first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "用户：爱丽丝" })).toBeVisible();

  // Lock, unlock, reset the password (generated, shown once).
  await page.getByRole("tab", { name: "安全" }).click();
  await page.getByRole("button", { name: /^锁\s*定$/ }).click();
  await page
    .getByRole("tooltip")
    .getByRole("button", { name: /确\s*定|OK/ })
    .click();
  await expect(page.getByText(/已锁定至/)).toBeVisible();
  await shot(page, "user-locked-zh");
  await page.getByRole("button", { name: "解除锁定" }).click();
  await expect(page.getByText(/已锁定至/)).toHaveCount(0);
  await page.getByRole("button", { name: /^重置密码$/ }).click();
  await page
    .getByRole("tooltip")
    .getByRole("button", { name: /确\s*定|OK/ })
    .click();
  await expect(page.getByTestId("generated-password")).toHaveText(/^.{16}$/);
  await shot(page, "user-reset-zh");
  await page
    .getByRole("dialog")
    .getByRole("button", { name: /知道了|OK/ })
    .click();

  // Another tenant's user is a 404 by URL too.
  await page.goto(`/users/${outsiderId}`);
  await expect(page.getByText("用户不存在或不属于当前租户")).toBeVisible();

  // Delete to the recycle bin, find it there, restore it.
  await page.goto(`/users/${aliceId}`);
  await page.getByRole("tab", { name: "安全" }).click();
  await page.getByRole("button", { name: /^删\s*除$/ }).click();
  await page
    .getByRole("tooltip")
    .getByRole("button", { name: /确\s*定|OK/ })
    .click();
  await expect(page.getByText(/删除于/)).toBeVisible();
  await page.goto("/users?bin=true");
  await expect(page.getByRole("link", { name: "e2e-alice" })).toBeVisible();
  await shot(page, "users-bin-zh");
  await page.getByRole("button", { name: /^恢\s*复$/ }).click();
  await page
    .getByRole("tooltip")
    .getByRole("button", { name: /确\s*定|OK/ })
    .click();
  await expect(page.getByText("已恢复").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "e2e-alice" })).toHaveCount(0);

  // English.
  await setLocale(page, "en", origin);
  await page.goto("/users");
  await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "e2e-alice" })).toBeVisible();
  await page.getByLabel("Email starts with").fill("nobody@");
  await page.getByLabel("Email starts with").press("Enter");
  await expect(page.getByText("No users match")).toBeVisible();
  await shot(page, "users-empty-en");
  await page.getByRole("button", { name: /Reset/ }).click();
  await page.getByRole("link", { name: "e2e-alice" }).click();
  await expect(page.getByRole("heading", { name: "User: 爱丽丝" })).toBeVisible();
  await page.getByRole("tab", { name: "Claims & properties" }).click();
  await page.getByRole("button", { name: /Add/ }).first().click();
  await page.getByLabel("Type").fill("level");
  await page.getByLabel("Value").first().fill("gold");
  await page.getByRole("button", { name: /^Save$/ }).click();
  await expect(page.getByText("Saved").first()).toBeVisible();
  await shot(page, "user-claims-en");
  await page.getByRole("tab", { name: "Security" }).click();
  await page.getByLabel("New password", { exact: true }).fill("admin chosen passphrase");
  await page.getByRole("button", { name: /^Reset password$/ }).click();
  await page.getByRole("tooltip").getByRole("button", { name: /OK/ }).click();
  await expect(page.getByText(/Password reset; \d+ sessions ended/)).toBeVisible();
  await shot(page, "user-security-en");
  // The user's history: every change above, newest first, each opening onto its diff.
  await page.getByRole("tab", { name: "History" }).click();
  const history = page.getByTestId("record-history");
  await expect(history.locator(".ant-table-row").first()).toContainText("user.resetpassword");
  await expect(history).toContainText("user.claims");
  await shot(page, "user-history-en");
  // Keyboard: the filter bar is reachable and submits with Enter.
  await page.goto("/users");
  await page.getByLabel("Name starts with").focus();
  await page.keyboard.type("acme");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/name=acme/);
  await expect(page.getByRole("link", { name: TENANT_ADMIN.userName })).toBeVisible();
  await shot(page, "users-list-en");

  // The claim filter finds exactly alice (the REST mirror, from the page's own session).
  const found = await page.evaluate(async () => {
    const res = await fetch("/api/v1/users?claimType=level&claimValue=gold");
    return { status: res.status, body: (await res.json()) as { items: { id: string }[] } };
  });
  expect(found.status).toBe(200);
  expect(found.body.items.map((i) => i.id)).toEqual([aliceId]);

  // The team page: alice named the administrator as referrer, so she is in the administrator's team.
  // "Whose team" is a user picker: find alice by her nickname and open her (empty) team.
  await page.goto("/team");
  await expect(page.getByRole("heading", { name: "Team of Acme Admin" })).toBeVisible();
  await expect(page.getByRole("cell", { name: /爱丽丝/ })).toBeVisible();
  const whose = page.getByLabel("Whose team");
  await whose.click();
  await whose.fill("爱丽");
  await expect(page.getByText("Searching…")).toHaveCount(0);
  const aliceOption = page.getByTestId("user-picker-option").filter({ hasText: "e2e-alice" });
  await expect(aliceOption).toBeVisible();
  await expect(aliceOption).toContainText("+86-13912340000");
  await shot(page, "team-picker-en");
  await aliceOption.click();
  await expect(page).toHaveURL(new RegExp(`root=${aliceId}`));
  await expect(page.getByRole("heading", { name: "Team of 爱丽丝" })).toBeVisible();
  await expect(page.getByText("No members yet")).toBeVisible();
  await expect(page.getByTestId("team-root")).toContainText("爱丽丝");
  await shot(page, "team-en");
  // The picker in Chinese, on the profile tab: the referrer by name, searchable by phone.
  await setLocale(page, "zh-CN", origin);
  await page.goto(`/users/${aliceId}`);
  await expect(page.getByTestId("user-referrer")).toContainText("Acme Admin");
  await page.getByLabel("推荐人").click();
  await page.getByLabel("推荐人").fill("+86-139");
  await expect(page.getByText("没有匹配的用户")).toBeVisible(); // alice herself is never her own referrer
  await page.getByLabel("推荐人").fill("acme");
  await expect(page.getByText("搜索中…")).toHaveCount(0);
  await expect(page.getByTestId("user-picker-option").filter({ hasText: TENANT_ADMIN.userName })).toBeVisible();
  await shot(page, "user-referrer-picker-detail-zh");
  await page.getByRole("heading", { name: "用户：爱丽丝" }).click(); // closes the dropdown, nothing picked
  await expect(page.getByTestId("user-referrer")).toContainText("Acme Admin");

  await ctx.close();
  await operator.dispose();
});

test("a password an administrator set is replaced at the first sign-in before anything else", async ({ browser, playwright, baseURL }) => {
  const operator = await playwright.request.newContext({ baseURL });
  const { csrfToken } = (await (await operator.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await operator.post("/api/auth/callback/password", { form: { csrfToken, ustr: "admin", pwd: ADMIN_PASSWORD, json: "true" } });
  const roles = (await (await operator.get("/api/v1/users/role-options")).json()) as { id: string; name: string }[];
  const userName = `must-change-${Date.now().toString(36)}`;
  const created = await operator.post("/api/v1/users", {
    headers: { origin: baseURL! },
    data: { userName, password: "set by the admin 1", roleIds: [roles.find((r) => r.name === "user")!.id] },
  });
  expect(created.status(), await created.text()).toBe(200);
  await operator.dispose();

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await setLocale(page, "en", baseURL!);
  await page.goto("/login");
  await page.getByLabel("Phone, email or user name").fill(userName);
  await page.getByLabel(/^Password$/).fill("set by the admin 1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account\?mustChange=1/);
  await expect(page.getByTestId("must-change-password")).toContainText("An administrator set your password");
  // Anywhere else in the console leads back here.
  await page.goto("/sessions");
  await expect(page).toHaveURL(/\/account\?mustChange=1/);
  await shot(page, "must-change-password-en");
  await page.getByLabel("Current password").fill("set by the admin 1");
  await page.getByLabel("New password", { exact: true }).fill("my very own passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).not.toHaveURL(/mustChange/);
  await expect(page.getByTestId("must-change-password")).toHaveCount(0);
  await context.close();
});
