import type { Metadata } from "next";
import { SubscriptionLinkPage } from "../link-page";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Unsubscribe / 退订", robots: { index: false } };

export default function UnsubscribePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <SubscriptionLinkPage action="unsubscribe" searchParams={searchParams} />;
}
