/**
 * The sign-in hand-off between a tenant's provider and our own pages.
 *
 * `GET /oidc/interaction/<uid>` (where the authorization endpoint sends the browser) and
 * `GET /oidc/interaction/<uid>/login` (where our login page returns after any sign-in variant):
 * when the provider wants a login, the next-auth session of this browser on this tenant — the
 * same login-session record every sign-in makes — finishes it (single sign-on, no prompt)
 * unless `prompt=login` or `max_age` asks for a newer sign-in; otherwise the browser goes to
 * `/login` and comes back here. When the provider wants consent, a first-party client gets it
 * at once and any other shows our consent page, which posts to
 * `POST /oidc/interaction/<uid>/confirm` (with "remember my choice": consent.ts).
 *
 * Language: the first visit of an interaction applies the request's `ui_locales` for the pages
 * of this sign-in (UI_LOCALE_COOKIE: our login page, the consent and error pages), until the
 * user picks another language on them.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import type { InteractionResults } from "oidc-provider";
import type { Db } from "~/server/db";
import type { ResolvedTenant } from "~/server/services/host";
import { loadTenantAndActor } from "~/server/services/session";
import { sessionIdFromCookieHeader } from "~/server/auth";
import type { Locale } from "~/lib/errors";
import { STANDARD_IDENTITY_RESOURCES } from "~/lib/validators/api";
import { OPERATOR_TEXT, identityText, localizeSeeded } from "~/lib/seeded-text";
import { UI_LOCALE_COOKIE, UI_LOCALE_MAX_AGE, parseUiLocaleCookie, readCookie } from "~/i18n/locale";
import { isCrossSite, requestProto } from "~/server/request";
import { withLoginLink, type LoginLink } from "~/server/oidc/adapter";
import { markGrantOnce } from "~/server/oidc/consent";
import { consentPage, errorPage, oidcText, pageLocale, uiLocale, type ConsentScope, type Page } from "~/server/oidc/pages";
import { interactionPath } from "~/server/oidc/provider";
import { readForm } from "~/server/oidc/form";

type Interaction = Awaited<ReturnType<Provider["interactionDetails"]>>;

export interface InteractionRequest {
  db: Db;
  provider: Provider;
  tenant: ResolvedTenant;
  host: string;
  req: IncomingMessage;
  res: ServerResponse;
  uid: string;
  action: "" | "login" | "confirm";
}

const headerBag = (req: IncomingMessage) => ({
  get: (name: string) => {
    const v = req.headers[name.toLowerCase()];
    return (Array.isArray(v) ? v[0] : v) ?? null;
  },
});

export function writePage(res: ServerResponse, p: Page) {
  res.writeHead(p.status, { "content-type": "text/html; charset=utf-8", "content-security-policy": p.csp, "cache-control": "no-store" });
  res.end(p.html);
}

function redirect(res: ServerResponse, location: string) {
  res.writeHead(303, { location, "cache-control": "no-store" });
  res.end();
}

/** RFC 8176 method references for our sign-in variants. */
const AMR: Record<string, string[]> = { password: ["pwd"], "sms-code": ["sms", "otp"], wechat: ["wechat"], miniprogram: ["wechat"] };

/** The browser's usable login session on this tenant (its user one of the tenant's), or null. */
async function currentLogin(r: InteractionRequest) {
  const sid = await sessionIdFromCookieHeader(headerBag(r.req).get("cookie"));
  if (!sid) return null;
  const { actor } = await loadTenantAndActor(r.db, r.host, sid);
  // Operators may use the console on any host, but an app of this tenant signs in its own users only.
  if (!actor || actor.client || actor.tenantId !== r.tenant.id) return null;
  const s = await r.db.loginSession.findUnique({ where: { id: actor.sessionId }, select: { createdAt: true, method: true } });
  return s ? { actor, createdAt: s.createdAt, method: s.method } : null;
}

/**
 * What the consent page lists: each scope asked for with the display name and description of its
 * identity resource or API scope (the tenant's own rows; the standard ones in the page's language).
 */
