import { expect, test, type Page } from "@playwright/test";
import { setLocale, shot } from "./helpers";
import { startNpmRegistry, type TestRegistry } from "../src/test/npm-registry";
import { gitCli, startGitServer, type TestGitServer } from "../src/test/git-server";
import { SDK_E2E_HOST } from "../playwright.config";

test.describe.configure({ mode: "serial", timeout: 240_000 });

const DOC = JSON.stringify({
  openapi: "3.0.3",
  info: { title: "Pets", version: "1.0.0" },
  paths: {
    "/pets/{id}": {
      get: {
        operationId: "getPet",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "object", properties: { name: { type: "string" } } } } } } },
      },
    },
  },
});

let registry: TestRegistry;
let gitServer: TestGitServer;
test.beforeAll(async () => {
  // On the one loopback address the server is allowed to reach (playwright.config.ts).
  [registry, gitServer] = await Promise.all([startNpmRegistry({ host: SDK_E2E_HOST }), startGitServer({ host: SDK_E2E_HOST })]);
});
test.afterAll(async () => {
  await Promise.all([registry?.close(), gitServer?.close()]);
});

async function onlineApi(request: Page["request"], name: string) {
  const created = await request.post("/api/v1/api-resources", { data: { name, displayName: "Pets" } });
  expect(created.status()).toBe(200);
  const api = (await created.json()) as { id: string };
  const v = (await (await request.post(`/api/v1/api-resources/${api.id}/versions`, { data: { name: "v1" } })).json()) as { id: string };
  const r = await request.post(`/api/v1/api-resources/${api.id}/revisions`, { data: { versionId: v.id, source: { kind: "text", text: DOC } } });
  expect(r.status()).toBe(200);
  const rev = (await r.json()) as { id: string };
  expect((await request.post(`/api/v1/api-revisions/${rev.id}/online`, { data: { notes: "first" } })).status()).toBe(200);
  return api.id;
}

async function openDialog(page: Page, id: string, tab: RegExp) {
  await page.goto(`/api-resources/${id}`);
  await page.getByRole("tab", { name: tab }).click();
  await page.getByTestId("sdk-release-open").click();
  const dialog = page.getByRole("dialog");
  await dialog.getByTestId("sdk-registry").fill(registry.url);
  await dialog.getByTestId("sdk-token").fill(registry.token);
  return dialog;
}

/** Polls the job panel until it ends, answering every step and percentage it showed on the way. */
async function follow(page: Page, until: RegExp) {
  const steps = new Set<string>();
  const percents = new Set<string>();
  const panel = page.getByTestId("job-progress");
  await expect(panel).toBeVisible();
  for (let i = 0; i < 600; i++) {
    const status = (await panel.getAttribute("data-status")) ?? "";
    steps.add((await panel.getAttribute("data-step")) ?? "");
    percents.add((await page.getByTestId("job-bar").getAttribute("aria-label")) ?? "");
    if (until.test(status)) break;
    await page.waitForTimeout(200);
  }
  return { steps, percents };
}

test("an administrator releases the SDK: the bar moves through the steps, the log shows each one, npm and Git receive it", async ({
  page,
  baseURL,
  request,
}) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await setLocale(page, "en", baseURL!);
  const id = await onlineApi(request, `pets-sdk-${Date.now()}`);
  const dialog = await openDialog(page, id, /Publishing/);
  await dialog.getByTestId("sdk-package-name").fill("@e2e/pets-sdk");
  await dialog.getByTestId("sdk-check-version").click();
  await expect(dialog.getByTestId("sdk-plan")).toHaveText("Empty: 1.0.0 (first release)");
  await dialog.getByTestId("sdk-push-git").check();
  await dialog.getByTestId("sdk-git-url").fill(gitServer.url);
  await dialog.getByTestId("sdk-git-user").fill(gitServer.user);
  await dialog.getByTestId("sdk-git-token").fill(gitServer.token);
  await shot(page, "sdk-release-dialog-en");
  await dialog.getByTestId("sdk-release-start").click();
  const mid = follow(page, /done|failed|cancelled/);
  await expect(page.getByTestId("job-progress")).toHaveAttribute("data-step", /compile|smoke|version|pack/, { timeout: 60_000 });
  await shot(page, "sdk-release-running-en");
  const seen = await mid;
  const panel = page.getByTestId("job-progress");
  await expect(panel).toHaveAttribute("data-status", "done");
  expect(seen.steps.size).toBeGreaterThanOrEqual(3);
  expect(seen.percents.size).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId("job-bar")).toHaveAttribute("aria-label", "100%");
  const log = page.getByTestId("job-log");
  for (const s of ["generate", "package", "compile", "smoke", "version", "pack", "publish", "git", "market", "record"])
    await expect(log).toContainText(`▶ ${s}`);
  await expect(log).toContainText("published @e2e/pets-sdk@1.0.0");
  await shot(page, "sdk-release-done-en");
  expect(await registry.versions("@e2e/pets-sdk")).toEqual(["1.0.0"]);
  expect(await gitCli(["tag", "--list"], gitServer.repoDir)).toContain("v1.0.0");
  // The same version again is refused before anything starts.
  const again = await openDialog(page, id, /Publishing/);
  await again.getByTestId("sdk-package-name").fill("@e2e/pets-sdk");
  await again.getByLabel("Version").fill("1.0.0");
  await again.getByTestId("sdk-release-start").click();
  await expect(page.getByText(/already has this version/).first()).toBeVisible();
  expect(errors).toEqual([]);
});

test("取消一次发布：任务停止，注册表里没有这个版本", async ({ page, baseURL, request }) => {
  await setLocale(page, "zh-CN", baseURL!);
  const id = await onlineApi(request, `pets-cancel-${Date.now()}`);
  const dialog = await openDialog(page, id, /发布设置/);
  await dialog.getByTestId("sdk-package-name").fill("pets-cancel-sdk");
  await dialog.getByTestId("sdk-check-version").click();
  await expect(dialog.getByTestId("sdk-plan")).toContainText("1.0.0");
  await shot(page, "sdk-release-dialog-zh");
  await dialog.getByTestId("sdk-release-start").click();
  const panel = page.getByTestId("job-progress");
  await expect(panel).toHaveAttribute("data-step", /generate|package|compile|smoke/, { timeout: 60_000 });
  await page.getByTestId("job-cancel").click();
  await page
    .locator(".ant-popconfirm")
    .getByRole("button", { name: /取\s?消/ })
    .click();
  await expect(panel).toHaveAttribute("data-status", "cancelled", { timeout: 60_000 });
  await expect(page.getByTestId("job-status")).toHaveText("已取消");
  await expect(page.getByTestId("job-log")).toContainText("■ cancelled");
  await shot(page, "sdk-release-cancelled-zh");
  expect(await registry.versions("pets-cancel-sdk")).toEqual([]);
});
