import http from "node:http";
import { randomInt } from "node:crypto";
import { mkdirSync } from "node:fs";
import { expect, type APIRequestContext, type Page, type PlaywrightWorkerArgs } from "@playwright/test";

export const PORT = Number(process.env.E2E_PORT ?? 3100);
export const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e-Operator-pass";

/** A raw HTTP request with any Host header (fetch would not let us choose it), from 127.0.0.1. */
export function rawRequest(opts: { path: string; host: string; method?: string; headers?: Record<string, string>; body?: string }) {
  return fromAddress(undefined, opts);
}

/** One request from a loopback address of our choosing (the TCP peer the server sees), or the default one. */
export function fromAddress(
  localAddress: string | undefined,
  opts: { path: string; method?: string; headers?: Record<string, string>; body?: string; host?: string },
) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: PORT,
        localAddress,
        path: opts.path,
        method: opts.method ?? "GET",
        headers: { host: opts.host ?? `localhost:${PORT}`, ...opts.headers },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on("error", reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

/**
 * A fresh loopback address. The server counts failures per client address (the TCP peer's), and
 * every other test signs in from 127.0.0.1: a test that fails sign-ins on purpose does it from
 * an address of its own, so it never puts the others behind the captcha.
 */
export const loopback = () => `127.${randomInt(1, 250)}.${randomInt(1, 250)}.${randomInt(2, 250)}`;

/** A browser-like client on one loopback address: keeps the cookies it is given. */
export class LoopbackClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly address = loopback()) {}

  async request(path: string, opts: { method?: string; form?: Record<string, string> } = {}) {
    const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fromAddress(this.address, {
      path,
      method: opts.method ?? (body ? "POST" : "GET"),
      body,
      headers: { ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...(cookie ? { cookie } : {}) },
    });
    for (const line of res.headers["set-cookie"] ?? []) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = !value || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]!) < Date.now()));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** next-auth's password sign-in, as the form posts it; true when a session cookie came back. */
  async signIn(ustr: string, pwd: string) {
    const { csrfToken } = JSON.parse((await this.request("/api/auth/csrf")).body) as { csrfToken: string };
    const res = await this.request("/api/auth/callback/password", { form: { csrfToken, ustr, pwd, json: "true" } });
    return { res, session: [...this.cookies.keys()].some((k) => k.endsWith("next-auth.session-token")) };
  }

  async signOut() {
    const { csrfToken } = JSON.parse((await this.request("/api/auth/csrf")).body) as { csrfToken: string };
    await this.request("/api/auth/signout", { form: { csrfToken, json: "true" } });
  }
}

/** Full-page screenshots land in e2e/screenshots/<name>.png for people to look at. */
/**
 * A field's error as the user sees it. When one error replaces another, antd keeps the old one in the
 * page while it fades out (`…-leave`), so a plain `.ant-form-item-explain-error` briefly matches both.
 */
export const FIELD_ERROR = ".ant-form-item-explain-error:not(.ant-form-show-help-item-leave)";

export async function shot(page: Page, name: string) {
  mkdirSync("e2e/screenshots", { recursive: true });
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
}

export async function setLocale(page: Page, locale: "zh-CN" | "en", baseURL: string) {
  await page.context().addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL }]);
}

/** An API client signed in as the platform operator through next-auth's own callback. */
export async function operatorApi(playwright: PlaywrightWorkerArgs["playwright"], baseURL: string): Promise<APIRequestContext> {
  const operator = await playwright.request.newContext({ baseURL });
  const { csrfToken } = (await (await operator.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await operator.post("/api/auth/callback/password", { form: { csrfToken, ustr: "admin", pwd: ADMIN_PASSWORD, json: "true" } });
  expect(res.ok()).toBe(true);
  return operator;
}

/** Ticks the ALTCHA box and waits until the proof of work is done. */
export async function solveCaptcha(page: Page, which: "first" | "last" = "first") {
  const widgets = page.locator("altcha-widget");
  const widget = which === "first" ? widgets.first() : widgets.last();
  // The widget draws its own tick over the native checkbox. A click before the widget is ready
  // does nothing, so tick again unless it is already working or done.
  await expect(async () => {
    const state = await widget
      .locator("[data-state]")
      .first()
      .getAttribute("data-state", { timeout: 2000 })
      .catch(() => null);
    if (state !== "verifying" && state !== "verified") await widget.getByRole("checkbox").click({ force: true, timeout: 2000 });
    await expect(widget.locator("[data-state=verified]").first()).toBeAttached({ timeout: 15_000 });
  }).toPass({ timeout: 60_000 });
}

/** The newest code sent to `to`, read from the development outbox as the platform operator. */
export async function latestCode(operator: APIRequestContext, to: string): Promise<string> {
  let code = "";
  await expect(async () => {
    const res = await operator.get(`/api/v1/outbox?to=${encodeURIComponent(to)}&take=1`);
    expect(res.status()).toBe(200);
    const { items } = (await res.json()) as { items: { body: string }[] };
    code = /(\d{6})/.exec(items[0]?.body ?? "")?.[1] ?? "";
    expect(code).not.toBe("");
  }).toPass({ timeout: 15_000 });
  return code;
}

/** Starts a CSV export from the page's ExportButton and answers the downloaded text. */
export async function exportCsv(page: Page, resource: string, menuLabel: RegExp): Promise<{ text: string; disposition: string }> {
  await page.getByTestId(`export-${resource}`).getByRole("button").first().click();
  await page.getByRole("menuitem", { name: menuLabel }).click();
  const link = page.getByTestId("export-download");
  await expect(link).toBeVisible({ timeout: 90_000 });
  const href = await link.getAttribute("href");
  // Fetched by the page itself: its cookies, and its host resolved the browser's way (tenant hosts
  // such as acme.test exist only in the browser's resolver rules).
  const res = await page.evaluate(async (url) => {
    const r = await fetch(url);
    return { status: r.status, text: await r.text(), disposition: r.headers.get("content-disposition") ?? "" };
  }, href!);
  expect(res.status).toBe(200);
  return { text: res.text, disposition: res.disposition };
}