async function scopeItems(db: Db, tenantId: string, locale: Locale, details: Interaction): Promise<ConsentScope[]> {
  const t = oidcText(locale);
  const prompt = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
  const oidcScopes = (prompt.missingOIDCScope ?? []).filter((n) => n !== "openid");
  const apiScopes = Object.values(prompt.missingResourceScopes ?? {}).flat();
  const [identities, apis] = await Promise.all([
    oidcScopes.length
      ? db.identityResource.findMany({
          where: { tenantId, name: { in: oidcScopes } },
          select: { name: true, displayName: true, description: true, standard: true },
        })
      : [],
    apiScopes.length
      ? db.apiScope.findMany({ where: { tenantId, name: { in: apiScopes } }, select: { name: true, displayName: true, description: true } })
      : [],
  ]);
  const items: ConsentScope[] = [];
  for (const name of oidcScopes) {
    if (name === "offline_access") {
      items.push({ name, displayName: t("scope.offline_access"), description: t("scope.offline_accessHint") });
      continue;
    }
    const row = identities.find((r) => r.name === name);
    const std = STANDARD_IDENTITY_RESOURCES.find((r) => r.name === name);
    if (row)
      items.push({
        name,
        displayName: identityText(row, "displayName", row.displayName, locale) || (std ? std.displayName[locale] : name),
        description: identityText(row, "description", row.description, locale) || (std ? std.description[locale] : null),
      });
    else
      items.push(std ? { name, displayName: std.displayName[locale], description: std.description[locale] } : { name, displayName: name, description: null });
  }
  for (const [resource, scopes] of Object.entries(prompt.missingResourceScopes ?? {}))
    for (const s of scopes) {
      const row = apis.find((a) => a.name === s);
      items.push({ name: s, displayName: row?.displayName || s, description: row?.description || t("consent.apiScope", { resource }) });
    }
  if (!items.length)
    items.push({
      name: "openid",
      displayName: STANDARD_IDENTITY_RESOURCES[0].displayName[locale],
      description: STANDARD_IDENTITY_RESOURCES[0].description[locale],
    });
  return items;
}

/**
 * The grant the consent step asks for: every missing scope, claim and resource scope. Not
 * remembered (the box unticked): a grant of its own for this authorization, marked so that the
 * next one asks again (consent.ts).
 */
async function grantAll(r: InteractionRequest, details: Interaction, remember = true): Promise<InteractionResults> {
  const { provider } = r;
  const accountId = details.session?.accountId;
  if (!accountId) throw new Error("consent without a signed-in account");
  const prompt = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  const fresh = () => new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  const grant = details.grantId && remember ? ((await provider.Grant.find(details.grantId)) ?? fresh()) : fresh();
  if (prompt.missingOIDCScope) grant.addOIDCScope(prompt.missingOIDCScope.join(" "));
  if (prompt.missingOIDCClaims) grant.addOIDCClaims(prompt.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(" "));
  const grantId = await grant.save();
  if (!remember) await markGrantOnce(r.db, r.tenant.id, grantId);
  return { consent: details.grantId === grantId ? {} : { grantId } };
}

/**
 * One authorization request across its interactions (the login and the consent step each get a
 * uid of their own): its client, PKCE challenge, state and nonce, hashed.
 */
const flowKey = (p: Interaction["params"]) =>
  createHash("sha256")
    .update(JSON.stringify([p.client_id, p.code_challenge, p.state, p.nonce]))
    .digest("base64url")
    .slice(0, 22);

/** The Set-Cookie that applies (or, with `locale` null, ends) an app's ui_locales for the pages of one authorization request. */
function uiLocaleCookie(r: InteractionRequest, locale: Locale | null, key = ""): string {
  const secure = requestProto(headerBag(r.req)) === "https" ? "; Secure" : "";
  return locale
    ? `${UI_LOCALE_COOKIE}=${locale}:${key}; Path=/; Max-Age=${UI_LOCALE_MAX_AGE}; SameSite=Lax${secure}`
    : `${UI_LOCALE_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax${secure}`;
}

