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

/** Saves the npm settings (package, registry, token) and optionally the Git settings through the REST mirror of the SDKs tab's forms. */
async function saveSettings(request: Page["request"], id: string, packageName: string, withGit: boolean) {
  const npm = await request.put(`/api/v1/api-resources/${id}/codegen/npm/typescript`, {
    data: { packageName, className: "PetsClient", version: "1.0.0", registryUrl: registry.url, token: registry.token, license: "MIT" },
  });
  expect(npm.status(), await npm.text()).toBe(200);
  if (withGit) {
    const git = await request.put(`/api/v1/api-resources/${id}/codegen/git`, {
      data: { remoteUrl: gitServer.url, branch: "main", userName: gitServer.user, token: gitServer.token, syncDocs: true },
    });
    expect(git.status(), await git.text()).toBe(200);
  }
}

/** The SDKs tab's Release sub-tab of an API. */
async function openRelease(page: Page, id: string, sdks: string, release: string) {
  await page.goto(`/api-resources/${id}`);
  const sub = page.getByRole("tab", { name: release, exact: true });
  // Until the page has hydrated a click on the tab does nothing: click again until the sub-tabs show.
  await expect(async () => {
    await page.getByRole("tab", { name: sdks, exact: true }).click();
    await expect(sub).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await sub.click();
  await expect(page.getByTestId("sdk-release-settings")).toBeVisible();
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
  // Nothing saved yet: the panel says so and links to the settings; Release is disabled.
  await openRelease(page, id, "SDKs", "Release");
  await expect(page.getByTestId("sdk-release-settings")).toContainText("Not saved");
  await expect(page.getByTestId("sdk-release-open")).toBeDisabled();
  await shot(page, "sdk-release-unset-en");
  await page.getByTestId("sdk-release-open-git").click();
  await expect(page.getByRole("tab", { name: "Git settings", exact: true })).toHaveAttribute("aria-selected", "true");

  await saveSettings(request, id, "@e2e/pets-sdk", true);
  await openRelease(page, id, "SDKs", "Release");
  await expect(page.getByTestId("sdk-release-settings")).toContainText("@e2e/pets-sdk");
  await expect(page.getByTestId("sdk-release-settings")).toContainText(gitServer.url);
  await page.getByTestId("sdk-release-open").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("sdk-plan")).toHaveText("Empty: 1.0.0 (first release)");
  await expect(dialog).toContainText(registry.url);
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
  await page.getByTestId("sdk-release-open").click();
  const again = page.getByRole("dialog");
  await expect(again.getByTestId("sdk-plan")).toContainText("1.0.1");
  await again.getByLabel("Version").fill("1.0.0");
  await again.getByTestId("sdk-release-start").click();
  await expect(page.getByText(/already has this version/).first()).toBeVisible();
  expect(errors).toEqual([]);
});

test("取消一次发布：任务停止，注册表里没有这个版本", async ({ page, baseURL, request }) => {
  await setLocale(page, "zh-CN", baseURL!);
  const id = await onlineApi(request, `pets-cancel-${Date.now()}`);
  await saveSettings(request, id, "pets-cancel-sdk", false);
  await openRelease(page, id, "SDK", "发布");
  await expect(page.getByTestId("sdk-release-settings")).toContainText("pets-cancel-sdk");
  await page.getByTestId("sdk-release-open").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("sdk-plan")).toContainText("1.0.0");
  await expect(dialog).toContainText("未保存 Git 仓库");
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
