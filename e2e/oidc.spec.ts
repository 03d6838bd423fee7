import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import * as client from "openid-client";
import * as oauth from "oauth4webapi";
import { ADMIN_PASSWORD, latestCode, operatorApi, shot, solveCaptcha } from "./helpers";

// The default tenant's OpenID Provider with a real relying party (openid-client) in this process
// and the real login page in Chromium: discovery → authorize with PKCE → sign in → consent →
// code → ID token → userinfo → refresh, in both languages, and the refusals a browser sees.
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

/** The app's callback: never reached over the network, the browser's request is answered here. */
const REDIRECT = "https://rp.example.com/callback";

let operator: APIRequestContext;
let rp: { id: string; clientId: string; secret: string };
let foreign: { clientId: string };

async function createClient(baseURL: string, data: Record<string, unknown>) {
  const res = await operator.post("/api/v1/clients", {
    headers: { origin: baseURL },
    data: { grantTypes: ["authorization_code", "refresh_token"], redirectUris: [REDIRECT], scopes: [], ...data },
  });
  expect(res.status()).toBe(200);
  return (await res.json()) as { id: string; clientId: string };
}

test.beforeAll(async ({ playwright, baseURL }) => {
  operator = await operatorApi(playwright, baseURL!);
  const made = await createClient(baseURL!, { name: "E2E OIDC App" });
  const secret = await operator.post(`/api/v1/clients/${made.id}/secrets`, { headers: { origin: baseURL! }, data: {} });
  expect(secret.status()).toBe(200);
  rp = { id: made.id, clientId: made.clientId, secret: ((await secret.json()) as { secret: string }).secret };

  // A client of another tenant (its own host), for the refusal below.
  const tenant = await operator.post("/api/v1/tenants", {
    headers: { origin: baseURL! },
    data: { name: `OIDC other ${Date.now()}`, status: "enabled", hosts: [`oidc-${Date.now()}.test`], claims: [], properties: [] },
  });
  expect(tenant.status()).toBe(200);
  foreign = await createClient(baseURL!, { name: "Other tenant's app", tenantId: ((await tenant.json()) as { id: string }).id });
});
test.afterAll(() => operator?.dispose());

async function rpConfig(baseURL: string, clientId = rp.clientId, secret = rp.secret) {
  return client.discovery(new URL(baseURL), clientId, { redirect_uris: [REDIRECT] }, client.ClientSecretBasic(secret), {
    execute: [client.allowInsecureRequests],
  });
}

async function authorizeUrl(config: client.Configuration, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: "openid profile email offline_access",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    prompt: "consent",
    ...extra,
  });
  return { url, verifier, state, nonce };
}

/** Answers the browser's visit to the app's callback; `url` resolves with the URL it was sent to. */
async function catchCallback(page: Page): Promise<{ url: Promise<URL> }> {
  let resolve!: (url: URL) => void;
  const caught = new Promise<URL>((r) => (resolve = r));
  // The newest route handler answers first, so each call catches the next visit.
  await page.route("https://rp.example.com/**", async (route) => {
    const at = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: "text/plain", body: "back at the app" });
    resolve(at);
  });
  // Resolves once the page is at this very callback, so the next page.goto is not cut short by
  // this navigation. Not merely "somewhere at the app": a flow started from the app's page (SSO,
  // a remembered consent) runs through redirects only, so the page is still at the previous
  // callback when this one is caught, and such a wait would end before the navigation commits.
  const url = caught.then(async (at) => {
    await page.waitForURL((u) => u.href === at.href);
    return at;
  });
  return { url };
}

async function oauthErrorOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { error?: string }).error;
  }
  return undefined;
}

async function signIn(page: Page, labels: { ustr: RegExp; pwd: RegExp; submit: RegExp }) {
  await expect(page).toHaveURL(/\/login\?/);
  await page.getByLabel(labels.ustr).fill("admin");
  await page.getByLabel(labels.pwd).fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: labels.submit }).click();
}

