import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getRequestIdentity } from "~/server/auth";
import { UnknownHost } from "~/components/unknown-host";
import { LoginForm } from "./login-form";
import { db } from "~/server/db";
import { tenantSettings } from "~/server/services/tenant-settings";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in / 登录" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { tenant, actor, host } = await getRequestIdentity();
  if (!tenant) return <UnknownHost host={host} />;
  const sp = await searchParams;
  // Only paths on this site: "//host" and "/\\host" would leave it.
  const callbackUrl = sp.callbackUrl && /^\/(?![/\\])/.test(sp.callbackUrl) ? sp.callbackUrl : "/";
  if (actor) redirect(callbackUrl);
  const t = await getTranslations("login");
  const settings = await tenantSettings(db, tenant.id);
  return (
    <LoginForm
      tenantName={tenant.name}
      subtitle={t("subtitle", { tenant: tenant.name })}
      callbackUrl={callbackUrl}
      wechat={!!settings["wechat.appId"] && "wechat.appSecret" in settings}
      initialError={Number(sp.error) || null}
    />
  );
}
