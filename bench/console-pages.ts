/**
 * npm run bench:pages — how soon each console page shows its data, and how much JavaScript it loads.
 *
 * A scratch PostgreSQL database as bench:console prepares it (BENCH_USERS users, default 10,000, in
 * the tenant on 127.0.0.1, with their activity), the production build started as `npm start` runs
 * it, and headless Chromium (CHROMIUM_PATH, default /usr/bin/chromium) signed in through
 * next-auth's own callback: the tenant administrator on 127.0.0.1, the platform operator on
 * localhost for the platform's pages (tenants, outbox). For each console list page, in a browser context of its own:
 * - **cold**: the first visit (empty browser cache; the server's first render of that page);
 * - **warm** p50 / p99 over BENCH_VISITS further visits (default 10), full page loads, measured
 *   from the navigation's start (the page's own clock), with the HTML's first byte beside it;
 * - **in-app** p50 / p99 over as many client navigations: from the account page, a click on the
 *   side menu's link, measured from the click;
 * each up to the first table row — or the list's empty state — visible with no spinner over
 * it; and the JavaScript the page loaded
 * (every script response of the cold visit, gzip-compressed here at the default level), beside its
 * stylesheets (gzip) and the size of its HTML (as sent, before compression).
 * The aims: data within 500 ms warm, JavaScript under 300 KiB gzip. Prints a table; asserts nothing.
 *
 *   BENCH_DATABASE_URL  PostgreSQL server for the scratch database (default local 127.0.0.1:5432)
 *   BENCH_PAGES=users,roles  only these pages
 *   BENCH_SHOTS=<dir>        also a full-page screenshot of each page in each language once its data shows
 *                            (<dir>/<page>-<locale>.png), to compare the look of two builds
 *   BENCH_CHUNKS=<dir>       also save every script of each page's cold visit (<dir>/<page>/<file>) and
 *                            print each one's gzip size, largest first: what to cut next
 */
import os from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { randomBytes } from "node:crypto";
import { chromium, request, type Browser, type BrowserContext } from "@playwright/test";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { BENCH_OPERATOR_PASSWORD, prepareConsoleDatabase } from "./console-data";
import { pct, startApp } from "./lib";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const VISITS = Number(process.env.BENCH_VISITS ?? 10);
const PORT = Number(process.env.BENCH_PORT ?? 3330);
const CHUNKS = process.env.BENCH_CHUNKS;

function saveChunk(page: string, url: string, body: Buffer) {
  const dir = `${CHUNKS}/${page.replace(/[^a-z0-9-]+/gi, "_")}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${new URL(url).pathname.split("/").pop() || "index.js"}`, body);
}
const ADMIN_PASSWORD = "bench admin passphrase";
const AIM_MS = 500;
const AIM_KIB = 300;
const SHOTS = process.env.BENCH_SHOTS;

type Who = "admin" | "operator";
/** The list pages, and the other console pages whose JavaScript is measured too (no list: `data: false`). */
const PAGES: { path: string; who?: Who; data?: false }[] = [
  { path: "/users" },
  { path: "/roles" },
  { path: "/permissions" },
  { path: "/clients" },
  { path: "/api-resources" },
  { path: "/api-scopes" },
  { path: "/identity-resources" },
  { path: "/sessions" },
  { path: "/locks" },
  { path: "/audit" },
  { path: "/outbox", who: "operator" },
  { path: "/files?view=list" },
  { path: "/exports" },
  { path: "/team" },
  { path: "/tenants", who: "operator" },
  { path: "/dashboard", data: false },
  { path: "/account", data: false },
  { path: "/api-docs", data: false },
];

/**
 * In the page, once `target` is the page shown and a row (or the empty state) shows with no
 * spinner: ms on the page's clock (from the document's navigation), and the HTML's first byte; else false.
 */
