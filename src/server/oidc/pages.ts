/**
 * The few pages the OpenID Provider shows itself, in both languages and never the library's
 * defaults: an error page (a request that cannot go back to the app, such as an unknown
 * `redirect_uri`), the consent page, the sign-out confirmation and the signed-out page.
 * Plain server-written HTML with one nonce'd style sheet and no script.
 */
import { randomBytes } from "node:crypto";
import type { Locale } from "~/lib/errors";
import { translator } from "~/i18n/catalog";
import { UI_LOCALE_COOKIE, cookieLocale, isLocale, parseUiLocaleCookie, pickLocale, readCookie } from "~/i18n/locale";

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The first language of ours in `ui_locales` (space-separated, in order of preference): zh, zh-CN, zh-Hans… or en, en-US… */
export function uiLocale(uiLocales: unknown): Locale | undefined {
  if (typeof uiLocales !== "string") return undefined;
  for (const tag of uiLocales.split(" ")) {
    const t = tag.toLowerCase();
    if (t === "zh" || t.startsWith("zh-")) return "zh-CN";
    if (t === "en" || t.startsWith("en-")) return "en";
  }
  return undefined;
}

/**
 * The language of a provider page. Within a sign-in whose hand-off already applied the app's
 * `ui_locales` (its cookie names the request's key), that cookie: the app's language, or the one the user
 * switched to on our login page. Otherwise `ui_locales` first, then the language cookies, then the browser.
 */
export function pageLocale(headers: { cookie?: string | string[]; "accept-language"?: string | string[] }, uiLocales?: unknown, flowKey?: string): Locale {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const cookies = one(headers.cookie);
  const flow = parseUiLocaleCookie(readCookie(cookies, UI_LOCALE_COOKIE));
  if (flowKey && flow?.uid === flowKey) return flow.locale;
  const asked = uiLocale(uiLocales);
  if (asked) return asked;
  const cookie = cookieLocale(cookies);
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
button:focus-visible{outline:2px solid #1677ff;outline-offset:2px}
img.logo{display:block;width:56px;height:56px;object-fit:contain;border-radius:8px;margin:0 0 12px}
label.remember{display:block;margin-top:16px;cursor:pointer}label.remember small{display:block;color:#666;margin-left:24px}
input[type=checkbox]{width:16px;height:16px;vertical-align:-2px;margin:0 4px 0 0}`;

export function page(locale: Locale, title: string, body: string, status = 200): Page {
  const nonce = randomBytes(16).toString("base64");
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
  // No form-action: the consent and sign-out forms end in a redirect to the app's own registered URI.
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' https: data:; base-uri 'none'; frame-ancestors 'none'`;
  return { status, html, csp };
}

/** Error codes (the spec's, and `session_not_found` for an interaction that is gone) with words of our own. */
export const ERROR_TEXT_CODES = [
  "invalid_request",
  "invalid_client",
  "invalid_redirect_uri",
  "invalid_scope",
  "unauthorized_client",
  "access_denied",
  "login_required",
  "consent_required",
  "interaction_required",
  "invalid_grant",
  "invalid_target",
  "unsupported_response_type",
  "invalid_request_uri",
  "invalid_request_object",
  "request_not_supported",
  "request_uri_not_supported",
  "registration_not_supported",
  "invalid_token",
  "server_error",
  "temporarily_unavailable",
  "session_not_found",
] as const;
const KNOWN_CODES = new Set<string>(ERROR_TEXT_CODES);
const CODE_RE = /^[a-z_]{1,64}$/;

/**
 * The error page: what went wrong in our own words, per error code and in the page's language,
 * and the code itself for the app's developer. Never the library's `error_description` (English,
 * and meant for developers): `kind` picks our text when it differs from the code
 * (`session_not_found` is an `invalid_request` to the spec).
 */
export function errorPage(locale: Locale, out: { error?: string; kind?: string }, status = 400): Page {
  const t = oidcText(locale);
  const code = out.error && CODE_RE.test(out.error) ? out.error : "server_error";
  const kind = out.kind && KNOWN_CODES.has(out.kind) ? out.kind : code;
  const text = KNOWN_CODES.has(kind) ? t(`error.codes.${kind}`) : t("error.codes.other");
  const body = `<h1>${escapeHtml(t("error.title"))}</h1>
<p id="uc-error-text">${escapeHtml(text)}</p>
<p class="muted">${escapeHtml(t("error.hint"))}</p>
<p class="muted"><small>${escapeHtml(t("error.code"))} <code id="uc-error-code">${escapeHtml(code)}</code></small></p>`;
  return page(locale, t("error.title"), body, status);
}

export interface ConsentScope {
  name: string;
  displayName: string;
  description: string | null;
}

/** An app's logo only from an absolute `https:` URL without credentials (anything else is not shown). */
export function safeLogoUri(uri: unknown): string | null {
  if (typeof uri !== "string" || uri.length > 2048) return null;
  try {
    const u = new URL(uri);
    return u.protocol === "https:" && !u.username && !u.password ? u.href : null;
  } catch {
    return null;
  }
}

export function consentPage(locale: Locale, p: { uid: string; clientName: string; logoUri?: string | null; scopes: ConsentScope[]; userName: string }): Page {
  const t = oidcText(locale);
  const items = p.scopes
    .map((s) => `<li><strong>${escapeHtml(s.displayName)}</strong>${s.description ? `<small>${escapeHtml(s.description)}</small>` : ""}</li>`)
    .join("");
  const action = `/oidc/interaction/${encodeURIComponent(p.uid)}/confirm`;
  const logo = safeLogoUri(p.logoUri);
  const logoHtml = logo
    ? `<img class="logo" src="${escapeHtml(logo)}" alt="${escapeHtml(t("consent.logoAlt", { app: p.clientName }))}" width="56" height="56" referrerpolicy="no-referrer">`
    : "";
  const body = `${logoHtml}<h1>${escapeHtml(t("consent.title", { app: p.clientName }))}</h1>
<p class="muted">${escapeHtml(t("consent.signedInAs", { user: p.userName }))}</p>
<p>${escapeHtml(t("consent.lead", { app: p.clientName }))}</p>
<ul>${items}</ul>
<form method="post" action="${escapeHtml(action)}">
<label class="remember"><input type="checkbox" name="remember" value="1" checked> <span>${escapeHtml(t("consent.remember"))}</span>
<small>${escapeHtml(t("consent.rememberHint"))}</small></label>
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
