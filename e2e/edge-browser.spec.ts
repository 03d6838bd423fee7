import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { setLocale, shot, solveCaptcha } from "./helpers";

// In Chromium: another origin cannot frame our pages, and our pages run under their
// Content-Security-Policy without a single violation.

/** Collects every CSP violation the page reports, as events and as console messages. */
async function watchCsp(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  page.on("console", (m) => {
    const text = m.text();
    if (/Content Security Policy|CSP violation|Refused to (load|execute|apply|create|frame|connect)/i.test(text)) seen.push(text);
  });
  return seen;
}

test("a page of another origin cannot frame /login", async ({ page, baseURL }) => {
  // An attacker's page on an origin of its own (a real server: Chromium keeps public pages away
  // from loopback, so it must be local too). It frames our sign-in page, and as a control a page
  // of a third origin that allows framing (every answer of ours forbids it).
  const control = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><p id="control">framed fine</p>`);
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}/`;
  const attacker = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><h1>win a prize</h1><iframe name="victim" src="${baseURL}/login"></iframe><iframe name="control" src="${controlUrl}"></iframe>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  try {
    const answered = page.waitForResponse((r) => r.url() === `${baseURL}/login`);
    await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    await expect(page.locator("h1")).toHaveText("win a prize");
    // Our server answered the frame's request, with its policy…
    expect((await answered).headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    await page.waitForLoadState("load");
    // …the control frame shows (framing works here), and the sign-in page does not.
    await expect.poll(() => page.frame({ name: "control" })?.url()).toBe(controlUrl);
    await expect(page.frame({ name: "control" })!.locator("#control")).toHaveText("framed fine");
    const victim = page.frame({ name: "victim" })!;
    await expect.poll(() => victim.url()).not.toBe(`${baseURL}/login`);
    expect(await victim.locator("input[type=password]").count()).toBe(0);
  } finally {
    attacker.close();
    control.close();
  }
});

test("sign-in, registration and recovery pages run with no CSP violation, in both languages", async ({ page, baseURL }) => {
  const seen = await watchCsp(page);
  for (const locale of ["zh-CN", "en"] as const) {
    await setLocale(page, locale, baseURL!);
    await page.goto("/login");
    await expect(page.getByLabel(/^(密码|Password)$/)).toBeVisible();
    await shot(page, `csp-login-${locale === "en" ? "en" : "zh"}`);
  }
  await page.goto("/register");
  // The captcha's proof of work runs in a Worker (worker-src blob:).
  await solveCaptcha(page);
  await page.goto("/forgot-password");
  await expect(page.locator("form").first()).toBeVisible();
  await page.goto("/no-such-page");
  await expect(page.locator("body")).toContainText(/Page not found|页面不存在/);
  expect(seen).toEqual([]);
});

test.describe("signed in", () => {
  test.use({ storageState: "e2e/.auth/operator.json" });

  test("the console and the API reference run with no CSP violation", async ({ page }) => {
    const seen = await watchCsp(page);
    await page.goto("/tenants");
    await expect(page.getByRole("heading", { name: /租户|Tenants/ })).toBeVisible();
    await page.goto("/users");
    await expect(page.locator(".ant-table").first()).toBeVisible();
    await page.goto("/account");
    await page.waitForLoadState("networkidle");
    await page.goto("/api-docs");
    // Scalar's reference renders the document under the CSP, operations included.
    await expect(page.getByTestId("api-reference").locator(".reference-endpoint").first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("api-reference").locator(".scalar-reference-intro-server")).toContainText(new URL(page.url()).host);
    await shot(page, "csp-api-docs");
    expect(seen).toEqual([]);
  });

  test("a signed-in visitor to /login?callbackUrl=/%09/evil.example stays on our origin", async ({ page, baseURL }) => {
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto("/login?callbackUrl=/%09/evil.example");
    await expect(page).toHaveURL(/\/dashboard$/);
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    expect(requests.filter((u) => u.includes("evil.example") && !u.includes("callbackUrl"))).toEqual([]);
  });
});