export async function handleInteraction(r: InteractionRequest): Promise<void> {
  const { req, res, provider } = r;
  const locale = pageLocale(req.headers);
  const link: LoginLink = {};
  await withLoginLink(link, async () => {
    let details: Interaction;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return writePage(res, errorPage(locale, { error: "invalid_request", kind: "session_not_found" }, 400));
    }
    if (details.uid !== r.uid) return writePage(res, errorPage(locale, { error: "invalid_request", kind: "session_not_found" }, 400));
    // The first visit of this authorization request applies the app's ui_locales to the pages of this sign-in.
    const key = flowKey(details.params);
    const asked = uiLocale(details.params.ui_locales);
    const applied = parseUiLocaleCookie(readCookie(headerBag(req).get("cookie"), UI_LOCALE_COOKIE))?.uid === key;
    if (asked && !applied && req.method === "GET") res.setHeader("set-cookie", uiLocaleCookie(r, asked, key));
    const pageLang = asked && !applied ? asked : pageLocale(req.headers, details.params.ui_locales, key);
    const finish = (result: InteractionResults, merge = false) => provider.interactionFinished(req, res, result, { mergeWithLastSubmission: merge });
    // The consent is the last of our pages in a sign-in: its language cookie goes with it.
    const finishConsent = (result: InteractionResults) => {
      if (applied) res.setHeader("set-cookie", uiLocaleCookie(r, null));
      return finish(result, true);
    };

    if (r.action === "confirm") {
      if (req.method !== "POST" || isCrossSite(headerBag(req), r.host)) return writePage(res, errorPage(pageLang, { error: "invalid_request" }, 400));
      if (details.prompt.name !== "consent") return redirect(res, interactionPath(r.uid));
      const form = await readForm(req, 8192);
      const decision = form?.get("decision");
      if (decision === "deny") {
        if (applied) res.setHeader("set-cookie", uiLocaleCookie(r, null));
        return finish({ error: "access_denied", error_description: "The user denied the request" });
      }
      if (decision !== "allow") return writePage(res, errorPage(pageLang, { error: "invalid_request" }, 400));
      return finishConsent(await grantAll(r, details, form?.get("remember") === "1"));
    }
    if (req.method !== "GET") return writePage(res, errorPage(pageLang, { error: "invalid_request" }, 405));

    if (details.prompt.name === "login") {
      const login = await currentLogin(r);
      const reasons = details.prompt.reasons;
      const maxAge = Number(details.params.max_age);
      const startedAt = (details.iat ?? 0) * 1000;
      // prompt=login (or a provider session too old for max_age) wants a sign-in made for this request.
      const forced = reasons.includes("login_prompt") || reasons.includes("max_age");
      const fresh =
        !!login && (!forced || login.createdAt.getTime() >= startedAt) && (!Number.isFinite(maxAge) || Date.now() - login.createdAt.getTime() <= maxAge * 1000);
      // A password an administrator chose must be replaced before anything else (the console asks for it).
      if (login?.actor.mustChangePassword) return redirect(res, "/");
      if (login && fresh) {
        link.loginSessionId = login.actor.sessionId;
        return finish({
          login: {
            accountId: login.actor.userId,
            ts: Math.floor(login.createdAt.getTime() / 1000),
            amr: AMR[login.method] ?? [login.method],
            remember: true,
          },
        });
      }
      const back = new URLSearchParams({ callbackUrl: `${interactionPath(r.uid)}/login`, prompt: "login" });
      if (typeof details.params.login_hint === "string" && details.params.login_hint.length <= 254) back.set("login_hint", details.params.login_hint);
      return redirect(res, `/login?${back.toString()}`);
    }

    if (details.prompt.name === "consent") {
      const client = await provider.Client.find(String(details.params.client_id));
      if (!client) return writePage(res, errorPage(pageLang, { error: "invalid_client" }, 400));
      // A first-party app (consent not required) is granted what it asked for without a page.
      if ((client as unknown as { uc_consent_required?: boolean }).uc_consent_required === false) return finishConsent(await grantAll(r, details));
      const login = await currentLogin(r);
      return writePage(
        res,
        consentPage(pageLang, {
          uid: r.uid,
          clientName: client.clientName ?? client.clientId,
          // The client's logo_uri (https only, checked again by the page).
          logoUri: (client as unknown as { logoUri?: string }).logoUri ?? null,
          scopes: await scopeItems(r.db, r.tenant.id, pageLang, details),
          userName: login ? (login.actor.isOperator ? localizeSeeded(login.actor.displayName, OPERATOR_TEXT.nickname, pageLang) : login.actor.displayName) : "",
        }),
      );
    }
    return writePage(res, errorPage(pageLang, { error: "invalid_request" }, 400));
  });
}
