import { expect, test, type Locator, type Page } from "@playwright/test";
import { createHash } from "node:crypto";
import { ADMIN_PASSWORD, setLocale, shot } from "./helpers";

// The console at the width an administrator's laptop has (issue 12, items 10 and 11): nothing
// cut off, nothing broken mid-word, nothing running into its neighbour.
test.describe.configure({ mode: "serial" });
test.use({ viewport: { width: 1440, height: 900 } });

const CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** The element lies wholly inside the window, horizontally. */
async function inViewport(page: Page, el: Locator) {
  const box = await el.boundingBox();
  expect(box, "element has a box").not.toBeNull();
  const width = page.viewportSize()!.width;
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

/** How many lines the element's text takes: the line boxes of its text nodes (an inline element's own box may sit a few pixels off). */
const textLines = (el: Locator) =>
  el.evaluate((node) => {
    const tops = new Set<number>();
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(text);
      for (const r of range.getClientRects()) tops.add(Math.round(r.top));
    }
    return tops.size;
  });

test("login sessions at 1440 px: Delete is visible in the window; device and place read in words, the raw values in the detail", async ({
  page,
  request,
  baseURL,
}) => {
  // A session from a Windows Chrome (the mini-program login takes any User-Agent).
  const login = await request.post("/api/v1/login/AddNoginx", {
    data: { ustr: "admin", pwd: createHash("md5").update(ADMIN_PASSWORD).digest("hex") },
    headers: { "user-agent": CHROME_WINDOWS },
  });
  expect(login.status()).toBe(200);

  for (const locale of ["zh-CN", "en"] as const) {
    await setLocale(page, locale, baseURL!);
    await page.goto("/sessions?user=admin&state=active");
    const row = page.getByRole("row").filter({ hasText: "Chrome 131 · Windows 10" }).first();
    await expect(row).toBeVisible();
    const del = row.getByRole("button", { name: locale === "en" ? "Delete" : /删\s*除/ });
    await expect(del).toBeVisible();
    await inViewport(page, del);
    // The address is this machine's: the local network, with the raw IP beneath.
    await expect(row.getByTestId("session-place")).toContainText(locale === "en" ? "Local network" : "内网");
    await shot(page, `layout-sessions-1440-${locale}`);
    // The seeded operator by its nickname in the console's language, in the row and in Delete's question.
    const operator = locale === "en" ? "Platform operator" : "平台管理员";
    await expect(row).toContainText(operator);
    await expect(row).not.toContainText(locale === "en" ? "平台管理员" : "Platform operator");
    await del.click();
    await expect(page.getByRole("tooltip").filter({ hasText: operator })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("tooltip").filter({ hasText: operator })).toHaveCount(0);

    // The raw User-Agent: in the tooltip, and in the expanded row.
    await row.getByTestId("session-device").hover();
    await expect(page.getByRole("tooltip").filter({ hasText: CHROME_WINDOWS })).toBeVisible();
    await row.getByRole("button", { name: /展开行|Expand row/ }).click();
    await expect(page.getByText(CHROME_WINDOWS, { exact: true }).last()).toBeVisible();
  }
});

