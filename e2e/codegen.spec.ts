import { readFileSync } from "node:fs";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { FIELD_ERROR, setLocale, shot } from "./helpers";

test.describe.configure({ timeout: 240_000 });
// Wide enough that the API resource page's eleven tabs all show (narrower, antd folds the last into a menu).
test.use({ viewport: { width: 1680, height: 1000 } });

const PETS = {
  openapi: "3.1.0",
  info: { title: "Pet store", version: "1.0.0" },
  servers: [{ url: "https://pets.example.com" }],
  paths: {
    "/pets": {
      get: {
        operationId: "listPets",
        tags: ["pets"],
        responses: {
          "200": { description: "ok", content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Pet" } } } } },
        },
      },
      post: {
        operationId: "createPet",
        tags: ["pets"],
        requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } } },
        responses: { "201": { description: "created" } },
      },
    },
  },
  components: { schemas: { Pet: { type: "object", required: ["name"], properties: { name: { type: "string" }, tag: { type: ["string", "null"] } } } } },
};

function watchErrors(page: Page) {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 400 \(Bad Request\)/.test(m.text())) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  return errors;
}

/** An API whose first revision of v1 (the document given) is online, made through the REST mirror. */
async function onlineApi(request: APIRequestContext, name: string, doc: unknown) {
  const api = (await (await request.post("/api/v1/api-resources", { data: { name, displayName: "Pet store" } })).json()) as { id: string };
  const version = (await (await request.post(`/api/v1/api-resources/${api.id}/versions`, { data: { name: "v1" } })).json()) as { id: string };
  const imported = await request.post(`/api/v1/api-resources/${api.id}/revisions`, {
    data: { versionId: version.id, source: { kind: "text", text: JSON.stringify(doc) } },
  });
  expect(imported.status()).toBe(200);
  const rev = (await imported.json()) as { id: string };
  expect((await request.post(`/api/v1/api-revisions/${rev.id}/online`, { data: {} })).status()).toBe(200);
  return api;
}

async function previewAndBrowse(page: Page, generatorId: string, entry: RegExp, language: string) {
  // antd puts the test id on the radio's hidden input: click its label.
  await page.locator(`label:has([data-testid="generator-${generatorId}"])`).click();
  await page.getByTestId("preview-generate").click();
  await expect(page.getByTestId("preview-progress")).toBeVisible();
  await expect(page.getByTestId("preview-tree")).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId("preview-done")).toBeVisible();
  await page.getByTestId("preview-tree").getByText(entry).first().click();
  const code = page.getByTestId("code-view");
  await expect(code).toHaveAttribute("data-language", language);
  // Highlighted: the code is split into highlight.js's spans.
  await expect(code.locator("span.hljs-keyword").first()).toBeVisible();
}

