import { notFound } from "next/navigation";
import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import { requestOrigin } from "~/server/request";
import { safeRedirectTarget } from "~/lib/safe-redirect";
import { getRequestIdentity } from "~/server/auth";
import { WECHAT_STATE_COOKIE, stateMode } from "~/server/services/wechat-login";
import { WechatCallback } from "./wechat-callback";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "WeChat / 微信" };

/** WeChat redirects here with `code` and `state`; the client finishes sign-in or binding. */
export default async function WechatCallbackPage({ searchParams }: { searchParams: Promise<{ code?: string; state?: string }> }) {
  const { tenant } = await getRequestIdentity();
  // An unbound host is a 404 (src/app/not-found.tsx says why).
  if (!tenant) notFound();
  const { code, state } = await searchParams;
  const flow = stateMode((await cookies()).get(WECHAT_STATE_COOKIE)?.value);
  return (
    <WechatCallback
      code={code ?? null}
      state={state ?? ""}
      mode={flow?.mode ?? "login"}
      callbackUrl={safeRedirectTarget(flow?.callbackUrl, requestOrigin(await headers()))}
    />
  );
}
