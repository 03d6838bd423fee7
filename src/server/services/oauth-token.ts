/**
 * POST /api/oauth/token, the protocol half (RFC 6749 §4.4 client credentials): form body,
 * client authentication by HTTP Basic (§2.3.1, form-url-encoded id and secret) or by
 * client_id/client_secret in the body, never both; errors as §5.2 JSON; `Cache-Control: no-store`.
 * The route handler is a one-liner around this so tests can call it with their own database.
 */
import type { Db } from "~/server/db";
import { hasControlChars, hasLoneSurrogate } from "~/lib/validators/common";
import { exchangeClientCredentials } from "~/server/services/client";

const MAX_BODY = 8 * 1024;
const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

type OAuthError = "invalid_client" | "invalid_request" | "unsupported_grant_type" | "unauthorized_client" | "invalid_scope";

function errorResponse(error: OAuthError, description: string, basic = false) {
  const status = error === "invalid_client" ? 401 : 400;
  const headers: Record<string, string> = { ...NO_STORE };
  if (error === "invalid_client" && basic) headers["www-authenticate"] = 'Basic realm="user-center", charset="UTF-8"';
  return Response.json({ error, error_description: description }, { status, headers });
}

/** Text no parameter may hold: C0 controls (NUL, tab, line breaks too), DEL, a lone surrogate. PostgreSQL refuses some of it outright. */
const badText = (s: string) => hasControlChars(s) || hasLoneSurrogate(s);

/** `application/x-www-form-urlencoded` decoding of one Basic credential half (RFC 6749 §2.3.1). */
function formDecode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

function parseBasic(header: string | null): { clientId: string; secret: string } | null | "malformed" {
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return /^Basic\b/i.test(header) ? "malformed" : null;
  const raw = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = raw.indexOf(":");
  if (colon < 0) return "malformed";
  const clientId = formDecode(raw.slice(0, colon));
  const secret = formDecode(raw.slice(colon + 1));
  if (clientId === null || secret === null || !clientId) return "malformed";
  return { clientId, secret };
}

export async function handleTokenRequest(db: Db, req: Request, host: string): Promise<Response> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return errorResponse("invalid_request", "The body must be application/x-www-form-urlencoded");
  const text = await req.text();
  if (text.length > MAX_BODY) return errorResponse("invalid_request", "The body is too large");
  const form = new URLSearchParams(text);
  for (const key of new Set(form.keys())) {
    if (form.getAll(key).length > 1) return errorResponse("invalid_request", `Parameter ${key} is repeated`);
  }
  const grantType = form.get("grant_type");
  if (!grantType) return errorResponse("invalid_request", "grant_type is required");
  if (badText(grantType)) return errorResponse("invalid_request", "grant_type holds a control character or invalid text");
  if (grantType !== "client_credentials") return errorResponse("unsupported_grant_type", "Only client_credentials is supported");

  const basic = parseBasic(req.headers.get("authorization"));
  const bodyId = form.get("client_id");
  const bodySecret = form.get("client_secret");
  if (basic === "malformed") return errorResponse("invalid_client", "Malformed Basic credentials", true);
  if (basic && (bodyId !== null || bodySecret !== null))
    return errorResponse("invalid_request", "Use one client authentication method: Basic or the body, not both");
  let creds: { clientId: string; secret: string };
  if (basic) creds = basic;
  else if (bodyId && bodySecret) creds = { clientId: bodyId, secret: bodySecret };
  else if (bodyId || bodySecret) return errorResponse("invalid_request", "client_id and client_secret go together");
  else return errorResponse("invalid_client", "Client authentication is required", true);
  // No client id or secret holds such text: the client is unknown, and the lookup is never made.
  if (badText(creds.clientId) || badText(creds.secret)) return errorResponse("invalid_client", "Client authentication failed", !!basic);

  const scopeParam = form.get("scope");
  if (scopeParam !== null && badText(scopeParam)) return errorResponse("invalid_scope", "The requested scope holds a control character or invalid text");
  const outcome = await exchangeClientCredentials(db, host, creds, scopeParam === null ? undefined : scopeParam);
  if (!outcome.ok) return errorResponse(outcome.error, outcome.description, !!basic);
  const { ok: _ok, ...body } = outcome;
  return Response.json(body, { status: 200, headers: NO_STORE });
}
