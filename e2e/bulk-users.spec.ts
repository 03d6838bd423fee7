import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { ADMIN_PASSWORD, setLocale, shot } from "./helpers";

test.describe.configure({ mode: "serial" });

const HOST = "bulk-e2e.test";
const TENANT_ADMIN = { userName: "bulk-admin", password: "bulk admin passphrase 1" };
/** More than a page (20): "select all that match" has something to add. */
const MASS = 25;

/** The platform operator, on an API session of its own, sets up a tenant, its administrator and the users to act on. */
async function setUpTenant(request: APIRequestContext, baseURL: string) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await request.post("/api/auth/callback/password", { form: { csrfToken, ustr: "admin", pwd: ADMIN_PASSWORD, json: "true" } });
  const headers = { origin: baseURL };
  const tenant = await request.post("/api/v1/tenants", { headers, data: { name: "Bulk E2E", status: "enabled", hosts: [HOST], claims: [], properties: [] } });
  expect(tenant.status()).toBe(200);
  const { id: tenantId } = (await tenant.json()) as { id: string };
  const roles = (await (await request.get(`/api/v1/users/role-options?tenantId=${tenantId}`)).json()) as { id: string; name: string }[];
  const admin = roles.find((r) => r.name === "administrator")!;
  const user = async (data: Record<string, unknown>) => {
    const res = await request.post("/api/v1/users", { headers, data: { tenantId, ...data } });
    expect(res.status()).toBe(200);
    return ((await res.json()) as { id: string }).id;
  };
  await user({ userName: TENANT_ADMIN.userName, nickname: "Bulk Admin", password: TENANT_ADMIN.password, mustChangePassword: false, roleIds: [admin.id] });
  const picks = [await user({ userName: "pick-a" }), await user({ userName: "pick-b" })];
  await user({ userName: "pick-c" });
  for (let i = 0; i < MASS; i++) await user({ userName: `mass-${String(i).padStart(2, "0")}` });
  return { picks };
}

