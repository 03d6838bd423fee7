import type { Metadata } from "next";
import { PortalApiView } from "./portal-api-view";

export const metadata: Metadata = { title: "API · Developer portal / API · 开发者门户" };

export default async function PortalApiPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <PortalApiView id={id} />;
}