const dataShown = (target: string) => {
  if (location.pathname !== target || document.querySelector(".ant-spin-spinning, .ant-skeleton")) return false;
  // A row, or the placeholder row once nothing spins over it (the empty state, a refusal); the files' cards.
  const shown = document.querySelector("tr.ant-table-row, .ant-table-placeholder, [data-testid=file-card], main .ant-empty");
  if (!shown || (shown as HTMLElement).offsetParent === null) return false;
  const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
  return { shown: performance.now(), firstByte: nav?.responseStart ?? 0 };
};
type Shown = { shown: number; firstByte: number };

/** A signed-in session's cookies, from next-auth's credentials callback on `base`. */
async function signIn(base: string, user: string, password: string) {
  const api = await request.newContext({ baseURL: base });
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await api.post("/api/auth/callback/password", { form: { csrfToken, ustr: user, pwd: password, json: "true" } });
  if (!res.ok()) throw new Error(`${user} could not sign in on ${base}: ${res.status()}`);
  const state = await api.storageState();
  await api.dispose();
  return state;
}

/** One page in a fresh context: the cold visit with its scripts, then the warm visits. */
async function measurePage(browser: Browser, base: string, storageState: Awaited<ReturnType<typeof signIn>>, path: string, data: boolean) {
  const ctx: BrowserContext = await browser.newContext({ baseURL: base, storageState, locale: "zh-CN" });
  const page = await ctx.newPage();
  const scripts = new Map<string, Promise<number>>();
  const styles = new Map<string, Promise<number>>();
  let html: Promise<number> | undefined;
  page.on("response", (r) => {
    const type = r.request().resourceType();
    if (type === "document" && !html)
      html = r.body().then(
        (b) => b.length,
        () => 0,
      );
    if (type === "stylesheet" && !styles.has(r.url()))
      styles.set(
        r.url(),
        r.body().then(
          (b) => gzipSync(b).length,
          () => 0,
        ),
      );
    if (type !== "script" || scripts.has(r.url())) return;
    scripts.set(
      r.url(),
      r.body().then(
        (b) => {
          if (CHUNKS) saveChunk(path, r.url(), b);
          return gzipSync(b).length;
        },
        () => 0,
      ),
    );
  });
  const target = new URL(path, base).pathname;
  const waitShown = async () => {
    const handle = await page.waitForFunction(dataShown, target, { polling: "raf", timeout: 30_000 }).catch(async (e: Error) => {
      throw new Error(`${path}: no rows at ${page.url()} (${await page.title()}): ${e.message}`);
    });
    return (await handle.jsonValue()) as Shown;
  };
  /** A full page load. */
  const visit = async () => {
    await page.goto(path, { waitUntil: data ? "commit" : "load" });
    return data ? waitShown() : null;
  };
  /** From the account page, a click on the side menu's link (a client navigation). */
  const inApp = async () => {
    await page.goto("/account", { waitUntil: "load" });
    await page.locator(`aside a[href="${target}"]`).waitFor();
    const clicked = await page.evaluate(() => performance.now());
    await page.locator(`aside a[href="${target}"]`).click();
    return (await waitShown()).shown - clicked;
  };
  const cold = await visit();
  await page.waitForLoadState("networkidle");
  const jsKiB = (await Promise.all(scripts.values())).reduce((a, b) => a + b, 0) / 1024;
  if (CHUNKS) {
    const sizes = await Promise.all([...scripts].map(async ([url, size]) => [new URL(url).pathname, await size] as const));
    for (const [name, size] of sizes.sort((a, b) => b[1] - a[1])) console.log(`  ${path} ${(size / 1024).toFixed(1).padStart(7)} KiB  ${name}`);
  }
  const cssKiB = (await Promise.all(styles.values())).reduce((a, b) => a + b, 0) / 1024;
  const htmlKB = ((await html) ?? 0) / 1000;
  const rows = await page.locator("tr.ant-table-row").count();
  const warm: Shown[] = [];
  const nav: number[] = [];
  for (let i = 0; i < VISITS && data; i++) warm.push((await visit())!);
  for (let i = 0; i < VISITS && data; i++) nav.push(await inApp());
  await ctx.close();
  return { cold: cold?.shown, warm: warm.map((w) => w.shown), firstByte: warm.map((w) => w.firstByte), nav, jsKiB, cssKiB, htmlKB, rows };
}

