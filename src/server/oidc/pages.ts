/**
 * The few pages the OpenID Provider shows itself, in both languages and never the library's
 * defaults: an error page (a request that cannot go back to the app, such as an unknown
 * `redirect_uri`), the consent page, the sign-out confirmation and the signed-out page.
 * Plain server-written HTML with one nonce'd style sheet and no script.
 */
import { randomBytes } from "node:crypto";
import type { Locale } from "~/lib/errors";
import { translator } from "~/i18n/catalog";
import { LOCALE_COOKIE, isLocale, pickLocale, readCookie } from "~/i18n/locale";

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** ui_locales (space-separated, in order of preference) first, then the language cookie, then the browser. */
export function pageLocale(headers: { cookie?: string | string[]; "accept-language"?: string | string[] }, uiLocales?: unknown): Locale {
  if (typeof uiLocales === "string") {
    for (const tag of uiLocales.split(" ")) {
      const t = tag.toLowerCase();
      if (t.startsWith("zh")) return "zh-CN";
      if (t.startsWith("en")) return "en";
    }
  }
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const cookie = readCookie(one(headers.cookie), LOCALE_COOKIE);
  return pickLocale(isLocale(cookie) ? cookie : undefined, one(headers["accept-language"]));
}

export const oidcText = (locale: Locale) => {
  const t = translator(locale, "serverText");
  return (key: string, values?: Record<string, string | number>) => t(`oidc.${key}`, values);
};

export interface Page {
  status: number;
  html: string;
  csp: string;
}

const STYLE = `
body{margin:0;font:15px/1.6 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f5f5;color:#1f1f1f}
main{max-width:440px;margin:10vh auto;padding:32px;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:22px;margin:0 0 8px}p{margin:8px 0}.muted{color:#666}
ul{padding-left:20px}li{margin:6px 0}li small{display:block;color:#666}
code{font-size:13px;background:#f0f0f0;padding:1px 4px;border-radius:4px;word-break:break-all}
.actions{display:flex;gap:12px;margin-top:24px}
button{flex:1;font:inherit;padding:8px 16px;border-radius:6px;border:1px solid #d9d9d9;background:#fff;cursor:pointer}
button.primary{background:#1677ff;border-color:#1677ff;color:#fff}
button:focus-visible{outline:2px solid #1677ff;outline-offset:2px}`;

export function page(locale: Locale, title: string, body: string, status = 200): Page {
  const nonce = randomBytes(16).toString("base64");
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
  // No form-action: the consent and sign-out forms end in a redirect to the app's own registered URI.
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' https: data:; base-uri 'none'; frame-ancestors 'none'`;
  return { status, html, csp };
}

/** The error page: what went wrong in the spec's words (`error`), and the library's description. */
export function errorPage(locale: Locale, out: { error?: string; error_description?: string }, status = 400): Page {
  const t = oidcText(locale);
  const code = out.error ?? "server_error";
  const body = `<h1>${escapeHtml(t("error.title"))}</h1>
<p>${escapeHtml(t("error.lead"))}</p>
<p><code>${escapeHtml(code)}</code></p>
${out.error_description ? `<p class="muted">${escapeHtml(out.error_description)}</p>` : ""}
<p class="muted">${escapeHtml(t("error.hint"))}</p>`;
  return page(locale, t("error.title"), body, status);
}

export interface ConsentScope {
  name: string;
  displayName: string;
  description: string | null;
}

export function consentPage(locale: Locale, p: { uid: string; clientName: string; scopes: ConsentScope[]; userName: string }): Page {
  const t = oidcText(locale);
  const items = p.scopes
    .map((s) => `<li><strong>${escapeHtml(s.displayName)}</strong>${s.description ? `<small>${escapeHtml(s.description)}</small>` : ""}</li>`)
    .join("");
  const action = `/oidc/interaction/${encodeURIComponent(p.uid)}/confirm`;
  const body = `<h1>${escapeHtml(t("consent.title", { app: p.clientName }))}</h1>
<p class="muted">${escapeHtml(t("consent.signedInAs", { user: p.userName }))}</p>
<p>${escapeHtml(t("consent.lead", { app: p.clientName }))}</p>
<ul>${items}</ul>
<form method="post" action="${escapeHtml(action)}">
<div class="actions">
<button type="submit" name="decision" value="deny">${escapeHtml(t("consent.deny"))}</button>
<button type="submit" name="decision" value="allow" class="primary" autofocus>${escapeHtml(t("consent.allow"))}</button>
</div></form>`;
  return page(locale, t("consent.title", { app: p.clientName }), body);
}

/** The sign-out confirmation around the library's form (its hidden xsrf field and action). */
export function logoutPage(locale: Locale, form: string, clientName: string | null): Page {
  const t = oidcText(locale);
  const body = `<h1>${escapeHtml(t("logout.title"))}</h1>
<p>${escapeHtml(clientName ? t("logout.leadApp", { app: clientName }) : t("logout.lead"))}</p>
${form}
<div class="actions">
<button type="submit" form="op.logoutForm" name="logout" value="no">${escapeHtml(t("logout.stay"))}</button>
<button type="submit" form="op.logoutForm" name="logout" value="yes" class="primary" autofocus>${escapeHtml(t("logout.confirm"))}</button>
</div>`;
  return page(locale, t("logout.title"), body);
}

export function loggedOutPage(locale: Locale): Page {
  const t = oidcText(locale);
  return page(locale, t("logout.doneTitle"), `<h1>${escapeHtml(t("logout.doneTitle"))}</h1><p>${escapeHtml(t("logout.done"))}</p>`);
}
