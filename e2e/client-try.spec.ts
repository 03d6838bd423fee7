/**
 * A client's Integration tab and its Try it, in Chromium with the operator's console session
 * (the default tenant's administrator): the provider's own issuer and endpoints, code samples
 * with this client's values, then Try it — the code flow with PKCE against the client itself,
 * through our consent page — ending on the console with the decoded, verified ID token.
 * Both languages.
 */
import { expect, test, type Page } from "@playwright/test";
import { setLocale, shot } from "./helpers";

test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

let client: { id: string; clientId: string };

test.beforeAll(async ({ playwright, baseURL }) => {
  const operator = await playwright.request.newContext({ baseURL, storageState: "e2e/.auth/operator.json" });
  const res = await operator.post("/api/v1/clients", {
    headers: { origin: baseURL! },
    data: { name: "E2E Try App", grantTypes: ["authorization_code", "refresh_token"], redirectUris: ["https://app.example.com/callback"], scopes: [] },
  });
  expect(res.status(), await res.text()).toBe(200);
  client = (await res.json()) as { id: string; clientId: string };
  // A confidential client: Try it must create (and then delete) a short-lived secret of its own.
  const secret = await operator.post(`/api/v1/clients/${client.id}/secrets`, { headers: { origin: baseURL! }, data: { description: "app" } });
  expect(secret.status()).toBe(200);
  await operator.dispose();
});

test.afterAll(async ({ playwright, baseURL }) => {
  const operator = await playwright.request.newContext({ baseURL, storageState: "e2e/.auth/operator.json" });
  if (client) await operator.delete(`/api/v1/clients/${client.id}`, { headers: { origin: baseURL! } });
  await operator.dispose();
});

/** `consent`: whether our consent page shows (the first run; it remembers the choice, so the next run of the same user and app goes straight through). */
async function tryIt(
  page: Page,
  baseURL: string,
  text: { tab: string; button: string; allow: string; consentTitle: RegExp; ok: RegExp },
  lang: string,
  consent: boolean,
) {
  await page.goto(`/clients/${client.id}`);
  await page.getByRole("tab", { name: text.tab }).click();
  await expect(page).toHaveURL(/tab=integration/);
  await expect(page.getByTestId("integration-issuer")).toHaveText(baseURL);
  await expect(page.getByTestId("integration-discovery")).toHaveText(`${baseURL}/.well-known/openid-configuration`);
  await expect(page.getByTestId("integration-token")).toHaveText(`${baseURL}/oidc/token`);
  await expect(page.getByTestId("integration-client-id")).toHaveText(client.clientId);
  const sample = page.getByTestId("sample-nextauth");
  await expect(sample).toContainText(`wellKnown: "${baseURL}/.well-known/openid-configuration"`);
  await expect(sample).toContainText(`clientId: "${client.clientId}"`);
  await expect(sample).toContainText('checks: ["pkce", "state"]');
  await expect(sample).toContainText('token_endpoint_auth_method: "client_secret_basic"');
  await shot(page, `client-integration-${lang}`);

  await expect(page.getByTestId("try-it")).toContainText(text.button);
  await page.getByTestId("try-it").click();
  // Our consent page (the client is not first-party); the operator's console session signs in without a prompt.
  if (consent) {
    await expect(page.getByRole("heading", { name: text.consentTitle })).toBeVisible();
    await shot(page, `client-try-consent-${lang}`);
    await page.getByRole("button", { name: text.allow }).click();
  }

  await expect(page).toHaveURL(new RegExp(`/clients/${client.id}\\?tab=integration&run=`));
  await expect(page.getByTestId("try-result")).toBeVisible();
  await expect(page.getByText(text.ok)).toBeVisible();
  const claims = JSON.parse(await page.getByTestId("try-id-claims").innerText()) as Record<string, unknown>;
  expect(claims.iss).toBe(baseURL);
  expect(claims.aud).toBe(client.clientId);
  expect(typeof claims.sub).toBe("string");
  const header = JSON.parse(await page.getByTestId("try-id-header").innerText()) as Record<string, unknown>;
  expect(header.alg).toBe("ES256");
  const userinfo = JSON.parse(await page.getByTestId("try-userinfo").innerText()) as Record<string, unknown>;
  expect(userinfo.sub).toBe(claims.sub);
  await expect(page.getByTestId("try-access-token")).not.toBeEmpty();
  await shot(page, `client-try-result-${lang}`);
}

test("Chinese: the Integration tab shows the provider's issuer and Try it shows the decoded ID token", async ({ page, baseURL }) => {
  await setLocale(page, "zh-CN", baseURL!);
  await tryIt(page, baseURL!, { tab: "接入信息", button: "试一试", allow: "允许", consentTitle: /E2E Try App/, ok: /登录成功/ }, "zh", true);
});

test("English: the same, and the run's secret is gone afterwards", async ({ page, baseURL, playwright }) => {
  await setLocale(page, "en", baseURL!);
  await tryIt(page, baseURL!, { tab: "Integration", button: "Try it", allow: "Allow", consentTitle: /Allow E2E Try App/, ok: /Signed in/ }, "en", false);
  const operator = await playwright.request.newContext({ baseURL, storageState: "e2e/.auth/operator.json" });
  const detail = (await (await operator.get(`/api/v1/clients/${client.id}`)).json()) as { secrets: { description: string | null }[] };
  expect(detail.secrets.map((s) => s.description)).toEqual(["app"]);
  await operator.dispose();
});
