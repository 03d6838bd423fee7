import { redirect } from "next/navigation";
import { getRequestIdentity } from "~/server/auth";
import { hasPermission } from "~/lib/permissions";

export const dynamic = "force-dynamic";

/** Administrators land on the console's dashboard (or its first list they may see); everyone else in their account. */
export default async function Home() {
  const { actor, ended } = await getRequestIdentity();
  if (!actor) redirect(ended ? `/login?reason=${ended}` : "/login");
  if (hasPermission(actor.permissions, "uc.dashboard.get")) redirect("/dashboard");
  redirect(hasPermission(actor.permissions, "uc.tenant.get") ? "/tenants" : "/account");
}
