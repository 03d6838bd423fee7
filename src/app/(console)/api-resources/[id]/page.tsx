import type { Metadata } from "next";
import { ApiResourceDetail } from "./api-resource-detail";

export const metadata: Metadata = { title: "API resource / API 资源" };

export default async function ApiResourceDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ApiResourceDetail id={id} />;
}
