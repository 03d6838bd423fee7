import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { FIELD_ERROR, setLocale, shot } from "./helpers";
import { SDK_E2E_HOST } from "../playwright.config";

test.describe.configure({ timeout: 240_000 });

const SWAGGER2 = `swagger: "2.0"
info: { title: Pet store, version: "1.0" }
paths:
  /pets:
    get:
      summary: List pets
      responses: { "200": { description: the pets } }
  /pets/{id}:
    get:
      summary: One pet
      parameters: [{ name: id, in: path, required: true, type: string }]
      responses: { "200": { description: one pet } }
`;
const OPENAPI31 = JSON.stringify({
  openapi: "3.1.0",
  info: { title: "Pet store", version: "2.0" },
  paths: {
    "/pets": { get: { summary: "List pets", responses: { "200": { description: "the pets" } } }, post: { responses: { "201": { description: "created" } } } },
  },
});

function watchErrors(page: Page) {
  const errors: string[] = [];
  page.on("console", (m) => {
    // The refusals this test asks for (a broken document, a bad suffix) are the browser's 400s.
    if (m.type() === "error" && !/status of 400 \(Bad Request\)/.test(m.text())) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  return errors;
}

async function paste(page: Page, text: string) {
  await page.getByTestId("revision-import").click();
  await page
    .getByTestId("import-kind")
    .getByText(/Paste|粘贴/)
    .click();
  await page.getByTestId("import-text").fill(text);
  await page.getByTestId("revision-import-save").click();
}

test("an administrator versions an API, imports revisions, sees the breaking change, puts them online and keeps release notes", async ({
  page,
  baseURL,
  request,
}) => {
  const errors = watchErrors(page);
  await setLocale(page, "en", baseURL!);
  const name = `pets-${Date.now()}`;
  const created = await request.post("/api/v1/api-resources", { data: { name, displayName: "Pet store" } });
  expect(created.status()).toBe(200);
  const api = (await created.json()) as { id: string };

  await page.goto(`/api-resources/${api.id}`);
  await page.getByRole("tab", { name: "Versions" }).click();
  await expect(page.getByTestId("versions-empty")).toBeVisible();
  await page.getByTestId("version-new").click();
  await page.getByTestId("version-name").fill("v 1");
  await page.getByTestId("version-save").click();
  await expect(page.locator(FIELD_ERROR)).toContainText("starts with a letter or digit");
  await page.getByTestId("version-name").fill("v1");
  await expect(page.locator(FIELD_ERROR)).toHaveCount(0);
  await page.getByTestId("version-save").click();
  await expect(page.getByText("Version v1 created")).toBeVisible();

  // A broken document: refused with where, and nothing is listed.
  await paste(page, '{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"descriptio":"x"}}}}}}');
  await expect(page.getByTestId("document-problems")).toContainText("paths › /a › get › responses › 200");
  await shot(page, "api-publishing-import-error-en");
  await page.getByTestId("import-text").fill(SWAGGER2);
  await page.getByTestId("revision-import-save").click();
  await expect(page.getByText("Revision 1 imported")).toBeVisible();
  const table = page.getByRole("tabpanel").locator(".ant-table-tbody");
  await expect(table).toContainText("swagger-2.0 · YAML");

  await page.getByTestId("online-1").click();
  await page.getByTestId("online-notes").fill("First release of the pets");
  await page.getByTestId("online-confirm").click();
  await expect(page.getByText("Revision 1 is online in v1")).toBeVisible();

  // Revision 2 removes GET /pets/{id}: breaking, marked, and asked about.
  await paste(page, OPENAPI31);
  await expect(page.getByText("Revision 2 imported")).toBeVisible();
  await page.getByTestId("changelog-2").click();
  await expect(page.getByTestId("breaking-summary")).toBeVisible();
  await expect(page.getByTestId("changelog")).toContainText("Removed");
  await expect(page.getByTestId("changelog")).toContainText("/pets/{id}");
  await expect(page.getByTestId("changelog")).toContainText("Added");
  await shot(page, "api-publishing-changelog-en");
  await page.keyboard.press("Escape");
  await page.getByTestId("online-2").click();
  await expect(page.getByTestId("online-breaking")).toContainText("a new version (e.g. v2)");
  await expect(page.getByTestId("online-confirm")).toBeDisabled();
  await page.getByTestId("online-breaking-confirm").click();
  await page.getByTestId("online-notes").fill("POST /pets; GET /pets/{id} is gone");
  await page.getByTestId("online-confirm").click();
  await expect(page.getByText("Revision 2 is online in v1")).toBeVisible();
  await shot(page, "api-publishing-versions-en");

  // Release notes: listed newest first, edited.
  await page.getByRole("tab", { name: "Release notes" }).click();
  const releases = page.getByRole("tabpanel").locator("tr.ant-table-row");
  await expect(releases.first()).toContainText("GET /pets/{id} is gone");
  await page.getByTestId("release-edit-1").click();
  await page.getByTestId("release-notes").fill("First release, edited");
  await page.getByTestId("release-save").click();
  await expect(releases.last()).toContainText("First release, edited");

  // Publishing settings are kept.
  await page.getByRole("tab", { name: "Publishing" }).click();
  await page.getByTestId("publish-suffix").fill("pets-1");
  await page.getByTestId("publish-save").click();
  await expect(page.locator(FIELD_ERROR)).toContainText("Letters and digits only");
  await page.getByTestId("publish-suffix").fill(`pets${Date.now() % 100000}`);
  await page.getByTestId("publish-backend").fill("https://pets.example.com/api");
  await page.getByTestId("publish-save").click();
  await expect(page.getByText("Publishing settings saved")).toBeVisible();
  const config = (await (await request.get(`/api/v1/api-resources/${api.id}/publish-config`)).json()) as { backendUrl: string };
  expect(config.backendUrl).toBe("https://pets.example.com/api");

  // The private preview renders the revision's reference.
  await page.getByRole("tab", { name: "Versions" }).click();
  await page.getByTestId("preview-1").click();
  await expect(page.getByTestId("api-reference")).toContainText("One pet", { timeout: 90_000 });
  await shot(page, "api-publishing-preview-en");

  // The same pages in Chinese.
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto(`/api-resources/${api.id}`);
  await page.getByRole("tab", { name: "版本" }).click();
  await expect(page.getByRole("tabpanel").locator(".ant-table-tbody")).toContainText("在线");
  await shot(page, "api-publishing-versions-zh");
  await page.getByTestId("changelog-2").click();
  await expect(page.getByTestId("changelog")).toContainText("删除");
  await shot(page, "api-publishing-changelog-zh");
  await page.keyboard.press("Escape");
  await page.getByRole("tab", { name: "发布说明" }).click();
  await shot(page, "api-publishing-releases-zh");
  await page.getByRole("tab", { name: "发布设置" }).click();
  await shot(page, "api-publishing-settings-zh");
  expect(errors).toEqual([]);
});

test("an administrator bundles API versions into a product, in both languages", async ({ page, baseURL, request }) => {
  const errors = watchErrors(page);
  const name = `shop-${Date.now()}`;
  const api = (await (await request.post("/api/v1/api-resources", { data: { name } })).json()) as { id: string };
  expect((await request.post(`/api/v1/api-resources/${api.id}/versions`, { data: { name: "v1" } })).status()).toBe(200);

  await setLocale(page, "en", baseURL!);
  await page.goto("/api-products");
  await page.getByTestId("apiproduct-new").click();
  await page.getByTestId("apiproduct-name").fill("has space");
  await page.getByTestId("apiproduct-save").click();
  await expect(page.locator(FIELD_ERROR).first()).toBeVisible();
  await page.getByTestId("apiproduct-name").fill(`${name}-basic`);
  await page.getByTestId("apiproduct-versions").click();
  await page.locator(".ant-select-item-option", { hasText: `${name} v1` }).click();
  await page.keyboard.press("Escape");
  await page.getByTestId("apiproduct-published").click();
  await page.getByTestId("apiproduct-save").click();
  const row = page.locator("tr.ant-table-row", { hasText: `${name}-basic` });
  await expect(row).toContainText(`${name} v1`);
  await expect(row).toContainText("Published");
  await shot(page, "api-products-en");
  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/api-products");
  await expect(page.locator("tr.ant-table-row", { hasText: `${name}-basic` })).toContainText("已发布");
  await shot(page, "api-products-zh");
  expect(errors).toEqual([]);
});

test("anyone reads a published API on the tenant's developer portal, in both languages", async ({ baseURL, request, browser }) => {
  const name = `portal-${Date.now()}`;
  const api = (await (await request.post("/api/v1/api-resources", { data: { name, displayName: "Weather" } })).json()) as { id: string };
  const v1 = (await (await request.post(`/api/v1/api-resources/${api.id}/versions`, { data: { name: "v1" } })).json()) as { id: string };
  const rev = await request.post(`/api/v1/api-resources/${api.id}/revisions`, { data: { versionId: v1.id, source: { kind: "text", text: SWAGGER2 } } });
  expect(rev.status()).toBe(200);
  const revision = (await rev.json()) as { id: string };
  expect((await request.post(`/api/v1/api-revisions/${revision.id}/online`, { data: { notes: "The first forecast" } })).status()).toBe(200);
  expect(
    (
      await request.post("/api/v1/api-products", {
        data: { name: `${name}-free`, displayName: "Free tier", versionIds: [v1.id], published: true, requestLimit: 60 },
      })
    ).status(),
  ).toBe(200);

  // A visitor who is not signed in.
  const visitor = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const anon = await visitor.newPage();
  const errors = watchErrors(anon);
  await setLocale(anon, "en", baseURL!);
  await anon.goto("/portal");
  const card = anon.getByTestId("portal-api").filter({ hasText: "Weather" });
  await expect(card).toContainText("v1");
  await expect(card).toContainText("Free tier");
  await shot(anon, "portal-home-en");
  await card.click();
  await expect(anon.getByTestId("api-reference")).toContainText("One pet", { timeout: 90_000 });
  await anon.getByRole("tab", { name: "Changelog" }).click();
  await expect(anon.getByTestId("portal-changelog")).toContainText("The first forecast");
  await anon.getByTestId("portal-subscribe-email").fill("not an email");
  await anon.getByTestId("portal-subscribe-submit").click();
  await expect(anon.locator(FIELD_ERROR)).toBeVisible();
  await shot(anon, "portal-api-en");
  await setLocale(anon, "zh-CN", baseURL!);
  await anon.reload();
  await expect(anon.getByRole("tab", { name: "变更记录" })).toBeVisible();
  await expect(anon.getByTestId("portal-subscribe")).toContainText("发布邮件");
  await shot(anon, "portal-api-zh");
  expect(errors).toEqual([]);
  await visitor.close();
});

test("a signed-in user subscribes to a product on the portal, copies the secret once, rotates and cancels; the approval waits for the console", async ({
  page,
  baseURL,
  request,
  browser,
}) => {
  const name = `subs-${Date.now()}`;
  const scope = `${name}.read`;
  expect((await request.post("/api/v1/api-scopes", { data: { name: scope } })).status()).toBe(200);
  const api = (await (await request.post("/api/v1/api-resources", { data: { name, displayName: "Orders", scopes: [scope] } })).json()) as { id: string };
  const v1 = (await (await request.post(`/api/v1/api-resources/${api.id}/versions`, { data: { name: "v1" } })).json()) as { id: string };
  const rev = (await (
    await request.post(`/api/v1/api-resources/${api.id}/revisions`, { data: { versionId: v1.id, source: { kind: "text", text: SWAGGER2 } } })
  ).json()) as { id: string };
  expect((await request.post(`/api/v1/api-revisions/${rev.id}/online`, { data: { notes: "first" } })).status()).toBe(200);
  for (const [suffix, displayName, approvalRequired] of [
    ["basic", "Orders basic", false],
    ["gated", "Orders gated", true],
  ] as const)
    expect(
      (
        await request.post("/api/v1/api-products", {
          data: { name: `${name}-${suffix}`, displayName, versionIds: [v1.id], published: true, approvalRequired, requestLimit: 60 },
        })
      ).status(),
    ).toBe(200);

  // A visitor is asked to sign in first.
  const visitor = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const anon = await visitor.newPage();
  await setLocale(anon, "en", baseURL!);
  await anon.goto(`/portal/apis/${api.id}`);
  await anon.getByRole("tab", { name: "Products" }).click();
  await expect(anon.getByTestId("portal-product-signin").first()).toHaveAttribute("href", `/login?callbackUrl=${encodeURIComponent(`/portal/apis/${api.id}`)}`);
  await visitor.close();

  const errors = watchErrors(page);
  await setLocale(page, "en", baseURL!);
  await page.goto(`/portal/apis/${api.id}`);
  await page.getByRole("tab", { name: "Products" }).click();
  const basic = page.locator(".ant-card").filter({ hasText: "Orders basic" });
  await basic.getByTestId("portal-product-subscribe").click();
  await expect(page.getByTestId("portal-key-secret")).toContainText("ucs_");
  await shot(page, "portal-subscribed-en");
  await page.getByTestId("portal-key-done").click();
  const gated = page.locator(".ant-card").filter({ hasText: "Orders gated" });
  await gated.getByTestId("portal-product-subscribe").click();
  await expect(page.getByRole("dialog")).toContainText("waiting for approval");
  await page.getByTestId("portal-key-done").click();

  await page.getByTestId("portal-my-subscriptions").click();
  const rows = page.getByTestId("portal-subscriptions");
  await expect(rows).toContainText("Orders basic");
  await expect(rows.locator("tr").filter({ hasText: "Orders gated" })).toContainText("Pending approval");
  await rows.locator("tr").filter({ hasText: "Orders basic" }).getByTestId("portal-rotate-key").click();
  await page.locator(".ant-popconfirm .ant-btn-primary").click();
  await expect(page.getByTestId("portal-key-secret")).toContainText("ucs_");
  await page.getByTestId("portal-key-done").click();
  await shot(page, "portal-subscriptions-en");

  // The console approves the gated one.
  await page.goto(`/api-products?name=${name}-gated`);
  await page.getByTestId("apiproduct-subscriptions").first().click();
  await page.getByTestId("subscription-approve").click();
  await page.locator(".ant-popconfirm .ant-btn-primary").click();
  await expect(page.locator(".ant-drawer")).toContainText("Active");
  await shot(page, "apiproduct-subscriptions-en");

  await setLocale(page, "zh-CN", baseURL!);
  await page.goto("/portal/subscriptions");
  await expect(page.getByTestId("portal-subscriptions").locator("tr").filter({ hasText: "Orders gated" })).toContainText("生效中");
  await page.getByTestId("portal-subscriptions").locator("tr").filter({ hasText: "Orders gated" }).getByTestId("portal-cancel-subscription").click();
  await page.locator(".ant-popconfirm .ant-btn-primary").click();
  await expect(page.getByTestId("portal-subscriptions").locator("tr").filter({ hasText: "Orders gated" })).toContainText("已取消");
  await shot(page, "portal-subscriptions-zh");
  expect(errors).toEqual([]);
});

test("an administrator offers another authorization server, reads an API's gateway traffic and revokes a subscription; the portal shows it revoked", async ({
  page,
  baseURL,
  request,
}) => {
  const errors = watchErrors(page);
  const name = `gaps-${Date.now()}`;
  const scope = `${name}.read`;
  const resource = `urn:e2e:${name}`;
  expect((await request.post("/api/v1/api-scopes", { data: { name: scope } })).status()).toBe(200);
  const api = (await (await request.post("/api/v1/api-resources", { data: { name: resource, displayName: "Gaps", scopes: [scope] } })).json()) as {
    id: string;
  };
  const v1 = (await (await request.post(`/api/v1/api-resources/${api.id}/versions`, { data: { name: "v1" } })).json()) as { id: string };
  const rev = (await (
    await request.post(`/api/v1/api-resources/${api.id}/revisions`, { data: { versionId: v1.id, source: { kind: "text", text: SWAGGER2 } } })
  ).json()) as { id: string };
  expect((await request.post(`/api/v1/api-revisions/${rev.id}/online`, { data: { notes: "first" } })).status()).toBe(200);
  const suffix = `g${Date.now()}`;
  expect((await request.put(`/api/v1/api-resources/${api.id}/publish-config`, { data: { suffix, scopes: [scope] } })).status()).toBe(200);
  const product = (await (
    await request.post("/api/v1/api-products", {
      data: { name: `${name}-p`, displayName: "Gaps product", versionIds: [v1.id], published: true, requestLimit: 60 },
    })
  ).json()) as { id: string };

  // The publish form offers the tenant's own provider first; another is added by discovery URL (a private address is refused).
  await setLocale(page, "en", baseURL!);
  await page.goto(`/api-resources/${api.id}`);
  await page.getByRole("tab", { name: "Traffic" }).click();
  await expect(page.getByTestId("traffic-empty")).toBeVisible();
  await page.getByRole("tab", { name: "Publishing" }).click();
  await expect(page.getByTestId("publish-auth-server")).toContainText("This tenant's own OpenID Provider");
  await page.getByTestId("auth-servers-manage").click();
  const drawer = page.locator(".ant-drawer").filter({ hasText: "Authorization servers" });
  await expect(drawer.getByTestId("auth-servers")).toContainText(baseURL!);
  await drawer.getByTestId("auth-server-name").fill("Partner");
  await drawer.getByTestId("auth-server-discovery").fill("https://login.example.com/keys");
  await drawer.getByTestId("auth-server-add").click();
  await expect(drawer.locator(FIELD_ERROR).first()).toContainText("discovery URL");
  await drawer.getByTestId("auth-server-discovery").fill("https://10.0.0.1/.well-known/openid-configuration");
  await drawer.getByTestId("auth-server-add").click();
  await expect(drawer.getByRole("alert").or(drawer.locator(FIELD_ERROR)).first()).toContainText(/private|public|did not answer/);
  await shot(page, "api-auth-servers-en");
  await page.keyboard.press("Escape");

  // A subscription's token through the gateway (no backend configured: 502 once the token passed).
  const issued = (await (await request.post("/api/v1/portal/subscriptions", { data: { productId: product.id } })).json()) as {
    clientId: string;
    clientSecret: string;
    subscription: { id: string };
  };
  const tokenRes = await request.post("/oidc/token", {
    headers: { authorization: `Basic ${Buffer.from(`${issued.clientId}:${issued.clientSecret}`).toString("base64")}` },
    form: { grant_type: "client_credentials", resource, scope },
  });
  expect(tokenRes.status()).toBe(200);
  const accessToken = ((await tokenRes.json()) as { access_token: string }).access_token;
  const viaGateway = () => request.get(`/gateway/${suffix}/v1/pets`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect((await viaGateway()).status()).toBe(502);
  expect((await viaGateway()).status()).toBe(502);

  // The Traffic tab counts them per version and subscription (written every few seconds).
  await expect(async () => {
    await page.goto(`/api-resources/${api.id}`);
    await page.getByRole("tab", { name: "Traffic" }).click();
    await expect(page.getByTestId("traffic-total")).toContainText("2", { timeout: 3000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByTestId("traffic-rows")).toContainText("Gaps product");
  await page.getByTestId("traffic-window").getByText("30 days").click();
  await expect(page.getByTestId("traffic-total")).toContainText("2");
  // The chart (recharts loads after the page) draws the calls' bar.
  await expect(page.getByTestId("traffic-tab").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await shot(page, "api-traffic-en");

  // The console revokes it (with confirmation): the gateway refuses the token at once.
  await page.goto(`/api-products?name=${name}-p`);
  await page.getByTestId("apiproduct-subscriptions").first().click();
  await page.getByTestId("subscription-revoke").click();
  await expect(page.locator(".ant-popconfirm")).toContainText("gateway refuses its tokens");
  await page.locator(".ant-popconfirm .ant-btn-primary").click();
  await expect(page.locator(".ant-drawer")).toContainText("Revoked");
  expect((await viaGateway()).status()).toBe(401);
  await shot(page, "apiproduct-subscriptions-revoked-en");

  // The subscriber sees it revoked, in both languages.
  await page.goto("/portal/subscriptions");
  const row = page.getByTestId("portal-subscriptions").locator("tr").filter({ hasText: "Gaps product" });
  await expect(row).toContainText("Revoked");
  await expect(row.getByTestId("portal-rotate-key")).toHaveCount(0);
  await setLocale(page, "zh-CN", baseURL!);
  await page.reload();
  await expect(page.getByTestId("portal-subscriptions").locator("tr").filter({ hasText: "Gaps product" })).toContainText("已撤销");
  await shot(page, "portal-subscriptions-revoked-zh");
  await page.goto(`/api-resources/${api.id}`);
  await page.getByRole("tab", { name: "流量" }).click();
  await expect(page.getByTestId("traffic-total")).toBeVisible();
  await expect(page.getByTestId("traffic-tab").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await shot(page, "api-traffic-zh");
  await page.getByRole("tab", { name: "发布设置" }).click();
  await expect(page.getByTestId("publish-auth-server")).toContainText("本租户自己的 OpenID Provider");
  await page.getByTestId("auth-servers-manage").click();
  await expect(page.locator(".ant-drawer").filter({ hasText: "授权服务器" }).getByTestId("auth-servers")).toBeVisible();
  await shot(page, "api-auth-servers-zh");
  await page.keyboard.press("Escape");
  await page.goto(`/api-products?name=${name}-p`);
  await page.getByTestId("apiproduct-subscriptions").first().click();
  await expect(page.locator(".ant-drawer")).toContainText("已撤销");
  await shot(page, "apiproduct-subscriptions-revoked-zh");
  // The one 502 the page saw is the refused discovery fetch this test asked for (300046 is a 502: the other server failed).
  expect(errors.filter((e) => !/status of 502 \(Bad Gateway\)/.test(e))).toEqual([]);
});

test("an import by URL runs as a job: the drawer shows its steps, then the revision; a refused address fails with its reason", async ({
  page,
  baseURL,
  request,
}) => {
  const errors = watchErrors(page);
  // The document server listens on the one loopback address the e2e server lets through its outbound guard.
  const docs = http.createServer((req, res) => {
    if (req.url === "/pets.yaml") res.writeHead(200, { "content-type": "application/yaml" }).end(SWAGGER2);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => docs.listen(0, SDK_E2E_HOST, r));
  const url = `http://${SDK_E2E_HOST}:${(docs.address() as AddressInfo).port}/pets.yaml`;
  try {
    await setLocale(page, "en", baseURL!);
    const created = await request.post("/api/v1/api-resources", { data: { name: `byurl-${Date.now()}`, displayName: "Pets by URL" } });
    const api = (await created.json()) as { id: string };
    const v1 = (await (await request.post(`/api/v1/api-resources/${api.id}/versions`, { data: { name: "v1" } })).json()) as { id: string };

    await page.goto(`/api-resources/${api.id}`);
    await page.getByRole("tab", { name: "Versions" }).click();
    const fromUrl = async (address: string) => {
      await page.getByTestId("revision-import").click();
      await page
        .getByTestId("import-kind")
        .getByText(/From a URL|从网址获取/)
        .click();
      await page.getByTestId("import-url").fill(address);
      await page.getByTestId("revision-import-save").click();
    };

    // Loopback (not the allowed address) is refused when the job fetches it: failed at that step, the reason on the field.
    await fromUrl("http://127.0.0.1:9/openapi.yaml");
    await expect(page.getByTestId("job-progress")).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
    await expect(page.getByTestId("job-progress")).toHaveAttribute("data-step", "fetch");
    await expect(page.locator(FIELD_ERROR)).toContainText("Only public addresses are fetched");
    await page.getByTestId("import-url").fill(url);
    await page.getByTestId("revision-import-save").click();
    await expect(page.getByTestId("job-progress")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
    await expect(page.getByTestId("job-steps")).toContainText("Fetch");
    await expect(page.getByTestId("import-done")).toContainText("Revision 1 imported");
    await expect(page.getByTestId("import-done")).toContainText("2 operations");
    await shot(page, "api-publishing-import-url-en");
    await page.keyboard.press("Escape");
    await expect(page.getByRole("tabpanel").locator(".ant-table-tbody")).toContainText("swagger-2.0 · YAML");

    // The REST mirror answers the job at once; GET /jobs/{id} follows it to the revision.
    const started = await request.post(`/api/v1/api-resources/${api.id}/revisions`, { data: { versionId: v1.id, source: { kind: "url", url } } });
    expect(started.status()).toBe(200);
    const { jobId } = (await started.json()) as { jobId: string };
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(async () => ((await (await request.get(`/api/v1/jobs/${jobId}`)).json()) as { status: string }).status, { timeout: 30_000 }).toBe("done");
    const job = (await (await request.get(`/api/v1/jobs/${jobId}`)).json()) as { kind: string; steps: string[]; result: { revision: { number: number } } };
    expect(job).toMatchObject({ kind: "api.import", steps: ["fetch", "parse", "import", "record"], result: { revision: { number: 2 } } });
    expect(errors).toEqual([]);
  } finally {
    await new Promise<void>((r) => docs.close(() => r()));
  }
});