test("an app signs the user in with the code flow: login page, consent, code, ID token, userinfo, refresh (English)", async ({ browser, baseURL }) => {
  const config = await rpConfig(baseURL!);
  const ctx = await browser.newContext({ locale: "en-US" });
  const page = await ctx.newPage();
  const callback = await catchCallback(page);
  const a = await authorizeUrl(config);

  await page.goto(a.url.href);
  await signIn(page, { ustr: /Phone, email or user name/, pwd: /^Password$/, submit: /^Sign in$/ });
  // Our consent page, in the browser's language, naming the app and what it asks for.
  await expect(page.getByRole("heading", { name: "Allow E2E OIDC App to use your account?" })).toBeVisible();
  await expect(page.getByText("Profile", { exact: true })).toBeVisible();
  await expect(page.getByText("Stay signed in to the app")).toBeVisible();
  await shot(page, "oidc-consent-en");
  await page.getByRole("button", { name: "Allow" }).click();

  const back = await callback.url;
  const tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });
  const claims = tokens.claims()!;
  expect(claims.iss).toBe(new URL(baseURL!).origin);
  expect(claims.aud).toBe(rp.clientId);
  expect(claims.amr).toEqual(["pwd"]);
  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  expect(info.preferred_username).toBe("admin");
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });

  // Single sign-on: the same browser authorizes again without the login page (consent again:
  // the reused refresh token above revoked the grant).
  const again = await authorizeUrl(config);
  const callback2 = await catchCallback(page);
  await page.goto(again.url.href);
  await expect(page.getByRole("heading", { name: "Allow E2E OIDC App to use your account?" })).toBeVisible();
  await page.getByRole("button", { name: "Allow" }).click();
  const back2 = await callback2.url;
  // The browser lands on the app's (answered) callback before it goes anywhere else.
  await page.waitForURL(/^https:\/\/rp\.example\.com\//);
  const t2 = await client.authorizationCodeGrant(config, back2, { pkceCodeVerifier: again.verifier, expectedState: again.state, expectedNonce: again.nonce });
  expect(t2.claims()!.sub).toBe(claims.sub);

  // My account → Connected apps: the app and what it was granted; revoking ends its tokens.
  await page.goto("/account?tab=apps");
  const apps = page.getByTestId("connected-apps");
  // Newest grant first (a retry on the same database finds the first attempt's too).
  const items = apps.locator(".ant-list-item");
  await expect(items.first()).toContainText("E2E OIDC App");
  await expect(items.first()).toContainText("offline_access");
  const before = await items.count();
  await shot(page, "oidc-connected-apps-en");
  await items.first().getByRole("button", { name: "Revoke access" }).click();
  await page.getByRole("button", { name: /^OK$|^Yes$/ }).click();
  if (before === 1) await expect(apps.getByText("No app signs you in through this account yet.")).toBeVisible();
  else await expect(items).toHaveCount(before - 1);
  expect(await oauthErrorOf(client.refreshTokenGrant(config, t2.refresh_token!))).toBe("invalid_grant");

  // The client's page shows what an app developer needs: issuer, discovery URL, client id.
  await page.goto(`/clients/${rp.id}`);
  const oidc = page.getByTestId("client-oidc");
  await expect(oidc.getByText(`${new URL(baseURL!).origin}/.well-known/openid-configuration`)).toBeVisible();
  await expect(oidc.getByText(rp.clientId)).toBeVisible();

  // A code is single use: the second exchange is refused (low-level client, so nothing stops the replay).
  const as = await oauth.processDiscoveryResponse(new URL(baseURL!), await oauth.discoveryRequest(new URL(baseURL!), { [oauth.allowInsecureRequests]: true }));
  const params = oauth.validateAuthResponse(as, { client_id: rp.clientId }, back2, again.state);
  const replay = await oauth.authorizationCodeGrantRequest(
    as,
    { client_id: rp.clientId },
    oauth.ClientSecretBasic(rp.secret),
    params,
    REDIRECT,
    again.verifier,
    {
      [oauth.allowInsecureRequests]: true,
    },
  );
  expect(replay.status).toBe(400);
  expect(((await replay.json()) as { error: string }).error).toBe("invalid_grant");

  await ctx.close();
});

test("the consent page in Chinese, and a user who denies goes back to the app with access_denied", async ({ browser, baseURL }) => {
  const config = await rpConfig(baseURL!);
  const ctx = await browser.newContext({ locale: "zh-CN" });
  const page = await ctx.newPage();
  const callback = await catchCallback(page);
  const a = await authorizeUrl(config);
  await page.goto(a.url.href);
  await signIn(page, { ustr: /手机号、邮箱或用户名/, pwd: /^密码$/, submit: /^登\s*录$/ });
  await expect(page.getByRole("heading", { name: "允许 E2E OIDC App 使用你的账号？" })).toBeVisible();
  await expect(page.getByText("个人资料", { exact: true })).toBeVisible();
  await shot(page, "oidc-consent-zh-CN");
  await page.getByRole("button", { name: "拒绝" }).click();
  const back = await callback.url;
  expect(back.searchParams.get("error")).toBe("access_denied");
  expect(back.searchParams.get("state")).toBe(a.state);
  await ctx.close();
});

