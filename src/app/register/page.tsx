import { notFound } from "next/navigation";
import type { Metadata } from "next";
import { getRequestIdentity } from "~/server/auth";
import { RegisterForm } from "./register-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign up / 注册" };

export default async function RegisterPage() {
  const { tenant } = await getRequestIdentity();
  // An unbound host is a 404 (src/app/not-found.tsx says why).
  if (!tenant) notFound();
  return <RegisterForm tenantName={tenant.name} />;
}
