import { expect, test, type Page } from "@playwright/test";
import { operatorApi, setLocale, shot } from "./helpers";
import { htmlBytes, mp4Bytes, pdfBytes, pngBytes } from "../src/test/fixtures/files";

test.describe.configure({ mode: "serial" });

// A folder of this run's own: the library is filtered to it, so other uploads never get in the way.
const RUN = Date.now().toString(36);
const FOLDER = `e2e${RUN}`;
const NAMES = { image: `photo-${RUN}.png`, video: `clip-${RUN}.mp4`, pdf: `report-${RUN}.pdf`, evil: "evil.png" };

type Kind = "图片" | "视频" | "文档";

/**
 * Picks the kind, names the folder, drops the file on the zone (a real `drop` event carrying a
 * DataTransfer, as a mouse drag would) and sends it, recording the states the send button goes
 * through so the test can tell that progress was shown.
 */
async function upload(page: Page, kind: Kind, file: { name: string; mimeType: string; buffer: Buffer }) {
  await page.getByTestId("upload-kind").getByText(kind, { exact: true }).click();
  await page.getByTestId("upload-folder").fill(FOLDER);
  const zone = page.getByTestId("upload-dropzone");
  await expect(zone.locator('[data-ut-element="label"]')).toHaveAttribute("data-state", "ready");
  const dataTransfer = await page.evaluateHandle(
    ({ name, type, b64 }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type }));
      return dt;
    },
    { name: file.name, type: file.mimeType, b64: file.buffer.toString("base64") },
  );
  await zone.locator('[data-ut-element="label"]').dispatchEvent("drop", { dataTransfer });
  const send = zone.getByRole("button", { name: "上传 1 个文件" });
  await expect(send).toBeEnabled();
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="upload-dropzone"] [data-ut-element="button"]')!;
    const seen: string[] = [];
    (window as unknown as { __utStates: string[] }).__utStates = seen;
    new MutationObserver(() => seen.push(`${el.getAttribute("data-state")}:${el.textContent}`)).observe(el, {
      attributes: true,
      childList: true,
      subtree: true,
      characterData: true,
    });
  });
  await send.click();
}

/** What the send button showed while the last upload ran (e.g. "uploading:37%"). */
const progressShown = (page: Page) => page.evaluate(() => (window as unknown as { __utStates: string[] }).__utStates);

const notice = (page: Page, text: string) => page.locator(".ant-notification-notice").filter({ hasText: text });
const card = (page: Page, name: string) => page.getByTestId("file-card").filter({ hasText: name });
const row = (page: Page, name: string) => page.getByTestId("file-table").locator("tr").filter({ hasText: name });

