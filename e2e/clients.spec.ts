import { expect, test } from "@playwright/test";
import { setLocale, shot, FIELD_ERROR } from "./helpers";

/** The operator's seeded nickname, as the Chinese console shows it (src/lib/seeded-text.ts). */
const OPERATOR_ZH = "平台管理员";

test.describe.configure({ mode: "serial" });
// Long flows on a shared 2-core machine.
test.setTimeout(180_000);

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

test("the default tenant's administrator creates a client, copies its one-time secret, and the client calls /api/v1 with exactly its scopes", async ({
  page,
  context,
  baseURL,
  request,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL! });
  // A retry starts from the empty list too: clients an earlier attempt made are removed first.
  const left = (await (await request.get("/api/v1/clients?take=100")).json()) as { items: { id: string }[] };
  for (const c of left.items) await request.delete(`/api/v1/clients/${c.id}`, { headers: { origin: baseURL! } });
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/clients");
  await expect(page.getByRole("heading", { name: "OAuth 客户端" })).toBeVisible();
  await expect(page.getByText("还没有客户端")).toBeVisible();
  await shot(page, "clients-empty-zh");

  await page.getByRole("button", { name: /新建客户端/ }).click();
  const drawer = page.getByRole("dialog");
  await drawer.getByTestId("client-save").click();
  await expect(drawer.locator(FIELD_ERROR).first()).toBeVisible(); // name is required
  await drawer.getByLabel("名称").fill("E2E Client");
  const scopes = drawer.getByLabel("允许的范围");
  for (const code of ["uc.client.get", "uc.apiscope.get"]) {
    // Under load a click on an option can land while the list is still opening: retry until the
    // code shows as chosen (and never click a chosen one again, which would remove it).
    const chosen = drawer.locator(".ant-select-selection-item", { hasText: code });
    await expect(async () => {
      if (await chosen.count()) return;
      await scopes.click();
      await scopes.fill(code);
      await page
        .locator(".ant-select-item-option", { hasText: `${code} —` })
        .first()
        .click({ timeout: 3000 });
      await expect(chosen).toBeVisible({ timeout: 2000 });
    }).toPass({ timeout: 30_000 });
  }
  await scopes.press("Escape");
  await shot(page, "client-create-zh");
  await drawer.getByTestId("client-save").click();

  // A new client opens on its secrets tab; generate one and copy it from the one-time reveal.
  await expect(page).toHaveURL(/\/clients\/[0-9a-f-]{36}\?tab=secrets/);
  await expect(page.getByText(/没有密钥/)).toBeVisible();
  await page.getByTestId("secret-generate").click();
  await page.getByRole("dialog").getByLabel("描述").fill("e2e");
  await page.getByTestId("secret-generate-ok").click();
  const revealed = page.getByTestId("secret-value");
  await expect(revealed).toHaveValue(/^ucs_/);
  await page.getByTestId("secret-copy").click();
  await expect(page.getByText("已复制", { exact: true })).toBeVisible();
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  expect(secret).toBe(await revealed.inputValue());
  await shot(page, "client-secret-reveal-zh");
  await page.getByTestId("secret-done").click();
  // After the reveal closes, the page shows only a hint.
  await expect(page.getByText(secret)).toHaveCount(0);
  await expect(page.getByRole("cell", { name: `${secret.slice(0, 8)}…` })).toBeVisible();
  await shot(page, "client-secrets-zh");

  await page.getByRole("tab", { name: "设置" }).click();
  const clientId = (await page.getByTestId("client-id").innerText()).trim();
  expect(clientId).toMatch(/^[0-9a-f]{24}$/);
  await shot(page, "client-settings-zh");

  // The program's side: a token from /api/oauth/token, then /api/v1 with it.
  const tokenRes = await request.post("/api/oauth/token", {
    headers: { authorization: basic(clientId, secret) },
    form: { grant_type: "client_credentials" },
  });
  expect(tokenRes.status()).toBe(200);
  expect(tokenRes.headers()["cache-control"]).toBe("no-store");
  const token = (await tokenRes.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
  expect(token).toMatchObject({ token_type: "Bearer", expires_in: 300, scope: "uc.client.get uc.apiscope.get" });
  const wrong = await request.post("/api/oauth/token", {
    headers: { authorization: basic(clientId, `${secret}x`) },
    form: { grant_type: "client_credentials" },
  });
  expect(wrong.status()).toBe(401);

  const api = (path: string) => request.get(`/api/v1${path}`, { headers: { authorization: `Bearer ${token.access_token}`, cookie: "" } });
  const allowed = await api("/clients");
  expect(allowed.status()).toBe(200);
  expect(((await allowed.json()) as { items: { clientId: string }[] }).items.map((c) => c.clientId)).toContain(clientId);
  expect((await api("/api-scopes")).status()).toBe(200);
  const denied = await api("/tenants");
  expect(denied.status()).toBe(403);
  expect(JSON.stringify(await denied.json())).toContain("17005");
  expect((await api("/api-resources")).status()).toBe(403);
  expect((await api("/me")).status()).toBe(403);

  // The console's "issue token" gives a test token and its decoded claims.
  await page.getByRole("tab", { name: "签发令牌" }).click();
  await page.getByTestId("issue-token").click();
  await expect(page.getByTestId("issued-claims")).toContainText(`"client_id": "${clientId}"`);
  await shot(page, "client-issue-token-zh");

  // English.
  await setLocale(page, "en", baseURL!);
  await page.reload();
  await expect(page.getByRole("tab", { name: "Issue token" })).toBeVisible();
  await page.getByRole("tab", { name: "Secrets" }).click();
  await shot(page, "client-secrets-en");
  await page.goto("/clients?name=E2E");
  await expect(page.getByRole("link", { name: "E2E Client" })).toBeVisible();
  await shot(page, "clients-en");
});

