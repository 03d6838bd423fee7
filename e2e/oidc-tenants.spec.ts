import http from "node:http";
import { expect, test, type APIRequestContext, type BrowserContext, type Page, type Request } from "@playwright/test";
import * as client from "openid-client";
import { operatorApi, PORT, shot } from "./helpers";

// Two tenants, each an OpenID Provider on its own host (`*.test` leads to this machine in
// Chromium; the relying party in this process reaches them through 127.0.0.1 with the host's
// name in Host), each with its own users and two apps. A real relying party (openid-client)
// does discovery → authorize with PKCE → our login page in Chromium → consent → code → userinfo
// → refresh → RP-initiated logout on each, one in English and one in Chinese; the tenant's
// second app signs in by single sign-on without a page; the other tenant's app does not see the
// session, not even with the first host's cookies handed to it.
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

const REDIRECT = "https://rp.tenants.example/callback";
const BYE = "https://rp.tenants.example/bye";
const PASSWORD = "tenant oidc passphrase 1";

interface Tenant {
  lang: "en" | "zh-CN";
  label: string;
  name: string;
  host: string;
  origin: string;
  id: string;
  user: string;
  web: { clientId: string; secret: string };
  second: { clientId: string; secret: string };
}

const TEXT = {
  en: {
    ustr: /Phone, email or user name/,
    pwd: /^Password$/,
    submit: /^Sign in$/,
    consent: (app: string) => `Allow ${app} to use your account?`,
    allow: /^Allow$/,
    signOut: "Sign out?",
    confirmSignOut: /^Sign out$/,
  },
  "zh-CN": {
    ustr: /手机号、邮箱或用户名/,
    pwd: /^密码$/,
    submit: /^登\s*录$/,
    consent: (app: string) => `允许 ${app} 使用你的账号？`,
    allow: /^允\s*许$/,
    signOut: "退出登录？",
    confirmSignOut: /^退出登录$/,
  },
};

let operator: APIRequestContext;
const tenants: Tenant[] = [];

const getJson = async (url: string) => {
  const res = await hostFetch(url, { method: "GET", headers: {}, body: undefined, redirect: "manual" });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
};

/** fetch for the relying party: `*.test` hosts are reached on 127.0.0.1 with their name in Host (Node cannot resolve them). */
const hostFetch: client.CustomFetch = async (url, options) => {
  const u = new URL(url);
  const headers = Object.fromEntries(new Headers(options.headers).entries());
  const body = options.body === undefined || options.body === null ? undefined : String(options.body as string | URLSearchParams);
  return new Promise<Response>((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: u.port, path: `${u.pathname}${u.search}`, method: options.method, headers: { ...headers, host: u.host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) for (const one of Array.isArray(v) ? v : [v ?? ""]) h.append(k, one);
          resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: h }));
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
};

async function makeClient(tenantId: string, name: string, firstParty: boolean) {
  const created = await operator.post("/api/v1/clients", {
    headers: { origin: `http://localhost:${PORT}` },
    data: {
      tenantId,
      name,
      clientType: "web",
      consentRequired: !firstParty,
      grantTypes: ["authorization_code", "refresh_token"],
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [BYE],
      scopes: [],
    },
  });
  expect(created.status()).toBe(200);
  const { id, clientId } = (await created.json()) as { id: string; clientId: string };
  const secret = await operator.post(`/api/v1/clients/${id}/secrets`, { headers: { origin: `http://localhost:${PORT}` }, data: {} });
  expect(secret.status()).toBe(200);
  return { clientId, secret: ((await secret.json()) as { secret: string }).secret };
}