test("a new user signs in to the app by SMS code (Chinese), and the ID token and userinfo say so", async ({ browser, baseURL }) => {
  // Fresh per run, so a retry does not meet the first attempt's account.
  const phone = `+86-136${String(Date.now() % 100_000_000).padStart(8, "0")}`;
  const config = await rpConfig(baseURL!);
  const ctx = await browser.newContext({ locale: "zh-CN" });
  const page = await ctx.newPage();
  const callback = await catchCallback(page);
  const a = await authorizeUrl(config, { scope: "openid phone" });
  await page.goto(a.url.href);
  await expect(page).toHaveURL(/\/login\?/);
  await page.getByRole("tab", { name: "短信登录" }).click();
  await page.getByLabel("手机号", { exact: true }).fill(phone);
  await solveCaptcha(page);
  await page.getByTestId("send-sms-code").click();
  await expect(page.getByText(/验证码已发送/)).toBeVisible();
  await page.getByLabel("验证码", { exact: true }).fill(await latestCode(operator, phone));
  await page
    .getByRole("tabpanel")
    .getByRole("button", { name: /登\s*录/ })
    .click();
  await expect(page.getByRole("heading", { name: "允许 E2E OIDC App 使用你的账号？" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("手机号", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: /允\s*许/ }).click();
  const back = await callback.url;
  const tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });
  const claims = tokens.claims()!;
  expect(claims.amr).toEqual(["sms", "otp"]);
  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  expect(info.phone_number).toBe(phone.replace("-", ""));
  await ctx.close();
});

test("refusals the browser sees: an unregistered redirect_uri, no PKCE, another tenant's client", async ({ browser, baseURL }) => {
  const config = await rpConfig(baseURL!);
  const ctx = await browser.newContext({ locale: "zh-CN" });
  const page = await ctx.newPage();

  // An unregistered redirect_uri never redirects: our own error page, in the user's language.
  const wrong = await authorizeUrl(config, { redirect_uri: "https://evil.example.com/cb" });
  const res = await page.goto(wrong.url.href);
  expect(res!.status()).toBe(400);
  await expect(page.getByRole("heading", { name: "无法继续登录" })).toBeVisible();
  await expect(page.getByText("invalid_redirect_uri")).toBeVisible();
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  await shot(page, "oidc-error-zh-CN");

  // No PKCE: back to the app with invalid_request (read from the redirect itself: Chromium's
  // request interception does not see a redirect that ends a page.goto).
  const noPkce = await fetch(client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: "openid", state: "no-pkce" }).href, { redirect: "manual" });
  expect(noPkce.status).toBe(303);
  const back = new URL(noPkce.headers.get("location")!);
  expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
  expect(back.searchParams.get("error")).toBe("invalid_request");
  expect(back.searchParams.get("state")).toBe("no-pkce");

  // Another tenant's client is unknown on this tenant's provider.
  const other = await rpConfig(baseURL!, foreign.clientId, "ucs_unknown");
  const forged = await authorizeUrl(other);
  const r2 = await page.goto(forged.url.href);
  expect(r2!.status()).toBe(400);
  await expect(page.getByText("invalid_client")).toBeVisible();
  await ctx.close();
});

/** The same as authorizeUrl, but with no `prompt` at all (so a remembered grant may skip consent). */
async function authorizeUrlNoPrompt(config: client.Configuration, extra: Record<string, string> = {}) {
  const a = await authorizeUrl(config, { scope: "openid profile email", ...extra });
  a.url.searchParams.delete("prompt");
  return a;
}