test("API scopes, an API resource using one, and the seeded identity resources", async ({ page, baseURL, request }) => {
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/api-scopes");
  await expect(page.getByRole("heading", { name: "API 范围" })).toBeVisible();
  await page.getByRole("button", { name: /新建 API 范围/ }).click();
  const drawer = page.getByRole("dialog");
  await drawer.getByLabel("名称", { exact: true }).fill("bad name!");
  await drawer.getByTestId("apiscope-save").click();
  await expect(drawer.getByText("名称只能包含字母、数字和 . _ : -，不能有空格")).toBeVisible();
  await drawer.getByLabel("名称", { exact: true }).fill("orders.read");
  await drawer.getByLabel("显示名称").fill("读取订单");
  await drawer.getByTestId("apiscope-save").click();
  await expect(page.getByText("已保存")).toBeVisible();
  await expect(page.getByRole("cell", { name: "orders.read" })).toBeVisible();
  await shot(page, "api-scopes-zh");

  await page.goto("/api-resources");
  await expect(page.getByRole("heading", { name: "API 资源" })).toBeVisible();
  await page.getByRole("button", { name: /新建 API 资源/ }).click();
  await drawer.getByLabel("名称", { exact: true }).fill("orders");
  await drawer.getByLabel("显示名称").fill("订单服务");
  const scopes = drawer.getByLabel("范围");
  const chosen = drawer.locator(".ant-select-selection-item", { hasText: "orders.read" });
  // The scope options load when the drawer opens; pick once they are there, and check the pick took.
  await expect(async () => {
    await scopes.click();
    await page.locator(".ant-select-item-option", { hasText: "orders.read" }).click({ timeout: 3000 });
    await expect(chosen).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 20_000 });
  await drawer.getByLabel("显示名称").click(); // closes the dropdown without Escape (which would close the drawer)
  // Owners: searched by name through the user picker, not typed as ids.
  const owners = drawer.getByLabel("负责人");
  await owners.click();
  await owners.fill("adm");
  await expect(page.getByText("搜索中…")).toHaveCount(0); // the debounced search has answered
  const adminOption = page.getByTestId("user-picker-option").filter({ hasText: OPERATOR_ZH });
  await expect(adminOption.first()).toBeVisible();
  await shot(page, "api-resource-owners-picker-zh");
  await adminOption.first().click();
  await expect(drawer.locator(".ant-select-selection-item", { hasText: OPERATOR_ZH })).toBeVisible();
  await drawer.getByLabel("显示名称").click();
  await shot(page, "api-resource-create-zh");
  await drawer.getByTestId("apiresource-save").click();
  await expect(page.getByRole("cell", { name: "orders", exact: true })).toBeVisible();
  await expect(page.getByRole("row", { name: /订单服务/ })).toContainText("orders.read");
  await shot(page, "api-resources-zh");
  // Stored as the operator's id; reopened, the picker shows the name again (looked up by id).
  const operatorId = ((await (await request.get("/api/v1/me")).json()) as { id: string }).id;
  const stored = (await (await request.get("/api/v1/api-resources?name=orders")).json()) as { items: { name: string; owners: string[] }[] };
  expect(stored.items.find((r) => r.name === "orders")?.owners).toEqual([operatorId]);
  await page
    .getByRole("row", { name: /订单服务/ })
    .getByRole("button", { name: /编\s*辑/ })
    .click();
  await expect(drawer.locator(".ant-select-selection-item", { hasText: OPERATOR_ZH })).toBeVisible();
  await drawer.getByRole("button", { name: /取\s*消/ }).click();
  // The detail page: its scopes lead to their API scope, owners by name, and the history of changes.
  await page.getByRole("link", { name: "orders", exact: true }).click();
  await expect(page.getByRole("heading", { name: /orders/ })).toBeVisible();
  await page.getByRole("tab", { name: /范围/ }).click();
  await expect(page.getByRole("link", { name: "orders.read" })).toBeVisible();
  await page.getByRole("tab", { name: /负责人/ }).click();
  await expect(page.getByRole("link", { name: OPERATOR_ZH })).toBeVisible();
  await page.getByRole("tab", { name: "变更记录" }).click();
  await expect(page.getByTestId("record-history")).toContainText("apiresource.create");
  await shot(page, "api-resource-detail-zh");
  await page.getByRole("tab", { name: /范围/ }).click();
  await page.getByRole("link", { name: "orders.read" }).click();
  await expect(page.getByRole("heading", { name: /orders\.read/ })).toBeVisible();
  await page.getByRole("tab", { name: "使用方" }).click();
  await expect(page.getByRole("link", { name: "orders", exact: true })).toBeVisible();
  await shot(page, "api-scope-detail-zh");
  // Deleting the scope now fails: the resource names it.
  await page.goto("/api-scopes");
  await page
    .getByRole("row", { name: /orders\.read/ })
    .getByRole("button", { name: "删除" })
    .click();
  await page
    .locator(".ant-popconfirm")
    .getByRole("button", { name: /删\s*除|确\s*定|OK/ })
    .click();
  await expect(page.getByText("仍有 API 资源引用此范围")).toBeVisible();

  await page.goto("/identity-resources");
  await expect(page.getByRole("heading", { name: "身份资源" })).toBeVisible();
  for (const name of ["openid", "profile", "email", "phone", "address"]) await expect(page.getByRole("link", { name, exact: true }).first()).toBeVisible();
  await expect(
    page
      .getByRole("row", { name: /openid/ })
      .first()
      .getByRole("button", { name: "删除" }),
  ).toHaveCount(0);
  await shot(page, "identity-resources-zh");

  await setLocale(page, "en", baseURL!);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Identity resources" })).toBeVisible();
  await page.getByRole("link", { name: "profile", exact: true }).first().click();
  await expect(page.getByText(/standard OpenID Connect resource/)).toBeVisible();
  await page.getByRole("tab", { name: /User claims/ }).click();
  await expect(page.getByText("preferred_username")).toBeVisible();
  await shot(page, "identity-resource-detail-en");
  await page.getByRole("button", { name: "Edit" }).click();
  await expect(page.getByRole("dialog").getByText(/standard OpenID Connect resource/)).toBeVisible();
  await shot(page, "identity-resource-edit-en");
  await page.keyboard.press("Escape");
  await page.goto("/api-resources");
  await expect(page.getByRole("heading", { name: "API resources" })).toBeVisible();
  await shot(page, "api-resources-en");
  await page
    .getByRole("row", { name: /订单服务/ })
    .getByRole("button", { name: /Edit/ })
    .click();
  await expect(drawer.locator(".ant-select-selection-item", { hasText: "Platform operator" })).toBeVisible();
  await drawer.getByLabel("Owners").click();
  await drawer.getByLabel("Owners").fill("nobody-here");
  await expect(page.getByText("No matching users")).toBeVisible();
  await shot(page, "api-resource-owners-empty-en");
  await drawer.getByLabel("Owners").fill("adm");
  await expect(page.getByText("Searching…")).toHaveCount(0);
  await expect(page.getByTestId("user-picker-option").filter({ hasText: "Platform operator" })).toBeVisible();
  await shot(page, "api-resource-owners-picker-en");
  await drawer.getByLabel("Display name").click();
  await drawer.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("link", { name: "orders", exact: true }).click();
  await page.getByRole("tab", { name: "History" }).click();
  const history = page.getByTestId("record-history");
  await expect(history).toContainText("apiresource.create");
  await history.getByText("apiresource.create").click(); // the row opens onto its diff
  await expect(history.getByTestId("audit-diff")).toBeVisible();
  await shot(page, "api-resource-detail-en");
  await page.goto("/api-scopes");
  await shot(page, "api-scopes-en");
});

