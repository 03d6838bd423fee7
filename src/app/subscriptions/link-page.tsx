import { notFound } from "next/navigation";
import { getRequestIdentity } from "~/server/auth";
import { SubscriptionLinkView, type LinkAction, type LinkResult } from "./subscription-link-view";

const RESULTS = new Set(["ok", "invalid", "expired"]);
type Search = Promise<Record<string, string | string[] | undefined>>;

/** The confirm and unsubscribe pages: public, on the tenant's host (an unbound host is a 404). */
export async function SubscriptionLinkPage({ action, searchParams }: { action: LinkAction; searchParams: Search }) {
  const { tenant } = await getRequestIdentity();
  if (!tenant) notFound();
  const q = await searchParams;
  const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : "");
  const result = RESULTS.has(one(q.result)) ? (one(q.result) as LinkResult) : null;
  return <SubscriptionLinkView action={action} token={one(q.t).slice(0, 300)} result={result} tenantName={tenant.name} />;
}
