import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect, notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getRequestIdentity } from "~/server/auth";
import { LoginForm } from "./login-form";
import { db } from "~/server/db";
import { tenantSettings } from "~/server/services/tenant-settings";
import { requestOrigin } from "~/server/request";
import { safeRedirectTarget } from "~/lib/safe-redirect";
import { isSessionEndReason } from "~/lib/validators/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in / 登录" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string; reason?: string; prompt?: string; login_hint?: string }>;
}) {
  const { tenant, actor, ended } = await getRequestIdentity();
  // An unbound host is a 404 (src/app/not-found.tsx says why).
  if (!tenant) notFound();
  const sp = await searchParams;
  // Only targets on this origin, resolved as the browser will ("/%09/host" is "//host" to it).
  const callbackUrl = safeRedirectTarget(typeof sp.callbackUrl === "string" ? sp.callbackUrl : null, requestOrigin(await headers()));
  // prompt=login: an app's sign-in (src/server/oidc/interaction.ts) wants a sign-in made now, even over a session.
  if (actor && sp.prompt !== "login") redirect(callbackUrl);
  const t = await getTranslations("login");
  const settings = await tenantSettings(db, tenant.id);
  return (
    <LoginForm
      tenantName={tenant.name}
      subtitle={t("subtitle", { tenant: tenant.name })}
      callbackUrl={callbackUrl}
      wechat={!!settings["wechat.appId"] && "wechat.appSecret" in settings}
      initialError={Number(sp.error) || null}
      // An app's login_hint (src/server/oidc/interaction.ts): the account field starts with it.
      loginHint={typeof sp.login_hint === "string" && sp.login_hint.length <= 254 ? sp.login_hint : undefined}
      // Why the last session ended: read from its own record when the browser still names it, else
      // from the link, which may only pick one of the fixed messages.
      ended={ended ?? (isSessionEndReason(sp.reason) ? sp.reason : null)}
    />
  );
}
