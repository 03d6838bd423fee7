import { expect as baseExpect, test, type Page } from "@playwright/test";
import { exportCsv, setLocale, shot } from "./helpers";

// The machine is shared: hydration can take many seconds under load.
test.describe.configure({ mode: "serial", timeout: 300_000 });
const expect = baseExpect.configure({ timeout: 45_000 });

const ROLE = `e2e-审计员-${Date.now().toString(36)}`;

/** The table's "共 N 条" / "N in all" figure. */
async function tableTotal(page: Page): Promise<number> {
  const text = await page.locator(".ant-pagination-total-text").innerText();
  return Number(/\d+/.exec(text)![0]);
}

test("an administrator creates and edits a role, sees it in the audit log and exports the log (中文)", async ({ page, baseURL }) => {
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/roles");
  await expect(page.getByRole("heading", { name: "角色" })).toBeVisible();
  await expect(page.getByRole("link", { name: "administrator" }).first()).toBeVisible();
  await shot(page, "roles-zh");

  await page.getByRole("button", { name: /新建角色/ }).click();
  const drawer = page.getByRole("dialog");
  await drawer.getByLabel("名称", { exact: true }).fill(ROLE);
  await drawer.getByLabel("描述", { exact: true }).fill("只读审计");
  // Search the picker in Chinese, then in English.
  await drawer.getByTestId("permission-search").locator("input").fill("审计");
  await expect(drawer.getByTestId("perm-group-audit")).toBeVisible();
  await expect(drawer.getByTestId("perm-group-tenant")).toHaveCount(0);
  await drawer.getByTestId("perm-uc.audit.get").click();
  await drawer.getByTestId("permission-search").locator("input").fill("users");
  await drawer.getByTestId("perm-all-user").click();
  await drawer.getByTestId("permission-search").locator("input").fill("");
  await drawer.getByRole("button", { name: /添加声明/ }).click();
  await drawer.getByLabel("类型", { exact: true }).fill("dept");
  await drawer.getByLabel("值", { exact: true }).fill("risk");
  await shot(page, "role-create-zh");
  await drawer.getByTestId("role-save").click();
  await expect(page.getByText("已保存")).toBeVisible();
  await expect(page.getByRole("link", { name: ROLE })).toBeVisible();

  // Edit: drop the user wildcard, change the description.
  await page.getByTestId(`edit-${ROLE}`).click();
  await expect(drawer.getByLabel("名称", { exact: true })).toHaveValue(ROLE);
  await expect(drawer.getByTestId("perm-uc.audit.get")).toBeChecked();
  await expect(drawer.getByTestId("perm-all-user")).toBeChecked();
  await drawer.getByTestId("perm-all-user").click();
  await drawer.getByLabel("描述", { exact: true }).fill("只读审计（已修改）");
  await drawer.getByTestId("role-save").click();
  await expect(page.getByText("已保存").first()).toBeVisible();

  // Detail tabs.
  await page.getByRole("link", { name: ROLE }).click();
  await expect(page.getByRole("heading", { name: new RegExp(ROLE) })).toBeVisible();
  await expect(page.getByText("uc.audit.get").first()).toBeVisible();
  await page.getByRole("tab", { name: /声明/ }).click();
  await expect(page.getByRole("cell", { name: "risk" })).toBeVisible();
  await page.getByRole("tab", { name: /成员/ }).click();
  await expect(page.getByText("还没有用户拥有此角色")).toBeVisible();
  await shot(page, "role-detail-zh");
  // The role's own history: its creation and its edit, newest first.
  await page.getByRole("tab", { name: "变更记录" }).click();
  const history = page.getByTestId("record-history");
  await expect(history.locator(".ant-table-row")).toHaveCount(2);
  await expect(history.locator(".ant-table-row").first()).toContainText("role.update");
  await shot(page, "role-history-zh");

  // The audit log has both changes; the detail shows the diff.
  await page.goto("/audit?resource=role");
  await expect(page.getByRole("heading", { name: "审计日志" })).toBeVisible();
  await expect(page.getByText("role.update").first()).toBeVisible();
  await expect(page.getByText("role.create").first()).toBeVisible();
  await page.getByRole("button", { name: "查看" }).first().click();
  const diff = page.getByRole("dialog").getByTestId("audit-diff");
  await expect(diff).toContainText("只读审计（已修改）");
  await expect(diff).toContainText("uc.user.all");
  await shot(page, "audit-detail-zh");
  await page.keyboard.press("Escape");
  await shot(page, "audit-zh");

  const total = await tableTotal(page);
  expect(total).toBeGreaterThanOrEqual(2);
  const { text, disposition } = await exportCsv(page, "audit", /^CSV$/);
  expect(disposition).toContain("filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97-");
  const lines = text
    .replace(/^\uFEFF/, "")
    .split("\r\n")
    .filter(Boolean);
  expect(lines[0]).toContain("操作");
  expect(lines.length - 1).toBe(total);
  expect(text).toContain(ROLE);
  await shot(page, "audit-exported-zh");

  await page.goto("/exports");
  await expect(page.getByRole("heading", { name: "导出任务" })).toBeVisible();
  await expect(page.getByText("已完成", { exact: true }).first()).toBeVisible();
  await shot(page, "exports-zh");
});

