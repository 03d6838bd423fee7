import { notFound } from "next/navigation";
import type { Metadata } from "next";
import { getRequestIdentity } from "~/server/auth";
import { ForgotForm } from "./forgot-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Reset password / 重置密码" };

export default async function ForgotPage() {
  const { tenant } = await getRequestIdentity();
  // An unbound host is a 404 (src/app/not-found.tsx says why).
  if (!tenant) notFound();
  return <ForgotForm tenantName={tenant.name} />;
}
