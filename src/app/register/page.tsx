import type { Metadata } from "next";
import { getRequestIdentity } from "~/server/auth";
import { UnknownHost } from "~/components/unknown-host";
import { RegisterForm } from "./register-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign up / 注册" };

export default async function RegisterPage() {
  const { tenant, host } = await getRequestIdentity();
  if (!tenant) return <UnknownHost host={host} />;
  return <RegisterForm tenantName={tenant.name} />;
}