test("an administrator previews a TypeScript SDK, browses its files with highlighting and downloads the zip (English)", async ({ page, baseURL, request }) => {
  const errors = watchErrors(page);
  await setLocale(page, "en", baseURL!);
  const api = await onlineApi(request, `pets-sdk-${Date.now()}`, PETS);
  await page.goto(`/api-resources/${api.id}`);
  await page.getByRole("tab", { name: "SDKs" }).click();
  await expect(page.getByText("No preview yet")).toBeVisible();
  // The Java family is offered only where a Java runtime is found; otherwise greyed with why.
  const unavailable = page.locator('[data-testid^="generator-unavailable-"]');
  if (await unavailable.count()) await expect(unavailable.first()).toHaveAttribute("data-reason", /Java/);

  // Package settings: a bad name is refused in place, a good one saved; the token is never shown again.
  await page.getByRole("tab", { name: "Package settings" }).click();
  await expect(page.getByTestId("npm-readme")).toContainText("npm install");
  await page.getByTestId("npm-packageName").fill("../Evil");
  await page.getByTestId("npm-save").click();
  await expect(page.locator(FIELD_ERROR)).toContainText("Lower-case letters");
  await page.getByTestId("npm-packageName").fill("@acme/pets");
  await page.getByTestId("npm-className").fill("PetsClient");
  await page.getByTestId("npm-token").fill("npm_e2e_secret");
  await page.getByTestId("npm-save").click();
  await expect(page.getByText("Settings saved")).toBeVisible();
  await expect(page.getByText("A token is stored; leave empty to keep it")).toBeVisible();
  await expect(page.getByTestId("npm-token")).toHaveValue("");
  await shot(page, "codegen-npm-settings-en");

  await page.getByRole("tab", { name: "Common settings" }).click();
  await page.getByTestId("common-baseUrl").fill("https://api.pets.example.com/v1");
  await page.getByTestId("common-save").click();
  // The package settings' toast may still show.
  await expect(page.getByText("Settings saved").last()).toBeVisible();
  await expect(page.getByTestId("common-baseUrl")).toHaveValue("https://api.pets.example.com/v1");

  await page.getByRole("tab", { name: "Generate and preview" }).click();
  await previewAndBrowse(page, "typescript", /^sdk\.gen\.ts$/, "typescript");
  await expect(page.getByTestId("code-view")).toContainText("export class PetsClient");
  // The root's client.gen.ts (folders come first, and client/ has one of that name too).
  await page
    .getByTestId("preview-tree")
    .getByText(/^client\.gen\.ts$/)
    .last()
    .click();
  await expect(page.getByTestId("code-view")).toContainText("https://api.pets.example.com/v1");
  await shot(page, "codegen-preview-typescript-en");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("preview-download").click()]);
  expect(download.suggestedFilename()).toMatch(/\.zip$/);
  const zip = readFileSync(await download.path());
  expect(zip.subarray(0, 2).toString()).toBe("PK");
  expect(zip.toString("latin1")).toContain("sdk.gen.ts");

  await page.getByRole("tab", { name: "SDK history" }).click();
  const history = page.getByTestId("codegen-history");
  await expect(history).toContainText("preview");
  await expect(history).toContainText("succeeded");
  await history.locator(".ant-table-row-expand-icon").first().click();
  await expect(page.getByTestId("history-log")).toContainText("generating with hey-api");
  await shot(page, "codegen-history-en");
  expect(errors).toEqual([]);
});

test("预览 Java 客户端并浏览文件（中文）", async ({ page, baseURL, request }) => {
  const errors = watchErrors(page);
  await setLocale(page, "zh-CN", baseURL!);
  const api = await onlineApi(request, `pets-sdk-zh-${Date.now()}`, PETS);
  await page.goto(`/api-resources/${api.id}`);
  await page.getByRole("tab", { name: "SDK", exact: true }).click();
  await expect(page.getByText("还没有预览")).toBeVisible();
  await previewAndBrowse(page, "java-jaxrs", /^PetsApi\.java$/, "java");
  await expect(page.getByTestId("code-view")).toContainText("interface PetsApi");
  await shot(page, "codegen-preview-java-zh");
  await page.getByRole("tab", { name: "发布记录" }).click();
  await expect(page.getByTestId("codegen-history")).toContainText("成功");
  await page.getByRole("tab", { name: "Git 设置" }).click();
  await page.getByTestId("git-remoteUrl").fill("http://git.example.com/x.git");
  await page.getByTestId("git-save").click();
  await expect(page.locator(FIELD_ERROR)).toContainText("请使用 https:// 地址");
  await shot(page, "codegen-git-settings-zh");
  expect(errors).toEqual([]);
});

test("the large real-world description (GitHub's REST API, 356 operations) previews as TypeScript", async ({ request }) => {
  const doc: unknown = JSON.parse(readFileSync("e2e/fixtures/github-rest-subset.json", "utf8"));
  const api = await onlineApi(request, `github-sdk-${Date.now()}`, doc);
  const started = Date.now();
  const run = await request.post(`/api/v1/api-resources/${api.id}/codegen/previews`, { data: { generatorId: "typescript" }, timeout: 180_000 });
  expect(run.status()).toBe(200);
  const body = (await run.json()) as { id: string; status: string; fileCount: number };
  console.log(`GitHub subset preview: ${body.fileCount} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  expect(body.status).toBe("succeeded");
  const tree = (await (await request.get(`/api/v1/codegen/previews/${body.id}`)).json()) as { files: { path: string }[] };
  expect(tree.files.map((f) => f.path)).toContain("sdk.gen.ts");
});