test("ui_locales=en on a Chinese browser: English login and consent; remember my choice, unticked then ticked", async ({ browser, baseURL }) => {
  const made = await createClient(baseURL!, { name: "Remember App" });
  const secret = await operator.post(`/api/v1/clients/${made.id}/secrets`, { headers: { origin: baseURL! }, data: {} });
  const config = await rpConfig(baseURL!, made.clientId, ((await secret.json()) as { secret: string }).secret);
  const ctx = await browser.newContext({ locale: "zh-CN" });
  const page = await ctx.newPage();

  // The app asks for English: the login page and the consent page follow it, not the browser.
  const first = await authorizeUrlNoPrompt(config, { ui_locales: "en" });
  let callback = await catchCallback(page);
  await page.goto(first.url.href);
  await expect(page.getByLabel(/Phone, email or user name/)).toBeVisible();
  await shot(page, "oidc-login-ui-locales-en");
  await signIn(page, { ustr: /Phone, email or user name/, pwd: /^Password$/, submit: /^Sign in$/ });
  await expect(page.getByRole("heading", { name: "Allow Remember App to use your account?" })).toBeVisible();
  const remember = page.getByLabel("Remember my choice");
  await expect(remember).toBeChecked();
  await shot(page, "oidc-consent-remember-en");
  // Unticked: this authorization only.
  await remember.uncheck();
  await page.getByRole("button", { name: "Allow" }).click();
  const back1 = await callback.url;
  expect(back1.searchParams.get("code")).toBeTruthy();

  // So the next authorization of the same scopes asks again; this time the choice is remembered.
  const second = await authorizeUrlNoPrompt(config, { ui_locales: "en" });
  callback = await catchCallback(page);
  await page.goto(second.url.href);
  await expect(page.getByRole("heading", { name: "Allow Remember App to use your account?" })).toBeVisible();
  await expect(page.getByLabel("Remember my choice")).toBeChecked();
  await page.getByRole("button", { name: "Allow" }).click();
  const back2 = await callback.url;
  const t2 = await client.authorizationCodeGrant(config, back2, {
    pkceCodeVerifier: second.verifier,
    expectedState: second.state,
    expectedNonce: second.nonce,
  });
  // The admin's email was never proven by a code.
  expect(t2.claims()!.email_verified ?? false).toBe(false);

  // Remembered: straight back to the app, no consent page.
  const third = await authorizeUrlNoPrompt(config, { ui_locales: "en" });
  callback = await catchCallback(page);
  // Started from the page (Chromium's interception does not see a redirect that ends a page.goto).
  await page.evaluate((u) => window.location.assign(u), third.url.href);
  const back3 = await callback.url;
  const t3 = await client.authorizationCodeGrant(config, back3, { pkceCodeVerifier: third.verifier, expectedState: third.state, expectedNonce: third.nonce });
  expect(t3.claims()!.sub).toBe(t2.claims()!.sub);

  // The sign-out confirmation in English too (ui_locales on the end-session request).
  const end = client.buildEndSessionUrl(config, { id_token_hint: t3.id_token!, ui_locales: "en" });
  await page.goto(end.href);
  await expect(page.getByRole("heading", { name: "Sign out?" })).toBeVisible();
  await shot(page, "oidc-logout-en");

  // An error page in the app's language, the code kept for its developer; no redirect.
  const wrong = await authorizeUrl(config, { redirect_uri: "https://evil.example.com/cb", ui_locales: "en" });
  const res = await page.goto(wrong.url.href);
  expect(res!.status()).toBe(400);
  await expect(page.getByRole("heading", { name: "Sign-in could not continue" })).toBeVisible();
  await expect(page.getByText("has not registered")).toBeVisible();
  await expect(page.getByText("invalid_redirect_uri")).toBeVisible();
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  await shot(page, "oidc-error-en");
  await ctx.close();
});

test("ui_locales=zh-CN on an English browser: Chinese pages, until the user switches to English on the login page", async ({ browser, baseURL }) => {
  const config = await rpConfig(baseURL!);
  const ctx = await browser.newContext({ locale: "en-US" });
  const page = await ctx.newPage();
  const callback = await catchCallback(page);
  const a = await authorizeUrl(config, { ui_locales: "zh-CN", login_hint: "admin" });
  await page.goto(a.url.href);
  await expect(page.getByLabel(/手机号、邮箱或用户名/)).toHaveValue("admin");
  await shot(page, "oidc-login-ui-locales-zh-CN");
  await page.getByLabel(/^密码$/).fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: /^登\s*录$/ }).click();
  await expect(page.getByRole("heading", { name: "允许 E2E OIDC App 使用你的账号？" })).toBeVisible();
  await expect(page.getByLabel("记住我的选择")).toBeChecked();
  await shot(page, "oidc-consent-remember-zh-CN");
  await page.getByRole("button", { name: /允\s*许/ }).click();
  await callback.url;

  // Logout confirmation in Chinese.
  const sso = await authorizeUrl(config, { ui_locales: "zh-CN" });
  const cb2 = await catchCallback(page);
  await page.goto(sso.url.href);
  await page.getByRole("button", { name: /允\s*许/ }).click();
  const t = await client.authorizationCodeGrant(config, await cb2.url, { pkceCodeVerifier: sso.verifier, expectedState: sso.state, expectedNonce: sso.nonce });
  await page.goto(client.buildEndSessionUrl(config, { id_token_hint: t.id_token!, ui_locales: "zh-CN" }).href);
  await expect(page.getByRole("heading", { name: "退出登录？" })).toBeVisible();
  await shot(page, "oidc-logout-zh-CN");

  // The user changes the language on our login page: the rest of this sign-in follows them.
  const b = await authorizeUrl(config, { ui_locales: "zh-CN", prompt: "login consent" });
  const cb3 = await catchCallback(page);
  await page.goto(b.url.href);
  await expect(page.getByLabel(/手机号、邮箱或用户名/)).toBeVisible();
  await page.getByText("English", { exact: true }).click();
  await signIn(page, { ustr: /Phone, email or user name/, pwd: /^Password$/, submit: /^Sign in$/ });
  await expect(page.getByRole("heading", { name: "Allow E2E OIDC App to use your account?" })).toBeVisible();
  await page.getByRole("button", { name: "Allow" }).click();
  expect((await cb3.url).searchParams.get("code")).toBeTruthy();
  await ctx.close();
});
