import type { Metadata } from "next";
import { getRequestIdentity } from "~/server/auth";
import { UnknownHost } from "~/components/unknown-host";
import { ForgotForm } from "./forgot-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Reset password / 重置密码" };

export default async function ForgotPage() {
  const { tenant, host } = await getRequestIdentity();
  if (!tenant) return <UnknownHost host={host} />;
  return <ForgotForm tenantName={tenant.name} />;
}