test.beforeAll(async ({ playwright, baseURL }) => {
  operator = await operatorApi(playwright, baseURL!);
  const headers = { origin: baseURL! };
  for (const [lang, label] of [
    ["en", "Northwind"],
    ["zh-CN", "南风"],
  ] as const) {
    const host = `oidc-${lang === "en" ? "en" : "zh"}.test`;
    const name = `${label} OIDC`;
    const made = await operator.post("/api/v1/tenants", { headers, data: { name, status: "enabled", hosts: [host], claims: [], properties: [] } });
    let id: string;
    if (made.status() === 409) {
      // A retry: the first attempt made the tenant (and its user) already.
      const found = (await (await operator.get(`/api/v1/tenants?host=${host}`)).json()) as { items: { id: string }[] };
      id = found.items[0]!.id;
    } else {
      expect(made.status()).toBe(200);
      id = ((await made.json()) as { id: string }).id;
    }
    const user = `rp-user-${lang === "en" ? "en" : "zh"}`;
    const u = await operator.post("/api/v1/users", {
      headers,
      data: { tenantId: id, userName: user, nickname: `${label} User`, password: PASSWORD, mustChangePassword: false },
    });
    expect([200, 409]).toContain(u.status());
    tenants.push({
      lang,
      label,
      name,
      host,
      id,
      user,
      origin: `http://${host}:${PORT}`,
      web: await makeClient(id, `${label} Web`, false),
      second: await makeClient(id, `${label} Second`, true),
    });
  }
});
test.afterAll(() => operator?.dispose());

async function rpConfig(t: Tenant, c: { clientId: string; secret: string }) {
  const config = await client.discovery(new URL(t.origin), c.clientId, { redirect_uris: [REDIRECT] }, client.ClientSecretBasic(c.secret), {
    execute: [client.allowInsecureRequests],
    [client.customFetch]: hostFetch,
  });
  config[client.customFetch] = hostFetch;
  return config;
}

async function authorizeUrl(config: client.Configuration, scope: string, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

/**
 * Runs `go` (a navigation or a click) and answers the browser's visit to the app with a plain
 * page; resolves with the URL the app was sent to. Watches requests rather than only routes: a
 * redirect straight from the provider to the app is a request event too.
 */
async function toApp(page: Page, prefix: string, go: () => Promise<unknown>): Promise<URL> {
  await page.route(`${prefix}**`, (route) => route.fulfill({ status: 200, contentType: "text/plain", body: "back at the app" }));
  const seen = page.waitForRequest((r) => r.url().startsWith(prefix), { timeout: 30_000 });
  await go();
  const url = new URL((await seen).url());
  await page.waitForURL((u) => u.href.startsWith(prefix));
  return url;
}

/** Every page (document) the browser was shown, by path, while `fn` ran. */
async function pagesDuring(page: Page, fn: () => Promise<void>) {
  const paths: string[] = [];
  const onRequest = (r: Request) => {
    if (r.isNavigationRequest()) paths.push(new URL(r.url()).pathname);
  };
  page.on("request", onRequest);
  try {
    await fn();
  } finally {
    page.off("request", onRequest);
  }
  return paths;
}

async function fullFlow(ctx: BrowserContext, t: Tenant) {
  const text = TEXT[t.lang];
  const config = await rpConfig(t, t.web);
  const page = await ctx.newPage();
  const a = await authorizeUrl(config, "openid profile offline_access", { prompt: "consent" });

  await page.goto(a.url.href);
  await expect(page).toHaveURL(new RegExp(`^${t.origin}/login\\?`));
  // The login page of this tenant, in the browser's language.
  await expect(page.getByText(t.name).first()).toBeVisible();
  await page.getByLabel(text.ustr).fill(t.user);
  await page.getByLabel(text.pwd).fill(PASSWORD);
  await shot(page, `oidc-tenant-login-${t.lang}`);
  await page.getByRole("button", { name: text.submit }).click();

  await expect(page.getByRole("heading", { name: text.consent(`${t.label} Web`) })).toBeVisible({ timeout: 30_000 });
  expect(new URL(page.url()).origin).toBe(t.origin);
  await shot(page, `oidc-tenant-consent-${t.lang}`);
  const back = await toApp(page, REDIRECT, () => page.getByRole("button", { name: text.allow }).click());

  // The code, the ID token from this host's issuer, userinfo, a rotated refresh.
  const tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });
  const claims = tokens.claims()!;
  expect(claims.iss).toBe(t.origin);
  expect(claims.aud).toBe(t.web.clientId);
  expect(claims.amr).toEqual(["pwd"]);
  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  expect(info.preferred_username).toBe(t.user);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
  expect(refreshed.refresh_token).toBeTruthy();
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  expect(refreshed.claims()?.sub).toBe(claims.sub);
  return { page, config, claims, idToken: refreshed.id_token ?? tokens.id_token! };
}

