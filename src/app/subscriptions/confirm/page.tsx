import type { Metadata } from "next";
import { SubscriptionLinkPage } from "../link-page";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Confirm subscription / 确认订阅", robots: { index: false } };

export default function ConfirmSubscriptionPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <SubscriptionLinkPage action="confirm" searchParams={searchParams} />;
}