test("the operator uploads, browses, opens and deletes files in both languages", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto(`/files?folder=${FOLDER}`);
  await expect(page.getByRole("heading", { name: "文件", exact: true })).toBeVisible();
  await expect(page.getByRole("menuitem", { name: /文件/ })).toBeVisible();
  await expect(page.getByText("没有符合筛选条件的文件")).toBeVisible();
  await expect(page.getByTestId("file-usage")).toContainText("我的文件");

  // A bad folder name is caught before anything is sent, in the page's language.
  await page.getByTestId("upload-folder").fill("ab");
  await expect(page.getByText("文件夹名称须为 5–30 个字母或数字")).toBeVisible();
  await expect(page.getByTestId("upload-dropzone").locator('[data-ut-element="label"]')).toHaveAttribute("data-state", "disabled");
  await expect(page.getByTestId("upload-dropzone")).toContainText("请先修正文件夹名称");
  await shot(page, "files-empty-folder-error-zh");

  // An image, a video and a PDF: each announced and then in the library.
  await upload(page, "图片", { name: NAMES.image, mimeType: "image/png", buffer: await pngBytes(320, 200) });
  await expect(notice(page, `${NAMES.image} 已上传`)).toBeVisible();
  expect((await progressShown(page)).some((s) => s.startsWith("uploading"))).toBe(true);
  await expect(card(page, NAMES.image)).toBeVisible();
  await expect(card(page, NAMES.image).locator("img")).toHaveAttribute("src", /^\/api\/files\//);

  await upload(page, "视频", { name: NAMES.video, mimeType: "video/mp4", buffer: mp4Bytes() });
  await expect(notice(page, `${NAMES.video} 已上传`)).toBeVisible();
  await expect(card(page, NAMES.video).locator("video")).toHaveAttribute("src", /^\/api\/files\//);

  await upload(page, "文档", { name: NAMES.pdf, mimeType: "application/pdf", buffer: pdfBytes() });
  await expect(notice(page, `${NAMES.pdf} 已上传`)).toBeVisible();
  await expect(card(page, NAMES.pdf)).toBeVisible();
  await expect(card(page, NAMES.pdf)).toContainText("文档");

  // HTML renamed to a PNG "uploads", but its content is refused: an error naming the file, and no card.
  await upload(page, "图片", { name: NAMES.evil, mimeType: "image/png", buffer: htmlBytes() });
  const refused = notice(page, `${NAMES.evil} 被拒绝`);
  await expect(refused).toBeVisible();
  await expect(refused).toContainText("按文件内容判断，这种文件不能上传到这里 (20001)");
  await shot(page, "files-refused-zh");
  await expect(page.getByTestId("file-card")).toHaveCount(3);
  await expect(card(page, NAMES.evil)).toHaveCount(0);
  await refused.locator(".ant-notification-notice-close").click();
  // Away from the stack of notices (hovering it holds them open).
  await page.mouse.move(10, 10);
  await expect(page.locator(".ant-notification-notice")).toHaveCount(0, { timeout: 10_000 });
  await shot(page, "files-grid-zh");

  // The folder filter offers this run's folder with its count; the kind filter narrows the list.
  await page.getByTestId("filter-kind").click();
  await page.locator(".ant-select-item-option", { hasText: "视频" }).click();
  await expect(page.getByTestId("file-card")).toHaveCount(1);
  await expect(card(page, NAMES.video)).toBeVisible();
  await expect(page).toHaveURL(/kind=video/);
  await page.goto(`/files?folder=${FOLDER}`);
  await expect(page.getByTestId("file-card")).toHaveCount(3);
  await expect(page.getByTestId("filter-folder")).toContainText(`${FOLDER}（3）`);

  // Opening a file: its URL answers with its bytes and the right type.
  const pdfHref = await card(page, NAMES.pdf).getByTestId("file-open").getAttribute("href");
  expect(pdfHref).toMatch(/^\/api\/files\//);
  const pdf = await page.request.get(pdfHref!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toContain("application/pdf");
  const imageHref = await card(page, NAMES.image).getByTestId("file-open").getAttribute("href");
  const image = await page.request.get(imageHref!);
  expect(image.status()).toBe(200);
  expect(image.headers()["content-type"]).toMatch(/^image\//);
  await expect(card(page, NAMES.pdf).getByTestId("file-open")).toHaveAttribute("target", "_blank");

  // The list view: same files, same facts.
  await page.getByTestId("file-view").getByText("列表").click();
  await expect(page).toHaveURL(/view=list/);
  for (const name of [NAMES.image, NAMES.video, NAMES.pdf]) await expect(row(page, name)).toBeVisible();
  await expect(row(page, NAMES.pdf)).toContainText(FOLDER);
  await expect(row(page, NAMES.evil)).toHaveCount(0);
  await shot(page, "files-list-zh");

  // Delete one (with the keyboard-reachable button and a confirmation): it disappears.
  await row(page, NAMES.video).getByTestId("file-delete").click();
  await page
    .locator(".ant-popconfirm")
    .getByRole("button", { name: /删\s*除/ })
    .click();
  await expect(row(page, NAMES.video)).toHaveCount(0);
  await expect(row(page, NAMES.image)).toBeVisible();
  expect((await page.request.get(imageHref!)).status()).toBe(200);

  // English.
  await setLocale(page, "en", baseURL!);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Files", exact: true })).toBeVisible();
  await expect(page.getByText("Choose files or drag and drop them here")).toBeVisible();
  await expect(row(page, NAMES.pdf)).toContainText("Document");
  await shot(page, "files-list-en");
  await page.getByTestId("file-view").getByText("Grid").click();
  await expect(page.getByTestId("file-card")).toHaveCount(2);
  await page.getByTestId("upload-folder").fill("no!");
  await expect(page.getByText("A folder name is 5–30 letters or digits")).toBeVisible();
  await page.getByTestId("upload-folder").fill("");
  await shot(page, "files-grid-en");
  await setLocale(page, "zh-CN", baseURL!);
});

test("a user uploads their own avatar in My account; an administrator replaces it on the user page", async ({
  browser,
  page: operatorPage,
  playwright,
  baseURL,
}) => {
  const operator = await operatorApi(playwright, baseURL!);
  const headers = { origin: baseURL! };
  const roles = (await (await operator.get("/api/v1/users/role-options")).json()) as { id: string; name: string }[];
  const userRole = roles.find((r) => r.name === "user")!;
  const person = { userName: `e2e-avatar-${RUN}`, password: "avatar passphrase 1" };
  const created = await operator.post("/api/v1/users", {
    headers,
    data: { userName: person.userName, nickname: "Avatar", password: person.password, mustChangePassword: false, roleIds: [userRole.id] },
  });
  expect(created.status()).toBe(200);
  const userId = ((await created.json()) as { id: string }).id;
  await operator.dispose();

  const ctx = await browser.newContext({ baseURL, locale: "zh-CN", storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/login");
  await page.getByLabel(/手机号、邮箱或用户名|Phone, email or user name/).fill(person.userName);
  await page.getByLabel(/^(密码|Password)$/).fill(person.password);
  await page.getByRole("button", { name: /登\s*录|Sign in/ }).click();
  await expect(page).not.toHaveURL(/\/login/);

  await page.goto("/account");
  const avatar = page.getByTestId("avatar-upload");
  await expect(avatar).toBeVisible();
  await expect(avatar.getByTestId("avatar-image").locator("img")).toHaveCount(0);
  // A renamed HTML file is refused with the server's message.
  await avatar.locator("input[type=file]").setInputFiles({ name: "evil.png", mimeType: "image/png", buffer: htmlBytes() });
  await expect(notice(page, "evil.png 被拒绝")).toContainText("(20001)");
  await expect(avatar.getByTestId("avatar-image").locator("img")).toHaveCount(0);
  // A real PNG becomes the avatar.
  await avatar.locator("input[type=file]").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: await pngBytes(128, 128) });
  await expect(notice(page, "头像已更新")).toBeVisible();
  await expect(avatar.getByTestId("avatar-image").locator("img")).toHaveAttribute("src", /^\/api\/files\//);
  const src = await avatar.getByTestId("avatar-image").locator("img").getAttribute("src");
  const bytes = await page.request.get(src!);
  expect(bytes.status()).toBe(200);
  expect(bytes.headers()["content-type"]).toMatch(/^image\//);
  await shot(page, "account-avatar-zh");
  await ctx.close();

  // The operator (uc.user.put) sets this user's avatar from the user page.
  await setLocale(operatorPage, "zh-CN", baseURL!);
  await operatorPage.goto(`/users/${userId}`);
  const theirs = operatorPage.getByTestId("avatar-upload");
  await expect(theirs.getByTestId("avatar-image").locator("img")).toHaveAttribute("src", src!);
  await theirs.locator("input[type=file]").setInputFiles({ name: "new.png", mimeType: "image/png", buffer: await pngBytes(96, 96) });
  await expect(notice(operatorPage, "头像已更新")).toBeVisible();
  await expect(theirs.getByTestId("avatar-image").locator("img")).not.toHaveAttribute("src", src!);
  await expect(theirs.getByTestId("avatar-image").locator("img")).toHaveAttribute("src", /^\/api\/files\//);
  // The profile form's avatar field follows.
  await expect(operatorPage.getByLabel("头像地址")).toHaveValue(/^\/api\/files\//);
  await shot(operatorPage, "user-avatar-admin-zh");
});