test("the seeded operator's nickname is Chinese in the Chinese console's forms and titles too, and saving keeps it", async ({ page, baseURL, request }) => {
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/team");
  await expect(page.getByRole("heading", { name: "平台管理员 的团队" })).toBeVisible();

  await page.goto("/account");
  await page.getByRole("button", { name: "编辑资料" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("昵称")).toHaveValue("平台管理员");
  // One length for a nickname everywhere: 64, as on a user's profile.
  await expect(dialog.getByText("5 / 64")).toBeVisible();
  await dialog.getByRole("button", { name: /确\s*定/ }).click();
  await expect(dialog).toBeHidden();

  const me = (await (await request.get("/api/v1/me")).json()) as { id: string };
  await page.goto(`/users/${me.id}`);
  await expect(page.getByLabel("昵称")).toHaveValue("平台管理员");
  // Saved in Chinese, it still reads in each viewer's language.
  await setLocale(page, "en", baseURL!);
  await page.goto(`/users/${me.id}`);
  await expect(page.getByLabel("Nickname")).toHaveValue("Platform operator");
  await setLocale(page, "zh-CN", baseURL!);
});

// Before the audit log test: its create is an entry there to open.
test("tenant detail: a long description does not squeeze the labels", async ({ page, baseURL }) => {
  await setLocale(page, "zh-CN", baseURL!);
  const description = "这是一段很长的租户说明，用来检查详情页的标签不会被挤成一列单字。".repeat(12).slice(0, 480);
  const res = await page.request.post("/api/v1/tenants", { data: { name: `E2E Layout ${Date.now() % 100000}`, description } });
  expect(res.ok()).toBe(true);
  const { id } = (await res.json()) as { id: string };
  await page.goto(`/tenants/${id}`);
  const labels = page.locator(".ant-descriptions-item-label");
  await expect(labels.first()).toBeVisible();
  for (const el of await labels.all()) {
    expect(await textLines(el), `${await el.textContent()} on one line`).toBe(1);
  }
  await shot(page, "layout-tenant-detail-1440-zh");
});

test("identity resources: a name is never broken inside the word", async ({ page, baseURL }) => {
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/identity-resources");
  const names = page.getByTestId("code-name");
  // The operator sees every tenant's standard resources: several rows are named "address".
  await expect(names.filter({ hasText: /^address$/ }).first()).toBeVisible();
  for (const el of await names.all()) {
    expect(await textLines(el), `${await el.textContent()} on one line`).toBe(1);
  }
  await shot(page, "layout-identity-resources-1440-zh");
});

test("audit log: the action's tags stay in their column; the diff gives 'after' its share", async ({ page, baseURL }) => {
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/audit");
  const rows = page.locator(".ant-table-tbody tr.ant-table-row");
  await expect(rows.first()).toBeVisible();
  // In each row, the action cell's content ends inside the action cell.
  const overflows = await rows.evaluateAll((trs) =>
    trs.flatMap((tr) => {
      const cells = [...tr.querySelectorAll("td")];
      return cells
        .filter((td) => td.querySelector(".ant-tag") && td.querySelector("code"))
        .filter((td) => [...td.querySelectorAll(".ant-tag, code")].some((el) => el.getBoundingClientRect().right > td.getBoundingClientRect().right + 1))
        .map((td) => td.textContent);
    }),
  );
  expect(overflows).toEqual([]);
  // The operator's own entries name it as the Chinese console does everywhere else.
  await expect(page.locator(".ant-table-tbody").getByText("平台管理员").first()).toBeVisible();
  await expect(page.locator(".ant-table-tbody").getByText("Platform operator")).toHaveCount(0);
  await shot(page, "layout-audit-1440-zh");

  await page
    .getByRole("button", { name: /查\s*看/ })
    .first()
    .click();
  const diff = page.getByTestId("audit-diff");
  await expect(diff).toBeVisible();
  const widths = await diff.locator("thead th").evaluateAll((ths) => ths.map((th) => th.getBoundingClientRect().width));
  // field, before, after: none squeezed to a sliver.
  for (const w of widths) expect(w).toBeGreaterThan(150);
});

test("the side menu stays in view at the bottom of a long page", async ({ page, baseURL }) => {
  await setLocale(page, "zh-CN", baseURL!);
  // A short window makes any list long.
  await page.setViewportSize({ width: 1440, height: 420 });
  await page.goto("/identity-resources");
  await expect(page.getByTestId("code-name").first()).toBeVisible();
  await page.mouse.move(800, 300);
  await page.mouse.wheel(0, 20_000);
  await page.waitForFunction(() => window.scrollY > 100);
  const sider = page.getByTestId("console-sider");
  expect((await sider.boundingBox())!.y).toBe(0);
  await expect(sider.getByRole("link", { name: "租户", exact: true })).toBeInViewport();
});

test("every detail page has the same way back to its list", async ({ page, baseURL }) => {
  await setLocale(page, "zh-CN", baseURL!);
  const first = async (path: string) => {
    const res = await page.request.get(`/api/v1${path}?take=1`);
    expect(res.ok(), path).toBe(true);
    return ((await res.json()) as { items: { id: string }[] }).items[0]?.id;
  };
  // A fresh database has no client, API scope or API resource: make one of each this test can open.
  const origin = new URL(baseURL!).origin;
  const makers: Record<string, Record<string, unknown>> = {
    "/clients": { name: "Layout back-link client", scopes: [], tokenLifetime: 3600 },
    "/api-scopes": { name: "layout.back" },
    "/api-resources": { name: "layout-back-api" },
  };
  const firstOrMade = async (path: string) => {
    const id = await first(path);
    if (id || !makers[path]) return id;
    const made = await page.request.post(`/api/v1${path}`, { headers: { origin }, data: makers[path] });
    expect(made.ok(), `${path}: ${await made.text()}`).toBe(true);
    return first(path);
  };
  const pages: [list: string, api: string][] = [
    ["/users", "/users"],
    ["/roles", "/roles"],
    ["/clients", "/clients"],
    ["/tenants", "/tenants"],
    ["/identity-resources", "/identity-resources"],
    ["/api-scopes", "/api-scopes"],
    ["/api-resources", "/api-resources"],
  ];
  let seen = 0;
  for (const [list, api] of pages) {
    const id = await firstOrMade(api);
    expect(id, list).toBeTruthy();
    await page.goto(`${list}/${id}`);
    const back = page.getByTestId("detail-back");
    await expect(back, list).toHaveCount(1);
    await expect(back).toHaveAttribute("href", list);
    await expect(page.getByRole("tab").first()).toBeVisible();
    await back.click();
    await expect(page).toHaveURL(new RegExp(`${list}(\\?|$)`));
    seen++;
  }
  expect(seen).toBe(pages.length);
});

test.describe("on a phone (390 × 844)", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("no page is wider than the window: wide tables scroll inside their card, titles stay whole", async ({ page, baseURL }) => {
    for (const locale of ["zh-CN", "en"] as const) {
      await setLocale(page, locale, baseURL!);
      for (const path of ["/tenants", "/roles", "/clients", "/identity-resources", "/permissions", "/team", "/locks", "/exports"]) {
        await page.goto(path);
        await expect(page.locator(".ant-table").first()).toBeVisible();
        await expect(page.getByTestId("console-menu-toggle")).toBeVisible(); // hydrated
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, `${path} in ${locale}`).toBeLessThanOrEqual(390);
        // The page title is on one line, not broken letter by letter beside the actions.
        expect(await textLines(page.locator("h3").first()), `${path} title in ${locale}`).toBe(1);
      }
      await shot(page, `layout-mobile-exports-${locale}`);
    }
  });

  test("the menu opens over the page from a button, and closes on navigation and on Escape", async ({ page, baseURL }) => {
    for (const locale of ["zh-CN", "en"] as const) {
      await setLocale(page, locale, baseURL!);
      await page.goto("/roles");
      const title = page.locator("h3").first();
      await expect(title).toBeVisible();
      const before = (await title.boundingBox())!.width;
      // Closed, the menu's links are out of the keyboard's way.
      await expect(page.locator("#console-menu [inert]")).toHaveCount(1);
      const toggle = page.getByRole("button", { name: locale === "en" ? "Open the menu" : "打开菜单" });
      await toggle.focus();
      await page.keyboard.press("Enter");
      const menu = page.getByTestId("console-sider");
      const users = menu.getByRole("link", { name: locale === "en" ? "Users" : "用户", exact: true });
      await expect(users).toBeVisible();
      await expect(page.getByRole("button", { name: locale === "en" ? "Close the menu" : "关闭菜单" })).toHaveAttribute("aria-expanded", "true");
      // Over the page, not beside it: the page keeps its width.
      expect((await title.boundingBox())!.width).toBe(before);
      await shot(page, `layout-mobile-menu-${locale}`);
      await page.keyboard.press("Escape");
      await expect(users).toBeHidden();
      await expect(toggle).toHaveAttribute("aria-expanded", "false");
      await toggle.click();
      await users.click();
      await expect(page).toHaveURL(/\/users$/);
      await expect(users).toBeHidden();
      await expect(page.locator("#console-menu [inert]")).toHaveCount(1);
    }
  });
});
