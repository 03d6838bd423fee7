import type { Metadata } from "next";
import { ApiScopeDetail } from "./api-scope-detail";

export const metadata: Metadata = { title: "API scope / API 范围" };

export default async function ApiScopeDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ApiScopeDetail id={id} />;
}
