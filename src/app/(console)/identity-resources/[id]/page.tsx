import type { Metadata } from "next";
import { IdentityResourceDetail } from "./identity-resource-detail";

export const metadata: Metadata = { title: "Identity resource / 身份资源" };

export default async function IdentityResourceDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <IdentityResourceDetail id={id} />;
}
