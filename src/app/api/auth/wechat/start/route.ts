import { NextResponse } from "next/server";
import { db } from "~/server/db";
import { resolveTenant } from "~/server/services/host";
import { loadActor } from "~/server/services/session";
import { sessionIdFromCookieHeader } from "~/server/auth";
import { WECHAT_STATE_COOKIE, startWechatLogin } from "~/server/services/wechat-login";
import { requestHost, requestOrigin } from "~/server/request";
import { safeRedirectTarget } from "~/lib/safe-redirect";
import { AppError } from "~/server/errors";

export const dynamic = "force-dynamic";

/** Starts WeChat QR sign-in (or binding, for a signed-in user): cookie the state, go to WeChat. */
export async function GET(req: Request) {
  const url = new URL(req.url);
  const host = requestHost(req.headers);
  const origin = requestOrigin(req.headers);
  const tenant = await resolveTenant(db, host);
  const back = (code: number) => NextResponse.redirect(`${origin}/login?error=${code}`, 303);
  if (!tenant) return back(10007);
  const mode = url.searchParams.get("mode") === "bind" ? "bind" : "login";
  const callbackUrl = safeRedirectTarget(url.searchParams.get("callbackUrl"), origin, mode === "bind" ? "/account" : "/");
  // A signed-in user binding WeChat goes back to the page they came from, told why (the sign-in
  // page would only send them on: they are signed in).
  const fail = (code: number) => {
    if (mode !== "bind" || code === 10001) return back(code);
    const to = new URL(callbackUrl, origin);
    to.searchParams.set("tab", "linked");
    to.searchParams.set("bindError", String(code));
    return NextResponse.redirect(to.href, 303);
  };
  let userId: string | undefined;
  if (mode === "bind") {
    const sid = await sessionIdFromCookieHeader(req.headers.get("cookie"));
    const actor = sid ? await loadActor(db, sid, tenant.id) : null;
    if (!actor) return back(10001);
    userId = actor.userId;
  }
  try {
    const r = await startWechatLogin(db, {
      tenant,
      origin,
      mode,
      userId,
      callbackUrl,
    });
    const res = NextResponse.redirect(r.url, 303);
    res.cookies.set(WECHAT_STATE_COOKIE, r.cookie, {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      maxAge: r.maxAgeSeconds,
      secure: origin.startsWith("https:"),
    });
    return res;
  } catch (e) {
    if (e instanceof AppError) return fail(e.appCode);
    throw e;
  }
}