/** BENCH_SHOTS: the page in both languages, once its data (or, without a list, the page) has loaded. */
async function screenshots(browser: Browser, base: string, storageState: Awaited<ReturnType<typeof signIn>>, path: string, data: boolean) {
  mkdirSync(SHOTS!, { recursive: true });
  for (const locale of ["zh-CN", "en"]) {
    const ctx = await browser.newContext({ baseURL: base, storageState, locale, viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(path, { waitUntil: "load" });
    if (data) await page.waitForFunction(dataShown, new URL(path, base).pathname, { polling: "raf", timeout: 30_000 });
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: `${SHOTS}/${path.replace(/^\//, "").replace(/[^a-z0-9-]+/gi, "_")}-${locale}.png`, fullPage: true, animations: "disabled" });
    await ctx.close();
  }
}

const name = `uc_bench_pages_${randomBytes(3).toString("hex")}`;
const url = await createScratchDatabase(SERVER, name);
let stopApp: (() => void) | undefined;
let browser: Browser | undefined;
try {
  const data = await prepareConsoleDatabase(url, { users: USERS, adminPassword: ADMIN_PASSWORD });
  const app = await startApp(PORT, url);
  stopApp = app.stop;
  const bases: Record<Who, string> = { admin: app.base, operator: `http://localhost:${PORT}` };
  const states = {
    admin: await signIn(bases.admin, data.adminUserName, ADMIN_PASSWORD),
    operator: await signIn(bases.operator, "admin", BENCH_OPERATOR_PASSWORD),
  };
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  console.log(`Machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? "?"}; load average ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(
    `Tenant of ${data.users.toLocaleString("en")} users; ${VISITS} warm loads and in-app navigations per page; aims: data ≤ ${AIM_MS} ms warm, JS ≤ ${AIM_KIB} KiB gzip\n`,
  );
  const only = process.env.BENCH_PAGES?.split(",").map((p) => `/${p.trim()}`);
  const rows: string[][] = [
    [
      "page",
      "rows",
      "cold",
      "warm p50",
      "warm p99",
      `aim ${AIM_MS} ms`,
      "HTML 1st byte p50",
      "in-app p50",
      "in-app p99",
      "JS gzip",
      `aim ${AIM_KIB} KiB`,
      "CSS gzip",
      "HTML (cold)",
    ],
  ];
  for (const p of PAGES) {
    if (only && !only.some((o) => p.path.startsWith(o))) continue;
    const who = p.who ?? "admin";
    const r = await measurePage(browser, bases[who], states[who], p.path, p.data !== false);
    if (SHOTS) await screenshots(browser, bases[who], states[who], p.path, p.data !== false);
    const ms = (v: number | null | undefined) => (v == null ? "—" : `${Math.round(v)} ms`);
    const p50 = r.warm.length ? pct(r.warm, 50) : null;
    rows.push([
      p.path + (who === "operator" ? " (operator)" : ""),
      p.data === false ? "—" : String(r.rows),
      ms(r.cold),
      ms(p50),
      ms(r.warm.length ? pct(r.warm, 99) : null),
      p50 == null ? "" : p50 <= AIM_MS ? "met" : "NOT met",
      ms(r.firstByte.length ? pct(r.firstByte, 50) : null),
      ms(r.nav.length ? pct(r.nav, 50) : null),
      ms(r.nav.length ? pct(r.nav, 99) : null),
      `${r.jsKiB.toFixed(0)} KiB`,
      r.jsKiB <= AIM_KIB ? "met" : "NOT met",
      `${r.cssKiB.toFixed(0)} KiB`,
      `${r.htmlKB.toFixed(0)} kB`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
} finally {
  await browser?.close();
  stopApp?.();
  await dropScratchDatabase(SERVER, name);
}
