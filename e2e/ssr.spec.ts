import { expect, test, type APIRequestContext } from "@playwright/test";
import { setLocale } from "./helpers";

// Console lists come with their first page in the server's HTML (issue 12, item 13): rendered
// by the server with the API's own context and permission guard, taken over by the browser
// without asking again. Runs as the operator (storage state); the user without the permission
// signs in through next-auth's own callback in a request context of its own.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const PASSWORD = "ssr e2e passphrase";
const KNOWN = `e2e-ssr-known-${RUN}`;
const ROW = /<tr[^>]*data-row-key="/;

/** A fresh user of the default tenant holding the built-in role `role`, with a password of their own. */
async function createUser(request: APIRequestContext, baseURL: string, userName: string, role: string) {
  const roles = (await (await request.get("/api/v1/users/role-options")).json()) as { id: string; name: string }[];
  const res = await request.post("/api/v1/users", {
    headers: { origin: baseURL },
    data: { userName, password: PASSWORD, mustChangePassword: false, roleIds: [roles.find((r) => r.name === role)!.id] },
  });
  expect(res.status()).toBe(200);
}

test.beforeAll(async ({ request, baseURL }) => {
  await createUser(request, baseURL!, KNOWN, "user");
});

test("the first page of the users list is in the server's HTML, and the browser asks for no list on first load", async ({ page, request, baseURL }) => {
  const html = await (await request.get("/users")).text();
  // The table's rows themselves, not only the data handed to the browser.
  expect(html).toMatch(new RegExp(`<tr[^>]*data-row-key="[^"]+"[^>]*>(?:(?!</tr>).)*${KNOWN}`, "s"));

  const calls: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/trpc/")) calls.push(new URL(r.url()).pathname);
  });
  // What the server rendered is what the browser renders from the handed-over answers: no hydration mismatch.
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/users");
  await expect(page.locator("tr.ant-table-row", { hasText: KNOWN })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(calls.filter((p) => /user\.(list|roleOptions)/.test(p))).toEqual([]);
  expect(errors).toEqual([]);

  // A filter is a navigation too: its rows come back with it.
  await page.getByLabel("用户名或昵称开头").fill(KNOWN);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`name=${KNOWN}`));
  await expect(page.locator("tr.ant-table-row")).toHaveCount(1);
  await expect(page.locator("tr.ant-table-row", { hasText: KNOWN })).toBeVisible();
});

