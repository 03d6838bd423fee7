import { redirect } from "next/navigation";
import { getRequestIdentity } from "~/server/auth";
import { hasPermission } from "~/lib/permissions";

export const dynamic = "force-dynamic";

/** Administrators land in the console; everyone else in their account. */
export default async function Home() {
  const { actor, ended } = await getRequestIdentity();
  if (!actor) redirect(ended ? `/login?reason=${ended}` : "/login");
  redirect(hasPermission(actor.permissions, "uc.tenant.get") ? "/tenants" : "/account");
}
