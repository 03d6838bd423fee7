import type { ReactNode } from "react";
import { notFound } from "next/navigation";
import { getRequestIdentity } from "~/server/auth";
import { PortalShell } from "./portal-shell";

/** The developer portal: public pages of the tenant behind this host (an unbound host is a 404). */
export default async function PortalLayout({ children }: { children: ReactNode }) {
  const { tenant, actor } = await getRequestIdentity();
  if (!tenant || tenant.status !== "enabled") notFound();
  return <PortalShell signedIn={!!actor}>{children}</PortalShell>;
}
