import type { ReactNode } from "react";
import { redirect, notFound } from "next/navigation";
import { getRequestIdentity } from "~/server/auth";
import { getLocale } from "next-intl/server";
import { ConsoleShell } from "~/components/console-shell";
import type { Locale } from "~/lib/errors";
import { seededNickname } from "~/lib/seeded-text";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { tenant, actor, ended } = await getRequestIdentity();
  // An unbound host is a 404 (src/app/not-found.tsx says why).
  if (!tenant) notFound();
  // A session that an administrator ended, or that expired, is told to its owner there.
  if (!actor) redirect(ended ? `/login?reason=${ended}` : "/login");
  return (
    <ConsoleShell
      tenantId={tenant.id}
      tenantName={tenant.name}
      isOperator={actor.isOperator}
      user={{
        name: seededNickname(actor.displayName, (await getLocale()) as Locale),
        userName: actor.userName ?? "",
        avatar: actor.avatar ?? null,
        permissions: actor.permissions,
        mustChangePassword: !!actor.mustChangePassword,
      }}
    >
      {children}
    </ConsoleShell>
  );
}