test("the same in English: permission codes, audit log export", async ({ page, baseURL }) => {
  await setLocale(page, "en", baseURL!);
  await page.goto("/permissions");
  await expect(page.getByRole("heading", { name: "Permission codes" })).toBeVisible();
  await page.getByLabel(/Search codes or names/).fill("审计");
  await expect(page.getByText("uc.audit.get")).toBeVisible();
  await expect(page.getByText("uc.user.get")).toHaveCount(0);
  await shot(page, "permissions-en");

  await page.goto("/roles");
  await expect(page.getByRole("heading", { name: "Roles" })).toBeVisible();
  await page.getByTestId(`edit-${ROLE}`).click();
  await expect(page.getByRole("dialog").getByText("Audit log: list")).toBeVisible();
  await shot(page, "role-edit-en");
  await page.keyboard.press("Escape");

  await page.goto(`/audit?resource=role`);
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  const total = await tableTotal(page);
  const { text } = await exportCsv(page, "audit", /^CSV$/);
  const lines = text
    .replace(/^\uFEFF/, "")
    .split("\r\n")
    .filter(Boolean);
  expect(lines[0]!.startsWith("Time,")).toBe(true);
  expect(lines.length - 1).toBe(total);
  await shot(page, "audit-en");

  await page.goto("/exports");
  await expect(page.getByRole("heading", { name: "Exports" })).toBeVisible();
  await expect(page.getByText("Done", { exact: true }).first()).toBeVisible();
  await shot(page, "exports-en");
});

test("the audit log's date range: the picker loads when the filter is first used, by mouse or keyboard, and the range goes into the URL", async ({
  page,
  baseURL,
}) => {
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/audit");
  const filter = page.getByRole("textbox", { name: "时间范围" }).first();
  await expect(filter).toBeVisible();
  // Until then the page has loaded no picker panel code; a click brings the real picker, open.
  await expect(page.locator(".ant-picker-range")).toHaveCount(0);
  await filter.click();
  await expect(page.locator(".ant-picker-dropdown .ant-picker-panel").first()).toBeVisible();
  const start = page.locator(".ant-picker-range input").first();
  await expect(start).toBeFocused();
  await start.fill("2026-01-01");
  await start.press("Enter");
  const end = page.locator(".ant-picker-range input").nth(1);
  await end.fill("2026-01-31");
  await end.press("Enter");
  await expect(page).toHaveURL(/start=2026-01-01/);
  await expect(page).toHaveURL(/end=2026-01-31/);
  // A fresh load shows the range from the URL in the stand-in, and Reset clears it.
  await page.reload();
  await expect(page.getByRole("textbox", { name: "时间范围" }).first()).toHaveValue("2026-01-01 → 2026-01-31");
  await page.getByRole("button", { name: /重\s*置/ }).click();
  await expect(page).not.toHaveURL(/start=/);
  // Keyboard: tabbing onto the stand-in opens the picker with the focus in its first field.
  await page.getByRole("textbox", { name: "时间范围" }).first().focus();
  await expect(page.locator(".ant-picker-range input").first()).toBeFocused();
});
