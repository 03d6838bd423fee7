import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getRequestIdentity } from "~/server/auth";
import { MySubscriptions } from "./my-subscriptions";

export const metadata: Metadata = { title: "My subscriptions · Developer portal / 我的订阅 · 开发者门户" };

/** A signed-in user's product subscriptions; a visitor is sent to sign in and brought back. */
export default async function PortalSubscriptionsPage() {
  const { actor } = await getRequestIdentity();
  if (!actor) redirect(`/login?callbackUrl=${encodeURIComponent("/portal/subscriptions")}`);
  return <MySubscriptions />;
}