test("a developer, who may not list users, names API owners by id with a hint instead of a search", async ({ browser, request, baseURL }) => {
  const headers = { origin: baseURL! };
  const roles = (await (await request.get("/api/v1/users/role-options")).json()) as { id: string; name: string }[];
  const developer = roles.find((r) => r.name === "developer")!;
  const dev = { userName: "e2e-developer", password: "developer passphrase 1" };
  const created = await request.post("/api/v1/users", {
    headers,
    data: { userName: dev.userName, nickname: "Dev", password: dev.password, mustChangePassword: false, roleIds: [developer.id] },
  });
  expect(created.status()).toBe(200);
  const operatorId = ((await (await request.get("/api/v1/me")).json()) as { id: string }).id;

  const ctx = await browser.newContext({ baseURL, locale: "zh-CN", storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/login");
  await page.getByLabel(/手机号、邮箱或用户名|Phone, email or user name/).fill(dev.userName);
  await page.getByLabel(/^(密码|Password)$/).fill(dev.password);
  await page.getByRole("button", { name: /登\s*录|Sign in/ }).click();
  await expect(page).not.toHaveURL(/\/login/);

  // The REST mirror refuses the search outright; the console does not offer one.
  expect(await page.evaluate(async () => (await fetch("/api/v1/users?name=adm")).status)).toBe(403);
  await page.goto("/api-resources");
  await page.getByRole("button", { name: /新建 API 资源/ }).click();
  const drawer = page.getByRole("dialog");
  await expect(drawer.getByText("你无权搜索用户：请输入用户 ID（UUID），以空格或逗号分隔。")).toBeVisible();
  await drawer.getByLabel("名称", { exact: true }).fill("dev-api");
  const owners = drawer.getByLabel("负责人");
  await owners.fill(operatorId);
  await owners.press("Enter");
  await expect(drawer.locator(".ant-select-selection-item", { hasText: operatorId })).toBeVisible();
  await shot(page, "api-resource-owners-developer-zh");
  await drawer.getByTestId("apiresource-save").click();
  await expect(page.getByRole("cell", { name: "dev-api", exact: true })).toBeVisible();
  const saved = (await page.evaluate(async () => (await fetch("/api/v1/api-resources?name=dev-api")).json())) as { items: { owners: string[] }[] };
  // The developer stays an owner of what they create, next to the one they named.
  expect(saved.items[0]?.owners).toContain(operatorId);
  expect(saved.items[0]?.owners).toHaveLength(2);

  await setLocale(page, "en", baseURL!);
  await page.goto("/api-resources");
  await page.getByRole("button", { name: /New API resource/ }).click();
  await expect(page.getByRole("dialog").getByText("You may not search users: enter user ids (UUIDs), separated by spaces or commas.")).toBeVisible();
  await shot(page, "api-resource-owners-developer-en");
  await ctx.close();
});
