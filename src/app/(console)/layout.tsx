import type { ReactNode } from "react";
import { redirect } from "next/navigation";
import { getRequestIdentity } from "~/server/auth";
import { UnknownHost } from "~/components/unknown-host";
import { ConsoleShell } from "~/components/console-shell";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { tenant, actor, host } = await getRequestIdentity();
  if (!tenant) return <UnknownHost host={host} />;
  if (!actor) redirect("/login");
  return (
    <ConsoleShell
      tenantId={tenant.id}
      tenantName={tenant.name}
      isOperator={actor.isOperator}
      user={{ name: actor.displayName, userName: actor.userName ?? "", avatar: actor.avatar ?? null, permissions: actor.permissions }}
    >
      {children}
    </ConsoleShell>
  );
}