test("antd's styles come as one stylesheet: the HTML carries only the theme's variables, the browser writes no component style", async ({
  page,
  request,
  baseURL,
}) => {
  const html = await (await request.get("/users")).text();
  const inline = [...html.matchAll(/<style id="antd-cssinjs"[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join("");
  // The theme's variables (the tenant's colour among them), not the table's or the menu's rules.
  expect(inline).toContain("--ant-color-primary:");
  expect(inline).not.toContain(".ant-table-wrapper");
  expect(inline).not.toContain(".ant-menu-item");
  expect(inline.length).toBeLessThan(100_000);
  const sheets = [...html.matchAll(/<link rel="stylesheet" href="([^"]+\.css)"/g)].map((m) => m[1]!);
  const css = (await Promise.all(sheets.map(async (href) => (await request.get(href)).text()))).join("");
  expect(css).toContain(".ant-table-wrapper");
  expect(css).toContain(".data-ant-cssinjs-cache-path{content:");

  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/users");
  await expect(page.locator("tr.ant-table-row").first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  // What antd adds in the browser: variables, and no rule of a component the file holds.
  const added = await page.evaluate(() => [...document.querySelectorAll("style[data-css-hash]")].map((s) => s.textContent ?? "").join(""));
  // Blocks of CSS variables only (`.css-var-uc.ant-btn{--ant-button-…}`, the theme's per component)
  // are what antd may add as components mount; a rule with a real property is what must not come.
  const rules = added.replace(/[^{}]*\{(?:\s*--[^;{}]*(?:;|(?=\})))*\s*\}/g, "");
  expect(rules).not.toContain(".ant-table-wrapper");
  expect(rules).not.toContain(".ant-btn");
  // The file's rules apply (the table's cells are padded).
  await expect(page.locator("tr.ant-table-row td").first()).not.toHaveCSS("padding-top", "0px");
});

test("the theme's variables in the HTML are the page's own, however many pages the server rendered before", async ({ request }) => {
  // The server keeps the theme work of earlier renders (AntdStyleRegistry): what it sends must not
  // change with what it rendered before, nor carry the variables of components the page lacks.
  const themeOf = async (path: string) => {
    const html = await (await request.get(path)).text();
    return [...html.matchAll(/<style id="antd-cssinjs"[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join("");
  };
  const first = await themeOf("/users");
  for (const path of ["/account", "/dashboard", "/roles", "/tenants", "/audit", "/api-resources"]) await themeOf(path);
  const again = await themeOf("/users");
  expect(again).toBe(first);
  expect(again).toContain("--ant-color-primary:");
  expect(again).toContain(".css-var-uc.ant-select-css-var{");
  // The table and the side menu are markup of our own: their variables are in a stylesheet (src/app/antd-markup.css).
  expect(again).not.toContain(".css-var-uc.ant-table-css-var{");
  // The account page's tabs, descriptions and modal, the roles page's drawer: not on the users page.
  for (const absent of [".ant-tabs-css-var{", ".ant-descriptions{", ".ant-drawer{"]) expect(again).not.toContain(absent);
  // And each page gets what it uses, after the others as before them.
  expect(await themeOf("/account")).toContain(".ant-tabs-css-var{");
});

test("a page view prefetches no other page; a link is fetched when pointed at or focused", async ({ page, baseURL }) => {
  // Every console page is dynamic: a prefetch is a server render. Seen links used to send one each.
  const prefetches: string[] = [];
  page.on("request", (r) => {
    if (r.headers()["next-router-prefetch"]) prefetches.push(new URL(r.url()).pathname);
  });
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/users");
  await expect(page.locator("tr.ant-table-row").first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(500);
  expect(prefetches).toEqual([]);
  const roles = page.locator('aside a[href="/roles"]');
  await roles.hover();
  await expect.poll(() => prefetches).toContain("/roles");
  await page.locator('aside a[href="/audit"]').focus();
  await expect.poll(() => prefetches).toContain("/audit");
  expect(prefetches.filter((p) => p !== "/roles" && p !== "/audit")).toEqual([]);
  // And the link still goes there.
  await roles.click();
  await expect(page).toHaveURL(/\/roles$/);
  await expect(page.locator("tr.ant-table-row").first()).toBeVisible();
});

test("a list page loads no zod, sign-in library, result illustrations, tabs, toast code, antd's table or date picker; a form brings zod, a toast its code", async ({
  page,
  context,
  baseURL,
}) => {
  // The shared validators reach the browser with their forms only (src/lib/validators/values.ts and
  // messages.ts carry what lists and error messages need), sign-out loads next-auth when chosen,
  // antd's Result comes with the pages that show one, and antd's message, Modal and notification
  // with the first toast (src/components/feedback.tsx): not with every console page.
  const scripts: Promise<string>[] = [];
  page.on("response", (r) => {
    if (r.request().resourceType() === "script") scripts.push(r.text().catch(() => ""));
  });
  const loaded = async () => (await Promise.all(scripts)).join("\n");
  await setLocale(page, "en", baseURL!);
  // antd's table is drawn by src/components/data-table.tsx, the bulk bar (its date picker, the users'
  // schemas) loads with the first selected row, the catalogue's forms with their drawers.
  for (const path of ["/users", "/api-resources", "/locks", "/permissions", "/audit", "/sessions", "/roles"]) {
    await page.goto(path);
    await expect(page.locator("tr.ant-table-row, .ant-table-placeholder").first()).toBeVisible();
    await page.waitForLoadState("networkidle");
  }
  const lists = await loaded();
  expect(lists).toContain("ant-table"); // the scripts are read: antd's table is in them
  expect(lists).not.toContain("ZodError");
  expect(lists).not.toContain("__NEXTAUTH");
  expect(lists).not.toContain("#E4EBF7"); // the colour of every Result illustration
  expect(lists).not.toContain("--notification-index"); // rc-notification, under every toast
  expect(lists).not.toContain("rc-tabs"); // antd's Card brought Tabs (and Skeleton): src/components/card.tsx does not
  expect(lists).not.toContain("rc-table-internal-hook"); // rc-table, under antd's Table
  expect(lists).not.toContain("tree-node-fx-do-not-use"); // rc-tree, which antd's table brings for its filter menus
  expect(lists).not.toContain("rc-picker"); // the date picker comes with the first date filter opened
  // The role form loads its fields and their schemas on first open.
  await page.getByRole("button", { name: "New role" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(await loaded()).toContain("ZodError");
  // The first toast brings its code, and shows: the call made before it was there is not lost.
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL! });
  await page.goto("/permissions");
  await page
    .getByRole("row", { name: /uc\.tenant\.get/ })
    .getByRole("button", { name: "Copy" })
    .click();
  await expect(page.locator(".ant-message").getByText("Copied", { exact: true })).toBeVisible();
  expect(await loaded()).toContain("--notification-index");
  // The console's root keeps antd App's element and its text styles.
  await expect(page.locator("div.ant-app")).toHaveCount(1);
  await expect(page.locator("div.ant-app")).toHaveCSS("font-size", "14px");
});

test("a browser in another time zone: no hydration error, and times in its own zone from the server on", async ({ browser, baseURL }) => {
  const zone = "America/New_York";
  const ctx = await browser.newContext({ baseURL, timezoneId: zone, storageState: "e2e/.auth/operator.json" });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  const found = (await (await ctx.request.get(`/api/v1/users?name=${KNOWN}`)).json()) as { items: { createdAt: string }[] };
  // "YYYY-MM-DD HH:mm" in New York, as the list shows it.
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date(found.items[0]!.createdAt))
      .map((p) => [p.type, p.value]),
  );
  const shown = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto(`/users?name=${KNOWN}`);
  const row = page.locator("tr.ant-table-row", { hasText: KNOWN });
  await expect(row).toContainText(shown);
  await page.waitForLoadState("networkidle");
  // The browser told the server its zone: the next page's HTML already has New York's time.
  expect((await ctx.cookies()).find((c) => c.name === "uc-tz")?.value).toBe(zone);
  expect(await (await ctx.request.get(`/users?name=${KNOWN}`)).text()).toContain(shown);
  await page.reload();
  await expect(row).toContainText(shown);
  await page.waitForLoadState("networkidle");
  expect(errors).toEqual([]);
  await ctx.close();
});

test("with JavaScript off every list still shows its rows", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: "e2e/.auth/operator.json" });
  const page = await ctx.newPage();
  await page.goto("/users");
  await expect(page.locator("tr.ant-table-row", { hasText: KNOWN })).toBeVisible();
  // Lists that always have rows for the operator (seeded roles, resources, permission codes,
  // the operator's own session, the audit entry of the user above, the default tenant).
  for (const path of ["/roles", "/permissions", "/identity-resources", "/sessions", "/audit", "/tenants"]) {
    await page.goto(path);
    await expect(page.locator("tr.ant-table-row").first(), path).toBeVisible();
  }
  // A filter in the URL is the server's input too.
  await page.goto(`/users?name=${KNOWN}`);
  await expect(page.locator("tr.ant-table-row")).toHaveCount(1);
  await ctx.close();
});

test("a user without the list permission gets no data in the HTML, and the same refusal as from the API", async ({ playwright, browser, request, baseURL }) => {
  const userName = `e2e-ssr-plain-${RUN}`;
  await createUser(request, baseURL!, userName, "user");
  const api = await playwright.request.newContext({ baseURL });
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  expect((await api.post("/api/auth/callback/password", { form: { csrfToken, ustr: userName, pwd: PASSWORD, json: "true" } })).ok()).toBe(true);

  const html = await (await api.get("/users")).text();
  expect(html).not.toContain(KNOWN);
  expect(html).not.toMatch(ROW);
  expect((await api.get("/api/v1/users")).status()).toBe(403);

  const ctx = await browser.newContext({ baseURL, storageState: await api.storageState() });
  const page = await ctx.newPage();
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/users");
  await expect(page.getByText("当前身份没有执行此操作所需的权限")).toBeVisible();
  await expect(page.locator("tr.ant-table-row")).toHaveCount(0);
  await ctx.close();
  await api.dispose();
});