async function signIn(page: Page, origin: string) {
  await page.goto(`${origin}/login`);
  await page.getByLabel(/手机号、邮箱或用户名|Phone, email or user name/).fill(TENANT_ADMIN.userName);
  await page.getByLabel(/^(密码|Password)$/).fill(TENANT_ADMIN.password);
  await page.getByRole("button", { name: /登\s*录|Sign in/ }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

test("select two users and lock them; select all that match a filter and disable them as a job with progress", async ({ browser, playwright, baseURL }) => {
  test.setTimeout(240_000);
  const origin = `http://${HOST}:${new URL(baseURL!).port}`;
  const operator = await playwright.request.newContext({ baseURL });
  const { picks } = await setUpTenant(operator, baseURL!);

  const ctx = await browser.newContext({ locale: "zh-CN", baseURL: origin });
  const page = await ctx.newPage();
  await setLocale(page, "zh-CN", origin);
  await signIn(page, origin);

  // Two rows chosen with the keyboard (Tab to the box, Space), locked behind a confirmation naming the count.
  await page.goto("/users?name=pick");
  await expect(page.getByRole("link", { name: "pick-c" })).toBeVisible();
  const boxA = page.getByRole("checkbox", { name: "选择 pick-a" });
  await boxA.focus();
  await page.keyboard.press("Space");
  await expect(boxA).toBeChecked();
  await page.getByRole("checkbox", { name: "选择 pick-b" }).check();
  await expect(page.getByTestId("bulk-count")).toHaveText("已选择 2 个用户");
  await shot(page, "bulk-users-selected-zh");
  await page.getByTestId("bulk-lock").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText("锁定 2 个用户？")).toBeVisible();
  await dialog.getByRole("button", { name: /锁\s*定/ }).click();
  await expect(page.getByText("已更改 2 个用户，跳过 0 个")).toBeVisible();
  await expect(page.getByTestId("bulk-bar")).toHaveCount(0); // the selection is cleared
  for (const id of picks) {
    await page.goto(`/users/${id}`);
    await expect(page.getByText(/^已锁定至 /)).toBeVisible();
  }
  // Oneself is skipped, and the toast says why.
  await page.goto("/users?name=bulk-admin");
  await page.getByRole("checkbox", { name: "选择 Bulk Admin" }).check();
  await page.getByTestId("bulk-delete").click();
  await expect(dialog.getByText("将 1 个用户 移入回收站？")).toBeVisible();
  await dialog.getByRole("button", { name: /删\s*除/ }).click();
  await expect(page.getByText("已更改 0 个用户，跳过 1 个 — 不能操作自己（1）")).toBeVisible();
  await expect(page.getByRole("link", { name: TENANT_ADMIN.userName })).toBeVisible();

  // The whole page, then "all 25 that match", disabled in the background.
  await page.goto("/users?name=mass");
  await expect(page.getByRole("link", { name: "mass-24" })).toBeVisible();
  await page.locator("thead").getByRole("checkbox").check();
  await expect(page.getByTestId("bulk-page")).toContainText("已选择本页全部 20 个用户");
  await page.getByTestId("bulk-select-all").click();
  await expect(page.getByTestId("bulk-all")).toContainText(`已选择全部 ${MASS} 个符合当前筛选条件的用户`);
  await shot(page, "bulk-users-all-zh");
  await page.getByTestId("bulk-disable").click();
  await expect(dialog.getByText(`停用 ${MASS} 个用户？`)).toBeVisible();
  await expect(dialog.getByText(/后台执行/)).toBeVisible();
  await dialog.getByRole("button", { name: /停\s*用/ }).click();
  const job = page.getByTestId("bulk-job").first();
  await expect(job).toBeVisible();
  await expect(job).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  await expect(job.getByTestId("bulk-job-result")).toHaveText(`已更改 ${MASS} 个用户，跳过 0 个`);
  await shot(page, "bulk-users-job-done-zh");
  // The list shows them disabled once the job is done; the job's result is still there after navigating away and back.
  await expect(page.locator("tbody tr", { hasText: "mass-24" }).getByText("已停用", { exact: true })).toBeVisible();
  await page.goto("/dashboard");
  await page.goto("/users?name=mass&status=active");
  await expect(page.getByTestId("bulk-job").first()).toHaveAttribute("data-status", "done");
  await expect(page.getByText("没有符合条件的用户")).toBeVisible();

  // The same selection in English.
  await setLocale(page, "en", origin);
  await page.goto("/users?name=mass");
  await page.getByRole("checkbox", { name: "Select mass-10" }).check();
  await page.getByRole("checkbox", { name: "Select mass-11" }).check();
  await expect(page.getByTestId("bulk-count")).toHaveText("2 users selected");
  await shot(page, "bulk-users-selected-en");
  await page.locator("thead").getByRole("checkbox").check();
  await page.getByTestId("bulk-select-all").click();
  await expect(page.getByTestId("bulk-all")).toContainText(`All ${MASS} users that match this filter are selected.`);
  await page.getByTestId("bulk-enable").click();
  await expect(dialog.getByText(`Enable ${MASS} users?`)).toBeVisible();
  await shot(page, "bulk-users-confirm-en");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await ctx.close();
  await operator.dispose();
});

test("the users table sorts by a column, pages and changes its page size, by mouse and keyboard, kept in the URL, in both languages", async ({
  browser,
  baseURL,
}) => {
  const origin = `http://${HOST}:${new URL(baseURL!).port}`;
  const ctx = await browser.newContext({ locale: "zh-CN", baseURL: origin });
  const page = await ctx.newPage();
  await setLocale(page, "zh-CN", origin);
  await signIn(page, origin);
  const rows = page.locator("tbody tr.ant-table-row");
  const firstName = () => rows.first().getByRole("link").first();

  await page.goto("/users?name=mass");
  await expect(rows).toHaveCount(20);
  await expect(page.locator(".ant-pagination-total-text")).toHaveText(`共 ${MASS} 条`);
  // The user name column: ascending, then descending, then back to the default (newest first).
  const header = page.getByRole("columnheader", { name: /用户名/ });
  await header.click();
  await expect(page).toHaveURL(/orderby=userName&asc=true/);
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  await expect(firstName()).toHaveText("mass-00");
  await header.focus();
  await page.keyboard.press("Enter");
  await expect(header).toHaveAttribute("aria-sort", "descending");
  await expect(page).not.toHaveURL(/asc=true/);
  await expect(firstName()).toHaveText("mass-24");
  // Page 2 holds the rest, in the same order; the sort stays.
  await page.getByTitle("2", { exact: true }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page).toHaveURL(/orderby=userName/);
  await expect(rows).toHaveCount(MASS - 20);
  await expect(firstName()).toHaveText("mass-04");
  await expect(page.locator(".ant-pagination-item-active")).toHaveText("2");
  // 50 a page: every match on one page.
  await page.getByRole("combobox", { name: "页码" }).click();
  await page.getByRole("option", { name: "50 条/页" }).click();
  await expect(page).toHaveURL(/size=50/);
  await expect(rows).toHaveCount(MASS);
  await expect(page.getByTitle("2", { exact: true })).toHaveCount(0);
  await shot(page, "users-table-sorted-zh");

  // In English, from the keyboard: the next page, then the sort cleared.
  await setLocale(page, "en", origin);
  await page.goto("/users?name=mass&orderby=userName&asc=true");
  await expect(firstName()).toHaveText("mass-00");
  await page.getByTitle("Next Page").focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/page=2/);
  await expect(firstName()).toHaveText("mass-20");
  const enHeader = page.getByRole("columnheader", { name: /User name/ });
  await enHeader.click(); // ascending → descending
  await expect(page).not.toHaveURL(/page=2/); // a new order starts at page 1
  await enHeader.click(); // descending → the default
  await expect(page).not.toHaveURL(/orderby=/);
  await expect(enHeader).not.toHaveAttribute("aria-sort");
  await expect(page.getByRole("columnheader", { name: /Created/ })).toHaveAttribute("aria-sort", "descending");
  await shot(page, "users-table-default-en");
  await ctx.close();
});
