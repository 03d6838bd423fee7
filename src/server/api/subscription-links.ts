/**
 * The addresses subscribers' emails link to, outside tRPC because mail clients and plain HTML
 * forms call them: `POST /api/subscriptions/unsubscribe?t=…` with `List-Unsubscribe=One-Click`
 * is RFC 8058's one-click unsubscribe (answered 200, nothing to click); a POST from the confirm
 * or unsubscribe page's button answers a 303 back to the page with the outcome; a GET (a link
 * scanner, or a person) only leads to the page, which acts once its button is pressed.
 */
import type { Db } from "~/server/db";
import { createContext } from "~/server/api/context";
import type { PublicTenantCtx } from "~/server/api/trpc";
import { AppError } from "~/server/errors";
import { msg } from "~/lib/validators/common";
import { confirmSubscription, unsubscribe } from "~/server/services/api-subscriptions";

export type LinkAction = "confirm" | "unsubscribe";
export type LinkOutcome = "ok" | "invalid" | "expired";

const seeOther = (location: string) => new Response(null, { status: 303, headers: { location } });

/** What the link's token did: ok, or why nothing was done. */
export async function runLink(ctx: PublicTenantCtx, action: LinkAction, token: string): Promise<LinkOutcome> {
  try {
    if (action === "confirm") await confirmSubscription(ctx, token);
    else await unsubscribe(ctx, token);
    return "ok";
  } catch (e) {
    if (e instanceof AppError && e.appCode === 300003) return e.fields?.t?.[0] === msg("subscriptionLinkExpired") ? "expired" : "invalid";
    throw e;
  }
}

export async function subscriptionLinkResponse(req: Request, action: string, db: Db): Promise<Response> {
  if (action !== "confirm" && action !== "unsubscribe") return new Response("Not found", { status: 404 });
  const url = new URL(req.url);
  const page = `/subscriptions/${action}`;
  if (req.method !== "POST") return seeOther(`${page}?t=${encodeURIComponent(url.searchParams.get("t") ?? "")}`);
  const ctx = await createContext(req, db);
  if (!ctx.tenant || ctx.tenant.status !== "enabled") return new Response("Not found", { status: 404 });
  const form = new URLSearchParams(await req.text().catch(() => ""));
  const token = (url.searchParams.get("t") || form.get("t") || "").slice(0, 300);
  const outcome = await runLink(ctx as PublicTenantCtx, action, token);
  if (action === "unsubscribe" && form.get("List-Unsubscribe") === "One-Click") {
    return new Response(outcome === "ok" ? "Unsubscribed.\n" : `Not unsubscribed: the link is ${outcome}.\n`, {
      status: outcome === "ok" ? 200 : 400,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  return seeOther(`${page}?result=${outcome}`);
}