test("each tenant's discovery document names its own issuer and only endpoints on its own host", async () => {
  for (const t of tenants) {
    const doc = await getJson(`${t.origin}/.well-known/openid-configuration`);
    expect(doc.issuer).toBe(t.origin);
    const urls = Object.entries(doc).filter(([k]) => k.endsWith("_endpoint") || k === "jwks_uri");
    expect(urls.length).toBeGreaterThanOrEqual(8);
    for (const [k, v] of urls) expect(String(v), k).toMatch(new RegExp(`^${t.origin}/oidc/`));
    // The keys a relying party fetches from there verify that host's tokens (checked by openid-client in the flows below).
    expect(((await getJson(String(doc.jwks_uri))) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
  }
  expect(tenants[0]!.origin).not.toBe(tenants[1]!.origin);
});

for (const which of [0, 1] as const) {
  test(`a relying party signs in on a tenant's own host, SSO to its second app, the other tenant does not see the session, RP logout (${which === 0 ? "English" : "Chinese"})`, async ({
    browser,
  }) => {
    const t = tenants[which]!;
    const other = tenants[1 - which]!;
    const text = TEXT[t.lang];
    const ctx = await browser.newContext({ locale: t.lang === "en" ? "en-US" : "zh-CN" });
    const { page, claims, idToken } = await fullFlow(ctx, t);

    // Single sign-on: the tenant's second app (first-party) signs in with no page at all.
    const second = await rpConfig(t, t.second);
    const b = await authorizeUrl(second, "openid profile");
    let back!: URL;
    const shown = await pagesDuring(page, async () => {
      back = await toApp(page, REDIRECT, () => page.goto(b.url.href).catch(() => null));
    });
    expect(shown.filter((p) => p === "/login")).toEqual([]);
    const t2 = await client.authorizationCodeGrant(second, back, { pkceCodeVerifier: b.verifier, expectedState: b.state, expectedNonce: b.nonce });
    expect(t2.claims()!.sub).toBe(claims.sub);
    expect(t2.claims()!.aud).toBe(t.second.clientId);

    // The other tenant's app does not see this session: its provider sends the browser to its
    // own login page, even with every cookie of this host handed to the other host.
    const cookies = await ctx.cookies(t.origin);
    await ctx.addCookies(cookies.map((c) => ({ name: c.name, value: c.value, url: other.origin })));
    const foreign = await rpConfig(other, other.second);
    const f = await authorizeUrl(foreign, "openid");
    await page.goto(f.url.href);
    await expect(page).toHaveURL(new RegExp(`^${other.origin}/login\\?`));
    await expect(page.getByLabel(text.pwd)).toBeVisible();
    await shot(page, `oidc-tenant-other-tenant-login-${t.lang}`);

    // RP-initiated logout on the first tenant: our confirmation page, then back to the app.
    const config = await rpConfig(t, t.web);
    const end = client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: BYE, state: `bye-${which}` });
    await page.goto(end.href);
    await expect(page.getByRole("heading", { name: text.signOut })).toBeVisible();
    await shot(page, `oidc-tenant-logout-${t.lang}`);
    const bye = await toApp(page, BYE, () => page.getByRole("button", { name: text.confirmSignOut }).click());
    expect(`${bye.origin}${bye.pathname}`).toBe(BYE);
    expect(bye.searchParams.get("state")).toBe(`bye-${which}`);
    await ctx.close();
  });
}
