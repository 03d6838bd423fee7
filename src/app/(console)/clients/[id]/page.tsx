import type { Metadata } from "next";
import { ClientDetailView } from "../client-detail";

export const metadata: Metadata = { title: "OAuth client / OAuth 客户端" };

export default async function ClientDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ClientDetailView id={id} />;
}
