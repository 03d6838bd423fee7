import http from "node:http";
import { mkdirSync } from "node:fs";
import type { Page } from "@playwright/test";

export const PORT = Number(process.env.E2E_PORT ?? 3100);
export const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e-Operator-pass";

/** A raw HTTP request with any Host header (fetch would not let us choose it). */
export function rawRequest(opts: { path: string; host: string; method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: PORT, path: opts.path, method: opts.method ?? "GET", headers: { host: opts.host, ...opts.headers } },
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

/** Full-page screenshots land in e2e/screenshots/<name>.png for people to look at. */
export async function shot(page: Page, name: string) {
  mkdirSync("e2e/screenshots", { recursive: true });
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
}

export async function setLocale(page: Page, locale: "zh-CN" | "en", baseURL: string) {
  await page.context().addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL }]);
}
